package dev.switchboard.provider;

import dev.switchboard.config.Deployment;
import dev.switchboard.provider.anthropic.AnthropicProviderFactory;
import dev.switchboard.provider.azure.AzureProviderFactory;
import dev.switchboard.provider.bedrock.BedrockProviderFactory;
import dev.switchboard.provider.gemini.GeminiProviderFactory;
import dev.switchboard.provider.mock.MockProviderFactory;
import dev.switchboard.provider.openai.OpenAiCompatibleFactory;
import dev.switchboard.provider.vertex.VertexProviderFactory;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds a deployment's provider by its model prefix. Adding a provider is one new package plus one line in
 * {@link #standard()}; nothing else switches on provider names.
 */
public final class ProviderRegistry {
    private final Map<String, ProviderFactory> byPrefix = new TreeMap<>();

    public ProviderRegistry(List<ProviderFactory> factories) {
        for (ProviderFactory f : factories) for (String p : f.prefixes()) byPrefix.put(p, f);
    }

    public static ProviderRegistry standard() {
        return new ProviderRegistry(List.of(
                new OpenAiCompatibleFactory(),
                dev.switchboard.provider.openai.LongTailFlavors.factory(),
                new AnthropicProviderFactory(),
                new GeminiProviderFactory(),
                new AzureProviderFactory(),
                new BedrockProviderFactory(),
                new MockProviderFactory(),
                new VertexProviderFactory()));
    }

    /**
     * LiteLLM prefixes Switchboard knows and does not serve, with why and what to use instead: a config naming one
     * stops with this, never falls back to openai/ as a model without a known prefix would.
     */
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "text-completion-openai", "OpenAI's legacy /v1/completions API (prompt in, text out) has no chat form to translate. "
                    + "Fix: use openai/<model> with a chat model, or text-completion models through a server's chat endpoint.",
            "sagemaker", "AWS SageMaker endpoints (SigV4-signed, a body per container) are not implemented. "
                    + "Fix: serve the model behind an OpenAI-compatible server (hosted_vllm/ or openai_compatible/ with api_base), "
                    + "or use bedrock/.");

    public java.util.Set<String> prefixes() { return byPrefix.keySet(); }

    /**
     * A whole answer kept as the bytes an upstream sent in a client dialect's exact shape ({@link
     * dev.switchboard.model.RelayedAnswer}), decoded again by that dialect's decoder: the response cache keeps such
     * answers as their bytes and asks here on a hit.
     *
     * @throws IllegalArgumentException for a dialect no provider relays; {@link java.io.IOException} for bytes that are not an answer
     */
    public static dev.switchboard.model.ChatResponse relayedAnswer(String dialect, byte[] json, int length) throws java.io.IOException {
        if (!dev.switchboard.model.RelayedEvent.OPENAI_CHAT.equals(dialect)) throw new IllegalArgumentException(dialect);
        return dev.switchboard.provider.openai.OpenAiAnswerBytes.decode(json, length);
    }

    /** The base URL a deployment is sent to: its {@code api_base}, else its provider's default; null if none. */
    public String baseUrl(Deployment d) {
        ProviderFactory f = byPrefix.get(d.provider());
        return f == null ? d.apiBase() : f.baseUrl(d);
    }

    /** The environment variable a deployment without {@code api_key} takes its key from (OPENAI_API_KEY, …); null for none. */
    public String keyEnv(Deployment d) {
        ProviderFactory f = byPrefix.get(d.provider());
        return f == null ? null : f.keyEnv(d);
    }

    /**
     * The variable a deployment's key came from: the first of its provider's key variables ({@link ProviderFactory#keyEnvs})
     * whose value is {@code key}, else {@link #keyEnv} (what to set), null for none. For {@code check}'s KEY column and the
     * own-key refusal: a Mistral key taken from MISTRAL_AZURE_API_KEY is named so, not MISTRAL_API_KEY.
     */
    public String keySource(Deployment d, java.util.function.Function<String, String> env, dev.switchboard.config.Secret key) {
        ProviderFactory f = byPrefix.get(d.provider());
        if (f == null) return null;
        if (key != null) {
            for (String name : f.keyEnvs(d.provider())) {
                String v = env.apply(name);
                if (v != null && !v.isBlank() && key.matches(v)) return name;
            }
        }
        return f.keyEnv(d);
    }

    /** See {@link ProviderFactory#baseWarnings}; none for an unknown prefix. */
    public java.util.List<String> baseWarnings(Deployment d, String keySource) {
        ProviderFactory f = byPrefix.get(d.provider());
        return f == null ? java.util.List.of() : f.baseWarnings(d, keySource);
    }

    /** The key a deployment's requests carry (see {@link ProviderFactory#key}); null for none or an unknown prefix. */
    public dev.switchboard.config.Secret key(Deployment d, java.util.function.Function<String, String> env) {
        ProviderFactory f = byPrefix.get(d.provider());
        return f == null ? null : f.key(d, env);
    }

    /** What the deployment signs in with besides a plain key (see {@link ProviderFactory#signIn}); null for none. */
    public SignIn signIn(Deployment d, java.util.function.Function<String, String> env) {
        ProviderFactory f = byPrefix.get(d.provider());
        return f == null ? null : f.signIn(d, env);
    }

    /**
     * Every secret the deployment holds (see {@link ProviderFactory#secrets}; none for an unknown prefix), and the
     * credentials it sends in its extra headers and its api_base, whatever its provider
     * ({@link dev.switchboard.config.ConnectionSecrets}).
     */
    public List<dev.switchboard.config.Secret> secrets(Deployment d, java.util.function.Function<String, String> env) {
        ProviderFactory f = byPrefix.get(d.provider());
        List<dev.switchboard.config.Secret> out = new java.util.ArrayList<>(f == null ? List.of() : f.secrets(d, env));
        for (String s : dev.switchboard.config.ConnectionSecrets.of(d)) out.add(new dev.switchboard.config.Secret(s));
        return out;
    }

    /** @throws IllegalArgumentException naming the line and the known prefixes when the prefix is unknown */
    public Provider create(Deployment d, ProviderContext ctx) {
        return factory(d).create(d, ctx);
    }

    /**
     * {@link #create}'s refusal of {@code d} without creating anything ({@link ProviderFactory#check}): an unknown or
     * unsupported prefix, a model id that may not go into the provider's URL.
     *
     * @throws IllegalArgumentException as {@link #create} would
     */
    public void check(Deployment d, java.util.function.Function<String, String> env) {
        factory(d).check(d, env);
    }

    private ProviderFactory factory(Deployment d) {
        ProviderFactory f = byPrefix.get(d.provider());
        String unsupported = UNSUPPORTED.get(d.provider());
        if (f == null && unsupported != null) {
            throw new ProviderRefusal.UnknownProvider(d.where() + ": model_list entry '" + d.alias() + "': provider '"
                    + d.provider() + "/' (model " + d.id() + ") is not supported by Switchboard: " + unsupported);
        }
        if (f == null) {
            String how = d.sources().get("provider");
            if (how != null && !how.startsWith("the model's prefix")) {
                // The provider was inferred, as LiteLLM infers it: say from what, so the user sees why this provider.
                throw new ProviderRefusal.UnknownProvider(d.where() + ": model_list entry '" + d.alias()
                        + "': model '" + d.model() + "' is a " + d.provider() + " model (from " + how + "), and Switchboard has no "
                        + d.provider() + " provider. Fix: use a provider it has, one of " + byPrefix.keySet()
                        + ", as the model's prefix.");
            }
            throw new ProviderRefusal.UnknownProvider(d.where() + ": model_list entry '" + d.alias()
                    + "': unknown provider '" + d.provider() + "' in model " + d.id()
                    + ". Fix: use one of " + byPrefix.keySet() + " as the prefix.");
        }
        return f;
    }
}
