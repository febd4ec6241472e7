package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bundled demo config loads cleanly, routing settings included (auto tier, a fallback). */
class DemoConfigTest {
    @Test
    void loadsWithoutWarnings() throws Exception {
        String yaml;
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo-config.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        GatewayConfig c = new ConfigLoader(Map.of(DemoCommand.SIMULATOR_ENV, "http://127.0.0.1:1/v1",
                "SIMULATOR_KEY", "sk-demo")::get).parse(yaml);
        assertThat(c.warnings()).isEmpty();
        assertThat(c.routerSettings()).containsKeys("auto_router", "fallbacks");
    }
}
