package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.Deployment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The thinking-drop WARN's reason: Claude (on Bedrock, or anthropic/) thinks, but takes some requests only without their
 * thinking; it was said to be a model "which has no thinking" (review 2026-12-07). Claude is told by the one rule the
 * prompt estimate uses too ({@link Deployment#servesClaude}): by the model or its {@code base_model}, Anthropic's prefixes
 * included (2026-12-07, thirty-ninth session; before, only a model naming "claude" was).
 */
class ThinkingDropsWordingTest {
    private static Deployment d(String provider, String model, Map<String, Object> info) {
        return new Deployment("a", provider, model, null, null, null, null, null, Map.of(), Map.of(), info, 1);
    }

    @Test
    void claudeGoesWithoutItsThinkingOtherModelsHaveNone() {
        assertThat(ThinkingDrops.why(d("bedrock", "anthropic.claude-3-7-sonnet-20250219-v1:0", null)))
                .isEqualTo("which takes this request without its thinking");
        assertThat(ThinkingDrops.why(d("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", Map.of()))).contains("without its thinking");
        assertThat(ThinkingDrops.why(d("openai", "gpt-4o-mini", Map.of()))).isEqualTo("which has no thinking");
        assertThat(ThinkingDrops.why(d("mistral", "mistral-small-latest", null))).isEqualTo("which has no thinking");
    }

    /** The estimate's rule: a Claude behind another name (its base_model) or by Anthropic's prefix is a Claude here too. */
    @Test
    void aClaudeByItsBaseModelOrAnthropicsPrefixIsClaude() {
        assertThat(ThinkingDrops.why(d("openai", "team-proxy-model", Map.of("base_model", "anthropic/claude-sonnet-4-5"))))
                .isEqualTo("which takes this request without its thinking");
        assertThat(ThinkingDrops.why(d("openrouter", "anthropic/sonnet-latest", Map.of())))
                .isEqualTo("which takes this request without its thinking");
        assertThat(ThinkingDrops.why(d("openai", "gpt-4o", Map.of("base_model", "gpt-4o")))).isEqualTo("which has no thinking");
    }
}
