package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.Admin;
import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Azure OpenAI deployments as the cloud QA run of 2026-12-06 found them mishandled, through a real socket against the
 * simulator (which, as Azure, refuses {@code stream_options} and {@code max_completion_tokens} on api-versions before
 * 2024-09-01-preview): a stream and an output limit on an old api-version, {@code api_key: ""} beside
 * {@code azure_ad_token}, and a deployment named as the model it runs priced without {@code base_model}.
 */
@ExtendWith(GatewayPerClass.class)
class AzureApiVersionIT {
    static final String AD_TOKEN = "eyJ0eXAiOiJKV1Qi.api-version-it-ad-token";
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: az-2023
                    litellm_params:
                      model: azure/chatgpt-v-2
                      api_base: ${SIM_ROOT}
                      api_version: "2023-05-15"
                      api_key: os.environ/PROVIDER_KEY
                  - model_name: az-2023-max
                    litellm_params:
                      model: azure/chatgpt-v-2
                      api_base: ${SIM_ROOT}
                      api_version: "2024-08-01-preview"
                      api_key: os.environ/PROVIDER_KEY
                      max_tokens: 100
                  - model_name: az-current
                    litellm_params:
                      model: azure/chatgpt-v-2
                      api_base: ${SIM_ROOT}
                      api_version: "2024-10-21"
                      api_key: os.environ/PROVIDER_KEY
                      max_tokens: 100
                  - model_name: az-blank-key
                    litellm_params:
                      model: azure/my-gpt4o
                      api_base: ${SIM_ROOT}
                      api_version: "2024-10-21"
                      api_key: ""
                      azure_ad_token: %s
                  - model_name: az-named
                    litellm_params:
                      model: azure/gpt-4o
                      api_base: ${SIM_ROOT}
                      api_version: "2024-10-21"
                      api_key: os.environ/PROVIDER_KEY
                """.formatted(AD_TOKEN) + TestGateway.NO_RETRIES_MASTER_KEY);
    }

    /** After the simulator's reset: Azure's key and Entra token, as a real resource holds them. */
    @BeforeEach
    void azureCredentials() {
        gw.simulator.azure().requireKey(TestGateway.PROVIDER_KEY);
        gw.simulator.azure().acceptToken(AD_TOKEN);
    }

    private static HttpResponse<String> chat(String body) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
    }

    private static JsonObject ledgerRow(HttpResponse<String> r) {
        Admin admin = new Admin(gw);
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> admin.ledgerRows(r).stream()
                .filter(row -> row.getInteger("attempt") == 0).findFirst().orElse(null), java.util.Objects::nonNull);
    }

    @Test
    void aStreamToAnApiVersionBeforeStreamOptionsGoesWithoutThemAndIsChargedTheEstimate() {
        HttpResponse<String> r = chat("{\"model\":\"az-2023\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello old azure\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> data = Http.sseData(r.body());
        assertThat(data.get(data.size() - 1)).as(r.body()).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        for (String d : data.subList(0, data.size() - 1)) {
            OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", d);
            JsonObject c = new JsonObject(d);
            c.getJsonArray("choices").forEach(o -> {
                String piece = ((JsonObject) o).getJsonObject("delta").getString("content");
                if (piece != null) text.append(piece);
            });
        }
        assertThat(text.toString()).isEqualTo("Hello from the simulator! You said: hello old azure");
        ProviderSimulator.Received seen = gw.simulator.last();
        assertThat(seen.path()).isEqualTo("/openai/deployments/chatgpt-v-2/chat/completions?api-version=2023-05-15");
        assertThat(seen.body().containsKey("stream_options")).isFalse();
        assertThat(seen.body().getBoolean("stream")).isTrue();
        // the client that asked for usage gets the gateway's estimate, the ledger has it marked
        JsonObject usage = new JsonObject(data.get(data.size() - 2)).getJsonObject("usage");
        assertThat(usage.getLong("prompt_tokens")).as(r.body()).isPositive();
        assertThat(usage.getLong("completion_tokens")).isPositive();
        JsonObject row = ledgerRow(r);
        assertThat(row.getBoolean("usage_estimated")).as(row.encode()).isTrue();
        assertThat(row.getLong("completion_tokens")).isPositive();

        // a version from 2024-09-01-preview on is asked for its usage, which is then Azure's own
        HttpResponse<String> current = chat("{\"model\":\"az-current\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
        assertThat(ledgerRow(current).getBoolean("usage_estimated")).isFalse();
    }

    @Test
    void anOutputLimitGoesAsMaxTokensToAnApiVersionBeforeMaxCompletionTokens() {
        // the deployment's default limit, with none from the client
        HttpResponse<String> r = chat("{\"model\":\"az-2023-max\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getInteger("max_tokens")).isEqualTo(100);
        assertThat(sent.containsKey("max_completion_tokens")).isFalse();
        // the client's max_completion_tokens, renamed for the old contract (relayed body and canonical one alike)
        HttpResponse<String> own = chat("{\"model\":\"az-2023-max\",\"max_completion_tokens\":42,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getInteger("max_tokens")).isEqualTo(42);
        assertThat(gw.simulator.last().body().containsKey("max_completion_tokens")).isFalse();
        // a current version keeps OpenAI's field
        HttpResponse<String> current = chat("{\"model\":\"az-current\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getInteger("max_completion_tokens")).isEqualTo(100);
    }

    @Test
    void anEmptyApiKeyIsNoKeyAndTheAdTokenGoes() {
        HttpResponse<String> r = chat("{\"model\":\"az-blank-key\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        ProviderSimulator.Received seen = gw.simulator.last();
        assertThat(seen.headers().get("api-key")).isNull();
        assertThat(seen.headers().get("authorization")).isEqualTo("Bearer " + AD_TOKEN);
    }

    @Test
    void aDeploymentNamedAsItsModelIsPricedWithoutBaseModel() {
        HttpResponse<String> r = chat("{\"model\":\"az-named\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject usage = new JsonObject(r.body()).getJsonObject("usage");
        // gpt-4o's list price, $2.50 / $10 per million tokens, as with base_model: azure/gpt-4o
        double expected = usage.getLong("prompt_tokens") * 2.5e-6 + usage.getLong("completion_tokens") * 10e-6;
        assertThat(Double.parseDouble(r.headers().firstValue("x-switchboard-cost").orElseThrow())).isPositive()
                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(gw.gateway.unpriced()).noneMatch(u -> u.contains("az-named"));
    }
}
