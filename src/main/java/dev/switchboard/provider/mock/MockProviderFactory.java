package dev.switchboard.provider.mock;

import dev.switchboard.config.Deployment;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderContext;
import dev.switchboard.provider.ProviderFactory;
import java.util.Set;

/** {@code mock/<anything>}: answers in-process, for demos and for users' own tests (like LiteLLM's mock_response). */
public final class MockProviderFactory implements ProviderFactory {
    @Override
    public Set<String> prefixes() { return Set.of("mock"); }

    @Override
    public Provider create(Deployment d, ProviderContext ctx) {
        return new MockProvider(d, MockBehaviour.from(d), ctx.vertx());
    }
}
