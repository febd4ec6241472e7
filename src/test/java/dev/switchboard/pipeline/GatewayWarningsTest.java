package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayWarningsTest {
    private static final String YAML = """
            model_list:
              - model_name: hosted
                litellm_params: { model: openai/gpt-4o-mini }
              - model_name: claude
                litellm_params: { model: anthropic/claude-sonnet-4-5 }
              - model_name: local
                litellm_params: { model: openai/llama3, api_base: "http://127.0.0.1:11434/v1" }
              - model_name: keyed
                litellm_params: { model: gemini/gemini-2.5-flash, api_key: AIza-configured-1234 }
            """;

    private static Gateway gateway(Map<String, String> env) { return gateway(YAML, env); }

    private static Gateway gateway(String yaml, Map<String, String> env) {
        GatewayConfig config = new ConfigLoader(env::get).parse(yaml);
        config = config.withGeneral(config.general().withDatabasePath(dev.switchboard.support.TestGateway.tempDatabase()));
        return Gateway.create(Vertx.vertx(), config, env::get);
    }

    @Test
    void aHostedDeploymentWithNoKeyAnywhereIsWarnedAbout() {
        Gateway g = gateway(Map.of("ANTHROPIC_API_KEY", "sk-ant-from-env-5678"));
        assertThat(g.warnings()).hasSize(1);
        assertThat(g.warnings().get(0)).contains("'hosted'").contains("OPENAI_API_KEY is not set").contains("line 2");
        ServedModel claude = g.models().stream().filter(m -> m.alias().equals("claude")).findFirst().orElseThrow();
        assertThat(claude.keySource()).isEqualTo("ANTHROPIC_API_KEY");
        assertThat(claude.apiKey().masked()).endsWith("5678");
        ServedModel keyed = g.models().stream().filter(m -> m.alias().equals("keyed")).findFirst().orElseThrow();
        assertThat(keyed.keySource()).isEqualTo("api_key");
        ServedModel local = g.models().stream().filter(m -> m.alias().equals("local")).findFirst().orElseThrow();
        assertThat(local.apiKey()).as("a local server may need no key: no warning").isNull();
        g.close();
    }

    /**
     * Cloud QA (twenty-fifth session): a vertex_ai/ deployment with no Google credentials anywhere passed check in
     * silence and failed every request; it is warned about as a missing key is. gcloud's application-default file,
     * where google-auth-library looks for it ($CLOUDSDK_CONFIG here), counts as credentials.
     */
    @Test
    void aVertexDeploymentWithNoGoogleCredentialsAnywhereIsWarnedAbout(@org.junit.jupiter.api.io.TempDir java.nio.file.Path gcloud)
            throws Exception {
        String yaml = "model_list:\n  - model_name: gemini\n    litellm_params: { model: vertex_ai/gemini-2.5-flash, vertex_project: p1 }\n";
        Gateway none = gateway(yaml, Map.of("CLOUDSDK_CONFIG", gcloud.toString()));
        assertThat(none.warnings()).singleElement().asString().startsWith("line 2: model_list entry 'gemini' (vertex_ai/gemini-2.5-flash)"
                + " has no Google credentials").contains("GOOGLE_APPLICATION_CREDENTIALS is not set")
                .contains(gcloud.resolve("application_default_credentials.json").toString()).contains("Fix: set vertex_credentials");
        assertThat(none.models().get(0).signIn()).isEqualTo("none found");
        none.shutdown();
        dev.switchboard.support.ServiceAccount.create("adc", "p1", "https://oauth2.googleapis.com/token")
                .write(gcloud, "application_default_credentials.json");
        Gateway adc = gateway(yaml, Map.of("CLOUDSDK_CONFIG", gcloud.toString()));
        assertThat(adc.warnings()).isEmpty();
        assertThat(adc.models().get(0).signIn()).startsWith("application-default credentials");
        assertThat(adc.models().get(0).signInFrom()).contains("application_default_credentials.json");
        adc.shutdown();
    }

    @Test
    void aRedisCacheThatIsOffReadsNoRedisVariable() {
        // review: Kubernetes' REDIS_PORT=tcp://… (any Service named redis) refused a config whose Redis cache was off
        String yaml = "model_list:\n  - model_name: a\n    litellm_params: { model: mock/a }\n"
                + "litellm_settings:\n  cache_params: { type: redis, host: redis }\n";
        Gateway off = gateway(yaml, Map.of("REDIS_PORT", "tcp://10.96.4.7", "REDIS_URL", "http://nope"));
        assertThat(off.warnings()).isEmpty();
        off.shutdown();
        // on, cache_params naming the server: an unusable variable is a warning, not a refusal
        Gateway on = gateway(yaml.replace("cache_params", "cache: true\n  cache_params"), Map.of("REDIS_PORT", "tcp://10.96.4.7"));
        assertThat(on.warnings()).singleElement().asString().startsWith("REDIS_PORT: 'tcp://10.96.4.7' is not a port.");
        on.shutdown();
    }

    @Test
    void litellmsOtelCallbackWithNoEndpointAnywhereIsWarnedAbout() {
        String yaml = YAML + "litellm_settings:\n  callbacks: [otel]\n";
        Map<String, String> keys = Map.of("OPENAI_API_KEY", "sk-openai-from-env-1234", "ANTHROPIC_API_KEY", "sk-ant-from-env-5678");
        Gateway off = gateway(yaml, keys);
        assertThat(off.warnings()).singleElement().asString().contains("otel callback").contains("OTEL_EXPORTER_OTLP_ENDPOINT")
                .contains("no traces are sent");
        off.shutdown();
        Map<String, String> withEndpoint = new java.util.HashMap<>(keys);
        withEndpoint.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9");
        Gateway on = gateway(yaml, withEndpoint);
        assertThat(on.warnings()).isEmpty();
        on.shutdown(); // closes its exporter too (its own threads), which close() alone would leave running
    }

    /** LiteLLM's gRPC settings: the exporter speaks OTLP/HTTP only, so the start says so and how to fix it (QA-C 3). */
    @Test
    void litellmsGrpcOtlpSettingsAreWarnedAboutWithTheFix() {
        String yaml = YAML + "litellm_settings:\n  callbacks: [otel]\n";
        Map<String, String> env = new java.util.HashMap<>(Map.of("OPENAI_API_KEY", "sk-openai-from-env-1234",
                "ANTHROPIC_API_KEY", "sk-ant-from-env-5678", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"));
        Gateway grpc = gateway(yaml, env);
        assertThat(grpc.warnings()).singleElement().asString().startsWith("OTEL_EXPORTER_OTLP_PROTOCOL=grpc: OTLP/gRPC is not supported")
                .contains("http://127.0.0.1:9/v1/traces").contains("OTLP/HTTP port (http://<collector>:4318)");
        grpc.shutdown();
        env.remove("OTEL_EXPORTER_OTLP_PROTOCOL");
        env.put("OTEL_EXPORTER", "otlp_grpc"); // LiteLLM's older setting
        Gateway older = gateway(yaml, env);
        assertThat(older.warnings()).singleElement().asString().startsWith("OTEL_EXPORTER=otlp_grpc: OTLP/gRPC is not supported");
        older.shutdown();
        env.put("OTEL_EXPORTER", "grpc"); // its other spelling
        Gateway spelled = gateway(yaml, env);
        assertThat(spelled.warnings()).singleElement().asString().startsWith("OTEL_EXPORTER=grpc: OTLP/gRPC is not supported");
        spelled.shutdown();
        env.remove("OTEL_EXPORTER");
        env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
        Gateway json = gateway(yaml, env);
        assertThat(json.warnings()).singleElement().asString().startsWith("OTEL_EXPORTER_OTLP_PROTOCOL=http/json: spans go as "
                + "OTLP/HTTP with a protobuf body");
        json.shutdown();
        env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        Gateway protobuf = gateway(yaml, env);
        assertThat(protobuf.warnings()).as("what is sent: nothing to say").isEmpty();
        protobuf.shutdown();
        env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
        Gateway untraced = gateway(YAML, env);
        assertThat(untraced.warnings()).as("no otel callback: the variables are not read").isEmpty();
        untraced.shutdown();
    }
}
