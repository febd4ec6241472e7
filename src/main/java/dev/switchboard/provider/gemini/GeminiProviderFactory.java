package dev.switchboard.provider.gemini;

import dev.switchboard.config.Deployment;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderContext;
import dev.switchboard.provider.ProviderFactory;
import java.util.Set;

/** {@code gemini/<model>}: Google AI Studio; the key from api_key or GEMINI_API_KEY. */
public final class GeminiProviderFactory implements ProviderFactory {
    static final String KEY_ENV = "GEMINI_API_KEY";

    @Override
    public Set<String> prefixes() { return Set.of("gemini"); }

    @Override
    public String defaultBaseUrl(String prefix) { return GeminiProvider.DEFAULT_BASE; }

    @Override
    public String keyEnv(String prefix) { return KEY_ENV; }

    @Override
    public Provider create(Deployment d, ProviderContext ctx) {
        checkBase(d);
        return new GeminiProvider(d, GeminiProvider.aiStudio(d, key(d, ctx.env())), ctx.http());
    }

    @Override
    public void check(Deployment d, java.util.function.Function<String, String> env) {
        checkBase(d);
        dev.switchboard.provider.ModelIds.require(d, d.model(), dev.switchboard.provider.ModelIds.GOOGLE); // as aiStudio
    }

    private static void checkBase(Deployment d) {
        String b = d.apiBase() == null ? "" : d.apiBase().replaceAll("/+$", "");
        // Google's OpenAI-compatible endpoint, or a full model URL, given as a gemini/ base: the gateway adds
        // /models/<model>:generateContent itself (LiteLLM: {api_base}/models/{model}:{endpoint}).
        if (b.endsWith("/openai") || b.contains("/models/") || b.endsWith("/models")) {
            throw new dev.switchboard.provider.ProviderRefusal.Setting("api_base", false, d.where() + ": model_list entry '" + d.alias() + "': api_base '"
                    + d.apiBase() + "' is not a base for gemini/, which calls Google's own API and adds /models/" + d.model()
                    + ":generateContent to api_base. Fix: api_base: " + b.replaceAll("(/openai|/models.*)$", "")
                    + " (or leave it out for " + GeminiProvider.DEFAULT_BASE + "); for Google's OpenAI-compatible endpoint use "
                    + "openai_compatible/" + d.model() + " with that api_base.");
        }
    }

    /**
     * The Gemini translation against another host of the same API (Vertex AI, from {@code provider.vertex}): the same
     * encoder, decoder, stream and error decoder, with the target's paths and credentials.
     */
    public static Provider onTarget(Deployment d, GeminiTarget target, dev.switchboard.provider.UpstreamHttp http) {
        return new GeminiProvider(d, target, http);
    }
}
