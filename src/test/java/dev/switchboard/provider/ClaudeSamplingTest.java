package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClaudeSamplingTest {
    @Test
    void claudeFromOpus41AndSonnet45OnTakesOneOfTemperatureAndTopP() {
        for (String newer : new String[] {"claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-haiku-4-5",
                "anthropic.claude-sonnet-4-5-20250929-v1:0", "us.anthropic.claude-opus-4-5-20251101-v1:0",
                "claude-sonnet-4-5@20250929", "claude-sonnet-4-6", "claude-opus-5"}) {
            assertThat(ClaudeSampling.oneOfTwo(newer)).as(newer).isTrue();
        }
        for (String older : new String[] {"claude-sonnet-4-20250514", "claude-opus-4-20250514", "claude-3-7-sonnet-20250219",
                "anthropic.claude-3-5-haiku-20241022-v1:0", "claude-sonnet-4@20250514", "gpt-4o", ""}) {
            assertThat(ClaudeSampling.oneOfTwo(older)).as(older).isFalse();
        }
    }
}
