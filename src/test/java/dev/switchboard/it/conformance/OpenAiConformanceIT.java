package dev.switchboard.it.conformance;

import static dev.switchboard.it.conformance.Capability.*;

import dev.switchboard.support.TestGateway;

/** openai/ (and every OpenAI-compatible prefix built on it) against the simulator's OpenAI wire. */
class OpenAiConformanceIT extends ProviderConformanceIT {
    @Override
    protected ConformanceSubject subject() {
        return ConformanceSubject.of("openai/gpt-4o-mini", "api_base: ${SIM}", "api_key: os.environ/PROVIDER_KEY")
                .key(TestGateway.PROVIDER_KEY).embeddings("openai/text-embedding-3-small")
                .can(STREAMING, TOOLS, IMAGES, CACHE_READ_TOKENS, UPSTREAM_ERRORS, CONTENT_POLICY_ERRORS);
    }
}
