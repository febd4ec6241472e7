package dev.switchboard.it.conformance;

import static dev.switchboard.it.conformance.Capability.*;

import dev.switchboard.support.TestGateway;

/** gemini/ against the simulator's generateContent / streamGenerateContent. Gemini blocks prompts with a 200, not an error. */
class GeminiConformanceIT extends ProviderConformanceIT {
    @Override
    protected ConformanceSubject subject() {
        return ConformanceSubject.of("gemini/gemini-2.5-flash", "api_base: ${SIM_ROOT}", "api_key: os.environ/GEMINI_PROVIDER_KEY")
                .key(TestGateway.GEMINI_PROVIDER_KEY)
                .can(STREAMING, TOOLS, IMAGES, CACHE_READ_TOKENS, UPSTREAM_ERRORS);
    }
}
