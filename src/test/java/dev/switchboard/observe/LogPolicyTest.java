package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What each log policy keeps of a text, and which policy a key gets. */
class LogPolicyTest {
    private static final String TEXT = "call me at 4111-1111-1111-1111, key sk-abcdefghijklmnopqrstuvwx, thanks";

    @Test
    void fullKeepsEverything() {
        assertThat(LogPolicy.parse("full", List.of()).apply(TEXT)).isEqualTo(TEXT);
    }

    @Test
    void truncatedKeepsTheFirstNCharactersAndSaysItCut() {
        assertThat(LogPolicy.parse("truncated:10", List.of()).apply(TEXT)).isEqualTo("call me at…");
        assertThat(LogPolicy.parse("truncated:1000", List.of()).apply(TEXT)).isEqualTo(TEXT);
        assertThat(LogPolicy.parse("truncated", List.of()).limit()).isEqualTo(LogPolicy.DEFAULT_LIMIT);
    }

    @Test
    void redactedMasksTheConfiguredPatternsAndProviderKeyShapes() {
        LogPolicy p = LogPolicy.parse("redacted", List.of(Pattern.compile("\\d{4}-\\d{4}-\\d{4}-\\d{4}")));
        assertThat(p.apply(TEXT)).isEqualTo("call me at [REDACTED], key [REDACTED], thanks");
    }

    @Test
    void offKeepsNothing() {
        LogPolicy p = LogPolicy.parse("off", List.of());
        assertThat(p.apply(TEXT)).isNull();
        assertThat(p.keepsContent()).isFalse();
    }

    @Test
    void aWrongPolicyNamesTheFormsThatWork() {
        assertThatThrownBy(() -> LogPolicy.parse("truncated:0", List.of())).hasMessageContaining("truncated:N");
        assertThatThrownBy(() -> LogPolicy.parse("some", List.of())).hasMessageContaining("full, truncated");
    }

    @Test
    void aKeyGetsItsAliasPolicyThenItsIdPolicyThenTheDefault() {
        RequestLogSettings s = RequestLogSettings.from(Map.of("policy", "truncated:50", "keys",
                Map.of("billing-app", "off", "key_123", "full")));
        assertThat(s.policyFor("key_9", "billing-app").label()).isEqualTo("off");
        assertThat(s.policyFor("key_123", null).label()).isEqualTo("full");
        assertThat(s.policyFor("master", null).label()).isEqualTo("truncated:50");
        assertThat(RequestLogSettings.from(Map.of()).policyFor("master", null).label()).isEqualTo("truncated:2000");
        assertThat(RequestLogSettings.from(Map.of("enabled", false)).policyFor("master", null).keepsContent()).isFalse();
    }

    @Test
    void theGatewaysOwnKeysAreScrubbedWhateverTheCase() {
        SecretScrubber s = new SecretScrubber(List.of("sk-provider-secret-0123456789abcdef", "short"));
        assertThat(s.scrub("a SK-PROVIDER-SECRET-0123456789ABCDEF b short")).isEqualTo("a [REDACTED] b short");
        assertThat(s.scrub("sk-provider-secret-0123456789abcdefsk-provider-secret-0123456789abcdef, s sk-provider-secret-0123"))
                .isEqualTo("[REDACTED][REDACTED], s sk-provider-secret-0123");
        assertThat(s.scrub("nothing here")).isEqualTo("nothing here");
    }

    @Test
    void anySwitchboardVirtualKeyIsScrubbedToo() {
        String key = "sk-sb-" + "Zq3_x-9AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
        assertThat(SecretScrubber.NONE.scrub("use " + key + ", please")).isEqualTo("use [REDACTED], please");
        assertThat(SecretScrubber.NONE.scrub("the prefix sk-sb- alone, or sk-sb-short")).isEqualTo("the prefix sk-sb- alone, or sk-sb-short");
    }

    @Test
    void aClientTraceIdBecomesAnOpenTelemetryTraceId() {
        assertThat(TraceIds.fromClient("0AF7651916CD43DD8448EB211C80319C")).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(TraceIds.fromClient("3f2504e0-4f89-11d3-9a0c-0305e82c3301")).isEqualTo("3f2504e04f8911d39a0c0305e82c3301");
        assertThat(TraceIds.fromClient("my-agent-run-7")).hasSize(32).isEqualTo(TraceIds.fromClient("my-agent-run-7"));
    }

    @Test
    void otlpSettingsComeFromTheConfigOrLiteLlmsCallbackAndTheStandardVariables() {
        Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Basic%20cGs6c2s=,x-team=a");
        TraceSettings viaCallback = TraceSettings.from(Map.of(), true, env::get);
        assertThat(viaCallback.endpoint()).isEqualTo("http://collector:4318/v1/traces");
        assertThat(viaCallback.headers()).containsEntry("Authorization", "Basic cGs6c2s=").containsEntry("x-team", "a");
        TraceSettings configured = TraceSettings.from(Map.of("endpoint", "https://cloud.langfuse.com/api/public/otel",
                "headers", Map.of("Authorization", "Basic abc")), false, n -> null);
        assertThat(configured.endpoint()).isEqualTo("https://cloud.langfuse.com/api/public/otel/v1/traces");
        assertThat(configured.headers()).containsEntry("Authorization", "Basic abc");
        assertThat(configured.toString()).doesNotContain("abc");
        assertThat(TraceSettings.from(Map.of(), false, env::get).enabled()).isFalse();
        assertThat(TraceSettings.from(Map.of("endpoint", "http://c:4318", "sample_rate", 0.25), false, n -> null).sampleRate())
                .isEqualTo(0.25);
        assertThat(configured.sampleRate()).isEqualTo(1.0);
        assertThat(configured.stageSpans()).as("the stages' spans are asked for").isFalse();
        assertThat(TraceSettings.from(Map.of("endpoint", "http://c:4318", "stage_spans", true), false, n -> null).stageSpans()).isTrue();
    }
    @Test
    void anErrorMessageIsKeptAsThePolicyKeepsContent() {
        String quoted = "Invalid prompt: my card is 4111-1111-1111-1111";
        LogPolicy redacted = LogPolicy.parse("redacted", List.of(Pattern.compile("\\d{4}-\\d{4}-\\d{4}-\\d{4}")));
        assertThat(redacted.applyToError(quoted)).isEqualTo("Invalid prompt: my card is [REDACTED]");
        assertThat(LogPolicy.parse("off", List.of()).applyToError(quoted)).isNull();
        assertThat(LogPolicy.parse("truncated:10", List.of()).applyToError(quoted)).as("an error is not content to cut").isEqualTo(quoted);
        assertThat(LogPolicy.parse("full", List.of()).applyToError(quoted)).isEqualTo(quoted);
        assertThat(redacted.applyToError(null)).isNull();
    }

    @Test
    void tracesPathGoesBeforeAnEndpointsQueryAndTheLogShowsNeitherUserPartNorQuery() {
        assertThat(TraceSettings.tracesUrl("http://u:pw@h:5120/api/public/otel?token=abc"))
                .isEqualTo("http://u:pw@h:5120/api/public/otel/v1/traces?token=abc");
        assertThat(TraceSettings.tracesUrl("http://h/otel/?token=abc#x")).isEqualTo("http://h/otel/v1/traces?token=abc#x");
        assertThat(TraceSettings.tracesUrl("http://h/otel/v1/traces?token=abc")).isEqualTo("http://h/otel/v1/traces?token=abc");
        assertThat(TraceSettings.tracesUrl("http://h:4318")).isEqualTo("http://h:4318/v1/traces");
        TraceSettings s = TraceSettings.from(Map.of("endpoint", "http://lfuser:lfpassword123@127.0.0.1:5120/api/public/otel?token=querysecret123"),
                false, n -> null);
        assertThat(s.endpoint()).isEqualTo("http://lfuser:lfpassword123@127.0.0.1:5120/api/public/otel/v1/traces?token=querysecret123");
        assertThat(s.shownEndpoint()).isEqualTo("http://127.0.0.1:5120/api/public/otel/v1/traces");
        assertThat(s.toString()).doesNotContain("lfpassword123").doesNotContain("querysecret123");
    }

    @Test
    void noAttributeValueIsLongerThanAnEighthOfAPost() {
        assertThat(Tracing.maxAttributeChars(1_000_000)).isEqualTo(125_000);
        assertThat(Tracing.maxAttributeChars(8_000)).isEqualTo(4096);
    }
}
