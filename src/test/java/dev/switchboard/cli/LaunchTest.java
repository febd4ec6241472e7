package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.pipeline.Gateway;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the startup log says: a URL that works as written and a model list naming every alias. */
class LaunchTest {
    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, http://127.0.0.1:4004",
            "localhost, http://localhost:4004",
            "::1, http://[::1]:4004",
            "[::1], http://[::1]:4004",
            "fe80::1%eth0, http://[fe80::1%eth0]:4004",
    })
    void urlsBracketIpv6Literals(String host, String url) {
        assertThat(Launch.httpUrl(host, 4004)).isEqualTo(url);
    }

    @Test
    void theDemoModelListNamesEveryAliasTheAutoOneIncluded() throws Exception {
        String yaml;
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo-config.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        GatewayConfig config = new ConfigLoader(Map.of(DemoCommand.SIMULATOR_ENV, "http://127.0.0.1:1/v1",
                "SIMULATOR_KEY", "sk-demo")::get).parse(yaml);
        config = config.withGeneral(config.general().withDatabasePath(dev.switchboard.support.TestGateway.tempDatabase()));
        Vertx vertx = Vertx.vertx();
        try {
            Gateway gateway = Gateway.create(vertx, config, name -> null);
            List<String> lines = Launch.modelLines(gateway);
            Set<String> listed = lines.stream().map(l -> l.substring(0, l.indexOf(" -> "))).collect(Collectors.toSet());
            assertThat(listed).isEqualTo(gateway.aliases()).contains("auto");
            assertThat(lines).contains("auto -> auto tier: cheap | smart", "gpt -> openai/gpt-4o-mini at http://127.0.0.1:1/v1",
                    "demo -> mock/demo-model");
            gateway.shutdown();
        } finally {
            vertx.close();
        }
    }

    /** The startup model line names the variable a base came from, as check's API BASE cell does. */
    @Test
    void theModelLineNamesTheBaseVariable() {
        GatewayConfig config = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-test-0123456789abcdef")::get).parse("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o }
                  - model_name: own
                    litellm_params: { model: openai/gpt-4o, api_base: https://own.test/v1 }
                environment_variables: { OPENAI_BASE_URL: "https://proxy.corp/v1" }
                """);
        config = config.withGeneral(config.general().withDatabasePath(dev.switchboard.support.TestGateway.tempDatabase()));
        Vertx vertx = Vertx.vertx();
        try {
            Gateway gateway = Gateway.create(vertx, config, name -> null);
            assertThat(Launch.modelLines(gateway)).containsExactly("gpt -> openai/gpt-4o at https://proxy.corp/v1 (OPENAI_BASE_URL)",
                    "own -> openai/gpt-4o at https://own.test/v1");
            gateway.shutdown();
        } finally {
            vertx.close();
        }
    }
}
