package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Which Claude takes which effort, by the ids Anthropic, Vertex and Bedrock give it. */
class ClaudeEffortTest {
    private static String fitted(String model, String effort) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("output_config").put("effort", effort);
        ClaudeEffort.of(model, "d1").fit(body);
        return body.has("output_config") ? body.get("output_config").get("effort").asText() : null;
    }

    @Test
    void theModelsBefore45AndSonnetAndHaiku45TakeNone() {
        for (String model : new String[] {"claude-sonnet-4-5-20250929", "claude-haiku-4-5@20251001", "claude-opus-4-1-20250805",
                "claude-sonnet-4-20250514", "claude-opus-4@20250514", "claude-3-7-sonnet-20250219", "anthropic.claude-3-5-haiku-20241022-v1:0"}) {
            assertThat(fitted(model, "low")).as(model).isNull();
        }
    }

    @Test
    void levelsAboveTheModelsGoAsItsHighestAndUnknownModelsAsSent() {
        assertThat(fitted("claude-opus-4-5-20251101", "max")).isEqualTo("high");
        assertThat(fitted("claude-opus-4-5@20251101", "medium")).isEqualTo("medium");
        assertThat(fitted("claude-sonnet-4-6", "xhigh")).isEqualTo("high");
        assertThat(fitted("claude-opus-4-6", "max")).isEqualTo("max");
        assertThat(fitted("claude-opus-4-7", "xhigh")).isEqualTo("xhigh");
        assertThat(fitted("claude-sonnet-5", "xhigh")).isEqualTo("xhigh");
        assertThat(fitted("acme-tuned", "xhigh")).isEqualTo("xhigh");
        assertThat(fitted("claude-opus-4-6", "minimal")).as("an unknown level: the API's own 400").isEqualTo("minimal");
    }

    /** A two-digit minor is read whole (4.10 was read as 4.0 and lost its effort), a date is still no minor. */
    @Test
    void aTwoDigitMinorIsAMinorAndADateIsNot() {
        assertThat(fitted("claude-opus-4-10", "xhigh")).isEqualTo("xhigh");
        assertThat(fitted("claude-sonnet-4-12@20270101", "max")).isEqualTo("max");
        assertThat(fitted("claude-opus-4-20250514", "low")).as("Opus 4 and its date").isNull();
        assertThat(fitted("claude-opus-4-5-20251101", "low")).isEqualTo("low");
    }

    /** Anthropic's effort docs list Mythos Preview with max and not with xhigh: the 4.6 rules. */
    @Test
    void mythosPreviewTakesTheLevelsOf46() {
        assertThat(fitted("claude-mythos-preview", "max")).isEqualTo("max");
        assertThat(fitted("claude-mythos-preview", "xhigh")).isEqualTo("high");
    }

    /** Claude 2 and Instant on Bedrock matched no version and were taken for unknown models, which take every level. */
    @Test
    void claude2AndInstantTakeNone() {
        for (String model : new String[] {"anthropic.claude-v2", "anthropic.claude-v2:1", "anthropic.claude-instant-v1", "claude-instant-1.2"}) {
            assertThat(fitted(model, "high")).as(model).isNull();
            assertThat(ClaudeEffort.of(model, "d1").takesUpToHighOnly()).as(model).isFalse();
        }
        assertThat(ClaudeEffort.of("claude-opus-4-5-20251101", "d1").takesUpToHighOnly()).isTrue();
        assertThat(ClaudeEffort.of("claude-opus-4-6", "d1").takesUpToHighOnly()).isFalse();
    }
}
