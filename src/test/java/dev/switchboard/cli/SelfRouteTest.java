package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.pipeline.OwnKeyUpstream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A deployment whose base is the gateway's own address: OPENAI_BASE_URL exported for apps, then serve started from the
 * same shell, made every openai/ entry without api_base call the gateway itself, for ever.
 */
class SelfRouteTest {
    private static final String YAML = """
            model_list:
              - model_name: gpt
                litellm_params: { model: openai/gpt-4o, api_key: sk-test-0123456789abcdef }
            """;

    @ParameterizedTest
    @CsvSource({
            "http://localhost:4590/v1, 127.0.0.1, 4590, true",
            "http://127.0.0.1:4590/v1, 127.0.0.1, 4590, true",
            "http://127.0.0.2:4590, localhost, 4590, true",
            "http://[::1]:4590/v1, 0.0.0.0, 4590, true",
            "http://0.0.0.0:4590/v1, 127.0.0.1, 4590, true",
            "http://localhost:4590/v1, 0.0.0.0, 4590, true",
            "http://LocalHost:4590/v1, ::, 4590, true",
            "http://localhost:4591/v1, 127.0.0.1, 4590, false",
            "http://localhost/v1, 127.0.0.1, 4590, false",
            "http://localhost/v1, 127.0.0.1, 80, true",
            "https://proxy.corp/v1, 0.0.0.0, 443, false",
            "http://localhost:4590/v1, 192.0.2.10, 4590, false",
            "http://192.0.2.10:4590/v1, 192.0.2.10, 4590, true",
    })
    void whatCountsAsTheGatewaysOwnAddress(String base, String host, int port, boolean self) {
        assertThat(SelfRoute.isSelf(base, host, port)).isEqualTo(self);
    }

    /** The loader serve uses for a gateway on 127.0.0.1:4590. */
    private static ConfigLoader loader(Map<String, String> env) {
        return new ConfigLoader(env::get).ignoringBasesAt(b -> SelfRoute.isSelf(b, "127.0.0.1", 4590), "http://127.0.0.1:4590");
    }

    /**
     * OPENAI_BASE_URL exported for apps is passed over, with one warning naming it, and the next variable in LiteLLM's
     * order (OPENAI_API_BASE) applies; a base written in the config that is the gateway is still only warned.
     */
    @Test
    void aBaseVariableThatIsTheGatewayIsPassedOverForTheNextOne() {
        Map<String, String> env = Map.of("OPENAI_BASE_URL", "http://localhost:4590/v1", "OPENAI_API_BASE", "https://proxy.corp/v1",
                "OPENAI_API_KEY", "sk-test-0123456789abcdef");
        GatewayConfig c = loader(env).parse(YAML + """
                  - model_name: "*"
                    litellm_params: { model: "*" }
                  - model_name: again
                    litellm_params: { model: openai/gpt, api_key: sk-test-0123456789abcdef, api_base: "http://127.0.0.1:4590/v1" }
                """);
        assertThat(c.deployments().get(0).apiBase()).isEqualTo("https://proxy.corp/v1");
        assertThat(c.deployments().get(0).apiBaseVariable()).isEqualTo("OPENAI_API_BASE");
        assertThat(c.deployments().get(1).environmentBase("openai")).containsExactly("OPENAI_API_BASE", "https://proxy.corp/v1");
        assertThat(c.warnings()).filteredOn(w -> w.contains("OPENAI_BASE_URL")).singleElement().asString()
                .startsWith("environment variable OPENAI_BASE_URL (http://localhost:4590/v1) is this gateway's own address "
                        + "(listening on http://127.0.0.1:4590)").contains("ignored as a route");
        assertThat(SelfRoute.check(c, "127.0.0.1", 4590)).singleElement().asString().startsWith("line 6: model_list entry 'again'")
                .contains("come back here as model 'gpt'");
        assertThat(OwnKeyUpstream.refusals(c, env::get)).isEmpty();
        // the same variables for a gateway on another port: taken, as LiteLLM takes them
        GatewayConfig other = new ConfigLoader(env::get).ignoringBasesAt(b -> SelfRoute.isSelf(b, "127.0.0.1", 4000), "x").parse(YAML);
        assertThat(other.deployments().getFirst().apiBaseVariable()).isEqualTo("OPENAI_BASE_URL");
    }

    /**
     * A Claude Code user's shell: ANTHROPIC_BASE_URL is the gateway, ANTHROPIC_API_KEY the provider's key. serve starts:
     * anthropic/ entries without api_base (and a bare *'s anthropic/ names) go to Anthropic's own address.
     */
    @Test
    void claudeCodesBaseVariableIsIgnoredAsARoute() {
        Map<String, String> env = Map.of("ANTHROPIC_BASE_URL", "http://localhost:4590", "ANTHROPIC_API_KEY", "sk-ant-test-0123456789");
        GatewayConfig c = loader(env).parse("""
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5 }
                  - model_name: "*"
                    litellm_params: { model: "*" }
                """);
        assertThat(c.deployments().get(0).apiBase()).isNull();
        assertThat(c.deployments().get(0).ignoredBases()).containsOnlyKeys("anthropic");
        assertThat(c.deployments().get(1).environmentBase("anthropic")).isNull();
        assertThat(c.warnings()).filteredOn(w -> w.contains("ANTHROPIC_BASE_URL")).singleElement().asString()
                .contains("ignored as a route");
        assertThat(OwnKeyUpstream.refusals(c, env::get)).isEmpty();
    }

    /**
     * ... but when ANTHROPIC_API_KEY is the gateway's own key (its master key, or a virtual key), the entry would send
     * it to api.anthropic.com: refused, naming both variables, never the key.
     */
    @ParameterizedTest
    @CsvSource({"sk-master-0123456789abcdef, this gateway's master key",
            "sk-sb-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA, a virtual key of this gateway"})
    void theGatewaysOwnKeyInTheKeyVariableIsRefused(String key, String what) {
        Map<String, String> env = Map.of("ANTHROPIC_BASE_URL", "http://localhost:4590", "ANTHROPIC_API_KEY", key);
        GatewayConfig c = loader(env).parse("""
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5 }
                  - model_name: "*"
                    litellm_params: { model: "*" }
                  - model_name: own
                    litellm_params: { model: anthropic/claude-haiku-4-5, api_key: sk-ant-own-0123456789 }
                general_settings: { master_key: sk-master-0123456789abcdef }
                """);
        var refusals = OwnKeyUpstream.refusals(c, env::get);
        assertThat(refusals).hasSize(2);
        assertThat(refusals.get(0)).startsWith("line 2: model_list entry 'claude' (anthropic/claude-sonnet-4-5): ANTHROPIC_BASE_URL")
                .contains("https://api.anthropic.com").contains("ANTHROPIC_API_KEY, which is " + what)
                .contains("env -u ANTHROPIC_BASE_URL -u ANTHROPIC_API_KEY").doesNotContain(key);
        assertThat(refusals.get(1)).startsWith("line 4: model_list entry '*' (*)").contains("its anthropic/ requests");
        // without the base variable there is nothing passed over: LiteLLM's own behaviour, nothing refused
        assertThat(OwnKeyUpstream.refusals(loader(Map.of("ANTHROPIC_API_KEY", key)).parse(
                "model_list:\n  - model_name: claude\n    litellm_params: { model: anthropic/claude-sonnet-4-5 }\n"), k -> key)).isEmpty();
    }

    /** serve refuses to start, naming the variables, before it opens anything. */
    @Test
    void serveRefusesToSendItsOwnKeyToTheProvider() {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            int code = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Launch.serve(null, """
                    model_list:
                      - model_name: claude
                        litellm_params: { model: anthropic/claude-sonnet-4-5 }
                    """, Map.of("ANTHROPIC_BASE_URL", "http://0.0.0.0:4590", "ANTHROPIC_API_KEY",
                    "sk-sb-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")::get, "127.0.0.1", 4590, 1, null));
            assertThat(code).isEqualTo(2);
        } finally {
            System.setErr(old);
        }
        assertThat(err.toString()).contains("Refusing to start: a deployment would send this gateway's own key to a provider")
                .contains("ANTHROPIC_BASE_URL").contains("ANTHROPIC_API_KEY").doesNotContain("AAAAAAAAAAAA");
    }

    /**
     * A virtual key generated with a secret of the caller's own ({@code "key": "sk-team-…"}) has no telling shape: serve
     * asks the store once it is open, and refuses before listening, never naming the key.
     */
    @Test
    void aStoredVirtualKeyOfAnyShapeIsRefusedOnceTheStoreIsOpen(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String secret = "sk-team-BBBBBBBBBBBBBBBBBBBBBBBB";
        String yaml = """
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5 }
                general_settings: { master_key: sk-master-0123456789abcdef, database_path: "%s" }
                """.formatted(dir.resolve("switchboard.db"));
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            var gateway = dev.switchboard.pipeline.Gateway.create(vertx, new ConfigLoader(k -> null).parse(yaml), k -> null);
            gateway.keys().generate(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("key", secret))
                    .toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
            gateway.shutdown();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        Map<String, String> env = Map.of("ANTHROPIC_BASE_URL", "http://localhost:4590", "ANTHROPIC_API_KEY", secret);
        GatewayConfig c = loader(env).parse(yaml);
        assertThat(OwnKeyUpstream.refusals(c, env::get)).as("its shape alone tells nothing").isEmpty();
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            int code = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> Launch.serve(null, yaml, env::get, "127.0.0.1", 4590, 1, null));
            assertThat(code).isEqualTo(2);
        } finally {
            System.setErr(old);
        }
        assertThat(err.toString()).contains("Refusing to start: a deployment would send this gateway's own key to a provider")
                .contains("ANTHROPIC_API_KEY, which is a virtual key in this gateway's store").doesNotContain("BBBBBBBB");
    }
}
