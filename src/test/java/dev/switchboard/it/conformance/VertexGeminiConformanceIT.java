package dev.switchboard.it.conformance;

import static dev.switchboard.it.conformance.Capability.*;

import dev.switchboard.simulator.ProviderSimulator;

/**
 * vertex_ai/ with a Gemini model: the Gemini translation on Vertex's generateContent / streamGenerateContent URLs with
 * bearer tokens, and text embeddings on :predict. Like Gemini, no content-policy error (a blocked prompt is a 200).
 */
class VertexGeminiConformanceIT extends ProviderConformanceIT {
    @Override
    protected ConformanceSubject subject() {
        return ConformanceSubject.of("vertex_ai/gemini-2.5-flash", VertexConformance.params("us-central1"))
                .embeddings("vertex_ai/text-embedding-005")
                .can(STREAMING, TOOLS, IMAGES, CACHE_READ_TOKENS, UPSTREAM_ERRORS);
    }

    @Override
    protected void prepare(ProviderSimulator sim) { VertexConformance.trust(sim); }
}
