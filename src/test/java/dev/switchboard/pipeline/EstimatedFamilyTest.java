package dev.switchboard.pipeline;

import static dev.switchboard.pipeline.PricedTargets.target;
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

    /**
     * The estimate and the thinking-drop WARN (route.ThinkingDrops) tell Claude by one rule ({@link Deployment#servesClaude}):
     * Anthropic's prefix is Claude without "claude" in the name, a base_model of another family is not.
     */
    @Test
    void theEstimateUsesTheOneClaudeRule() {
        assertThat(RequestWorstCase.estimatedAs(d("openrouter", "anthropic/sonnet-latest", Map.of()))).isEqualTo("anthropic");
        assertThat(Deployment.servesClaude("anthropic.some-claude-next", null)).isTrue();
        assertThat(Deployment.servesClaude("my-model", Map.of("base_model", "Claude-3-Haiku"))).isTrue();
        assertThat(Deployment.servesClaude("my-model", Map.of("base_model", "gpt-4o"))).isFalse();
        assertThat(Deployment.servesClaude(null, null)).isFalse();
    }

    /**
     * An {@code anthropic} entry is a Claude whatever its model is called, by the entry as by its id (review 2026-12-07:
     * the entry's rule looked at the model alone, while {@code anthropic/next-model} as an id was a Claude).
     */
    @Test
    void anAnthropicEntryIsClaudeByTheEntryAsByItsId() {
        Deployment next = d("anthropic", "next-model", Map.of());
        assertThat(Deployment.servesClaude(next.id(), next.modelInfo())).isTrue();
        assertThat(next.servesClaude()).isTrue();
        assertThat(d("openai", "next-model", Map.of()).servesClaude()).isFalse();
    }

    /**
     * A stream cut short on a fallback the call did not see served (no {@code Target.SERVED} of its id) is estimated by
     * the same rule: an {@code openai/claude-…} fallback as Claude, not at its prefix's family (before: {@code p.provider()},
     * "openai").
     */
    @Test
    void aFallbackNotSeenServedIsEstimatedByTheSameRule() {
        DeploymentPrices prices = new DeploymentPrices(dev.switchboard.account.PriceCatalog.bundled(), java.util.List.of(
                target(d("openai", "claude-sonnet-4-5", Map.of())), target(d("openai", "gpt-4o", Map.of())),
                target(d("hosted_vllm", "team-model", Map.of("base_model", "anthropic/claude-3-5-sonnet")))));
        Metering metering = new Metering(null, prices, null, null, null);
        dev.switchboard.model.CallContext ctx = new dev.switchboard.model.CallContext("req_e", dev.switchboard.model.Caller.ANONYMOUS,
                System.nanoTime(), Map.of());
        MeteredCall call = new MeteredCall(metering, ctx, "m", null, java.util.List.of(), "chat",
                dev.switchboard.govern.Admission.NONE, family -> "anthropic".equals(family) ? 190 : 125);
        assertThat(call.estimate("openai/claude-sonnet-4-5", 0).promptTokens()).as("a Claude behind openai/").isEqualTo(190);
        assertThat(call.estimate("hosted_vllm/team-model", 0).promptTokens()).as("a Claude by its base_model").isEqualTo(190);
        assertThat(call.estimate("openai/gpt-4o", 0).promptTokens()).isEqualTo(125);
        assertThat(call.estimate("openai/not-configured", 0).promptTokens()).as("nothing prices it").isEqualTo(125);
    }
}
