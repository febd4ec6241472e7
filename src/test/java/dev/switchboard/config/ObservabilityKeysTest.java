package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** general_settings.otel and general_settings.request_log: read as plain values, wrong ones named with their line. */
class ObservabilityKeysTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of("LANGFUSE_AUTH", "Basic cGs6c2s=")::get);

    @Test
    void readsTheOtelAndRequestLogSections() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/echo }
                general_settings:
                  otel:
                    endpoint: https://cloud.langfuse.com/api/public/otel
                    headers: { Authorization: os.environ/LANGFUSE_AUTH }
                    max_queue_size: 4096
                    stage_spans: true
                  request_log:
                    policy: truncated:500
                    keys: { billing: "off", support: full }
                    redact_patterns: ['\\d{16}']
                    retention_days: 14
                """);
        assertThat(c.general().otel()).containsEntry("endpoint", "https://cloud.langfuse.com/api/public/otel")
                .containsEntry("headers", Map.of("Authorization", "Basic cGs6c2s=")).containsEntry("max_queue_size", 4096L)
                .containsEntry("stage_spans", true);
        assertThat(c.general().requestLog()).containsEntry("policy", "truncated:500").containsEntry("retention_days", 14L)
                .containsEntry("keys", Map.of("billing", "off", "support", "full"));
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void wrongValuesAreErrorsWithTheirLineAndFix() {
        Throwable t = catchThrowable(() -> loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/echo }
                general_settings:
                  otel:
                    endpoint: collector:4318
                    max_queue_size: 0
                  request_log:
                    policy: sometimes
                    keys: { billing: truncated:x }
                    redact_patterns: ['(unclosed']
                    retention_days: -1
                """));
        assertThat(((ConfigException) t).problems()).satisfiesExactlyInAnyOrder(
                e -> assertThat(e).startsWith("line 6: general_settings.otel.endpoint").contains("http://localhost:4318"),
                e -> assertThat(e).startsWith("line 7: general_settings.otel.max_queue_size").contains("1 or more"),
                e -> assertThat(e).startsWith("line 9: general_settings.request_log.policy").contains("truncated:N"),
                e -> assertThat(e).startsWith("line 10: general_settings.request_log.keys.billing"),
                e -> assertThat(e).startsWith("line 11: general_settings.request_log.redact_patterns[0]").contains("regular expression"),
                e -> assertThat(e).startsWith("line 12: general_settings.request_log.retention_days"));
    }

    @Test
    void anUnknownKeyIsAWarning() {
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: { model: mock/echo }
                general_settings:
                  otel: { endpont: http://x }
                """);
        assertThat(c.warnings()).anyMatch(w -> w.contains("general_settings.otel.endpont") && w.contains("unknown key"));
    }
}
