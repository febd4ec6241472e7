package dev.switchboard.it.conformance;

import static dev.switchboard.it.conformance.Capability.*;

/** mock/ answers in-process: no wire, so no upstream faults, and it does not look at images. */
class MockConformanceIT extends ProviderConformanceIT {
    @Override
    protected ConformanceSubject subject() {
        return ConformanceSubject.of("mock/mock-model").embeddings("mock/mock-embedder")
                .modelInfo("input_cost_per_token: 0.000001", "output_cost_per_token: 0.000002")
                .can(STREAMING, TOOLS);
    }
}
