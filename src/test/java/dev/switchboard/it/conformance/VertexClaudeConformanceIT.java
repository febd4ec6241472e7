package dev.switchboard.it.conformance;

import static dev.switchboard.it.conformance.Capability.*;

import dev.switchboard.simulator.ProviderSimulator;

/**
 * vertex_ai/ with a Claude model: Anthropic's Messages body on Vertex's rawPredict / streamRawPredict (passed through from
 * the Anthropic dialect, translated from OpenAI's), bearer tokens, quota errors in Google's shape and the model's own in
 * Anthropic's.
 */
class VertexClaudeConformanceIT extends ProviderConformanceIT {
    @Override
    protected ConformanceSubject subject() {
        return ConformanceSubject.of("vertex_ai/claude-sonnet-4-5@20250929", VertexConformance.params("us-east5"))
                .can(STREAMING, TOOLS, IMAGES, CACHE_READ_TOKENS, CACHE_WRITE_TOKENS, REASONING, UPSTREAM_ERRORS, CONTENT_POLICY_ERRORS);
    }

    @Override
    protected void prepare(ProviderSimulator sim) { VertexConformance.trust(sim); }
}
