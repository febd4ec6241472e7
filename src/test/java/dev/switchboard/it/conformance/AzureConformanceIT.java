package dev.switchboard.it.conformance;

import static dev.switchboard.it.conformance.Capability.*;

import dev.switchboard.support.TestGateway;

/**
 * azure/ (Azure OpenAI, the dated api-version path, the key in api-key) against the simulator's Azure wire; priced by
 * model_info.base_model, as an Azure deployment's user-chosen name is in no catalog.
 */
class AzureConformanceIT extends ProviderConformanceIT {
    @Override
    protected ConformanceSubject subject() {
        return ConformanceSubject.of("azure/my-gpt-4o-mini", "api_base: ${SIM_ROOT}", "api_version: \"2024-10-21\"",
                        "api_key: os.environ/PROVIDER_KEY")
                .modelInfo("base_model: azure/gpt-4o-mini")
                .key(TestGateway.PROVIDER_KEY).embeddings("azure/my-embedding")
                .can(STREAMING, TOOLS, IMAGES, UPSTREAM_ERRORS, CONTENT_POLICY_ERRORS);
    }
}
