package dev.switchboard.provider.anthropic;

import dev.switchboard.config.Deployment;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderContext;
import dev.switchboard.provider.ProviderFactory;
import java.util.Set;

/** {@code anthropic/<model>}: Anthropic's API; the key from api_key or ANTHROPIC_API_KEY. */
public final class AnthropicProviderFactory implements ProviderFactory {
    @Override
    public Set<String> prefixes() { return Set.of("anthropic"); }

    @Override
    public String defaultBaseUrl(String prefix) { return AnthropicModels.DEFAULT_BASE; }

    @Override
    public String baseUrl(Deployment d) { return AnthropicModels.base(d.apiBase()); }

    @Override
    public String keyEnv(String prefix) { return AnthropicModels.KEY_ENV; }

    @Override
    public Provider create(Deployment d, ProviderContext ctx) {
        return new AnthropicProvider(d, key(d, ctx.env()), ctx.http());
    }
}
