package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
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

    @Test
    void aBaseFromTheEnvironmentIsAnErrorAndOneWrittenInTheConfigAWarning() {
        Map<String, String> env = Map.of("OPENAI_BASE_URL", "http://localhost:4590/v1", "OPENAI_API_KEY", "sk-test-0123456789abcdef");
        GatewayConfig c = new ConfigLoader(env::get).parse(YAML + """
                  - model_name: "*"
                    litellm_params: { model: "*" }
                  - model_name: again
                    litellm_params: { model: openai/gpt, api_key: sk-test-0123456789abcdef, api_base: "http://127.0.0.1:4590/v1" }
                """);
        SelfRoute.Found f = SelfRoute.check(c, "127.0.0.1", 4590);
        assertThat(f.errors()).hasSize(2);
        assertThat(f.errors().get(0)).startsWith("line 2: model_list entry 'gpt' (openai/gpt-4o) has no api_base")
                .contains("environment variable OPENAI_BASE_URL").contains("listening on http://127.0.0.1:4590")
                .contains("env -u OPENAI_BASE_URL");
        assertThat(f.errors().get(1)).startsWith("line 4: model_list entry '*' (*)").contains("its openai/ requests");
        assertThat(f.warnings()).singleElement().asString().startsWith("line 6: model_list entry 'again'")
                .contains("come back here as model 'gpt'");
        assertThat(SelfRoute.check(c, "127.0.0.1", 4000).errors()).as("another port").isEmpty();
        assertThat(SelfRoute.check(c, "127.0.0.1", 0).errors()).as("any free port: not known").isEmpty();
    }

    /** ANTHROPIC_BASE_URL is what Claude Code users export to point it at a gateway: the same loop for anthropic/. */
    @Test
    void anthropicsBaseVariableIsCoveredToo() {
        GatewayConfig c = new ConfigLoader(Map.of("ANTHROPIC_BASE_URL", "http://localhost:4590", "ANTHROPIC_API_KEY",
                "sk-ant-test-0123456789")::get).parse("""
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5 }
                  - model_name: "*"
                    litellm_params: { model: "*" }
                """);
        SelfRoute.Found f = SelfRoute.check(c, "0.0.0.0", 4590);
        assertThat(f.errors()).hasSize(2);
        assertThat(f.errors().get(0)).startsWith("line 2: model_list entry 'claude' (anthropic/claude-sonnet-4-5) has no api_base")
                .contains("environment variable ANTHROPIC_BASE_URL").contains("env -u ANTHROPIC_BASE_URL");
        assertThat(f.errors().get(1)).startsWith("line 4: model_list entry '*' (*)").contains("its anthropic/ requests");
    }

    /** serve refuses to start, naming the variable, before it opens anything. */
    @Test
    void serveRefusesToCallItself() {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            int code = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Launch.serve(null, YAML,
                    Map.of("OPENAI_API_BASE", "http://0.0.0.0:4590/v1")::get, "127.0.0.1", 4590, 1, null));
            assertThat(code).isEqualTo(2);
        } finally {
            System.setErr(old);
        }
        assertThat(err.toString()).contains("Refusing to start: a deployment would call this gateway itself")
                .contains("OPENAI_API_BASE");
    }
}
