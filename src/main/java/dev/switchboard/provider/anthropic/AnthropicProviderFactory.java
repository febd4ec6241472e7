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
        return new AnthropicProvider(d, AnthropicProvider.direct(d, key(d, ctx.env())), ctx.http());
    }

    /**
     * The Anthropic translation against another host of the Messages API (Claude on Vertex AI, from
     * {@code provider.vertex}): the same encoder, decoder, stream and prompt-cache injection, with the target's paths,
     * credentials, body adjustment and error reading.
     */
    public static Provider onTarget(Deployment d, AnthropicTarget target, dev.switchboard.provider.UpstreamHttp http) {
        return new AnthropicProvider(d, target, http);
    }
}
