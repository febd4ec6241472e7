package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.Deployment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Claude behind an OpenAI-compatible prefix (a proxy's {@code openai/claude-…}, a {@code hosted_vllm} entry whose
 * {@code model_info.base_model} is {@code anthropic/claude-…}) is estimated as Claude (1.9 and Anthropic's tool-use
 * system prompt), not at its prefix's 1.25 without the tool prompt.
 */
class EstimatedFamilyTest {
    private static Deployment d(String provider, String model, Map<String, Object> info) {
        return new Deployment("a", provider, model, null, null, null, null, null, Map.of(), Map.of(), info, 1);
    }

    @Test
    void aClaudeByItsModelOrBaseModelIsEstimatedAsAnthropic() {
        assertThat(RequestWorstCase.estimatedAs(d("hosted_vllm", "my-model", Map.of("base_model", "anthropic/claude-3-5-sonnet"))))
                .isEqualTo("anthropic");
        assertThat(RequestWorstCase.estimatedAs(d("openai", "claude-sonnet-4-5", Map.of()))).isEqualTo("anthropic");
        assertThat(RequestWorstCase.estimatedAs(d("openai_compatible", "x", Map.of("base_model", "claude-3-haiku")))).isEqualTo("anthropic");
    }

    @Test
    void anyOtherModelIsEstimatedByItsPrefix() {
        assertThat(RequestWorstCase.estimatedAs(d("lm_studio", "qwen2.5-7b-instruct", Map.of()))).isEqualTo("lm_studio");
        assertThat(RequestWorstCase.estimatedAs(d("openai", "gpt-4o", Map.of("base_model", "gpt-4o")))).isEqualTo("openai");
        assertThat(RequestWorstCase.estimatedAs(d("bedrock", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", null))).isEqualTo("anthropic");
    }
}
