package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The thinking-drop WARN's reason: Claude (on Bedrock, or anthropic/) thinks, but takes some requests only without their
 * thinking; it was said to be a model "which has no thinking" (review 2026-12-07).
 */
class ThinkingDropsWordingTest {
    @Test
    void claudeGoesWithoutItsThinkingOtherModelsHaveNone() {
        assertThat(ThinkingDrops.why("anthropic.claude-3-7-sonnet-20250219-v1:0")).isEqualTo("which takes this request without its thinking");
        assertThat(ThinkingDrops.why("us.anthropic.claude-sonnet-4-5-20250929-v1:0")).contains("without its thinking");
        assertThat(ThinkingDrops.why("gpt-4o-mini")).isEqualTo("which has no thinking");
        assertThat(ThinkingDrops.why("mistral-small-latest")).isEqualTo("which has no thinking");
    }
}
