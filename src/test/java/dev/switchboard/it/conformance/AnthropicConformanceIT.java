package dev.switchboard.it.conformance;

import static dev.switchboard.it.conformance.Capability.*;

import dev.switchboard.support.TestGateway;

/** anthropic/ against the simulator's Messages API (passed through from the Anthropic dialect, translated from OpenAI's). */
class AnthropicConformanceIT extends ProviderConformanceIT {
    @Override
    protected ConformanceSubject subject() {
        return ConformanceSubject.of("anthropic/claude-sonnet-4-5", "api_base: ${SIM_ROOT}", "api_key: os.environ/ANTHROPIC_PROVIDER_KEY")
                .key(TestGateway.ANTHROPIC_PROVIDER_KEY)
                .can(STREAMING, TOOLS, IMAGES, CACHE_READ_TOKENS, CACHE_WRITE_TOKENS, REASONING, UPSTREAM_ERRORS, CONTENT_POLICY_ERRORS);
    }
}
