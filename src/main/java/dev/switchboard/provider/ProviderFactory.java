package dev.switchboard.provider;

import dev.switchboard.config.Deployment;

/** Makes the {@link Provider} for one deployment; one factory per provider family, found by prefix. */
public interface ProviderFactory {
    /** The {@code litellm_params.model} prefixes this factory serves, e.g. openai, ollama. */
    java.util.Set<String> prefixes();

    /**
     * @throws IllegalArgumentException with a message naming the fix when the deployment cannot work
     *     (for example a missing base URL)
     */
    Provider create(Deployment deployment, ProviderContext context);

    /**
     * Refuses, as {@link #create} would, a deployment whose model cannot be served, judging only what depends on the
     * model name (its id syntax in the upstream URL, the publisher it names) and settings read from the entry and the
     * environment: it builds no provider, loads no credentials and does no I/O, so a name a client merely asks about
     * (a wildcard's, {@code GET /v1/models/{model}}) costs nothing to check. By default nothing is refused (providers
     * that send the model in the body only).
     *
     * @throws IllegalArgumentException ({@link ModelIds.Invalid} for a model id) when {@link #create} would throw for it
     */
    default void check(Deployment deployment, java.util.function.Function<String, String> env) { }

    /**
     * Where a deployment with this prefix and no {@code api_base} is sent, so {@code check} and the startup log
     * can show the real address; null when there is none (in-process, or {@code api_base} is required).
     */
    default String defaultBaseUrl(String prefix) { return null; }

    /**
     * Where this deployment goes when it has no {@code api_base}, for providers whose address depends on more than the
     * prefix (Vertex AI's host is per location); by default {@link #defaultBaseUrl(String)}.
     */
    default String defaultBaseUrl(Deployment d) { return defaultBaseUrl(d.provider()); }

    /**
     * The base URL a deployment's requests really go to: its {@code api_base} as this provider reads it (LiteLLM's
     * documented forms, e.g. Ollama's server root, are turned into the base the provider's paths are added to), else
     * {@link #defaultBaseUrl}; null when there is none.
     */
    default String baseUrl(Deployment d) {
        return d.apiBase() != null ? d.apiBase() : defaultBaseUrl(d);
    }

    /** The environment variable a deployment with this prefix and no {@code api_key} takes its key from; null for none. */
    default String keyEnv(String prefix) { return null; }

    /**
     * The variable to tell a deployment without a key to set: {@link #keyEnv(String)}, unless where its base came from
     * says another (Mistral on Azure's MISTRAL_AZURE_API_KEY for a base from MISTRAL_AZURE_API_BASE).
     */
    default String keyEnv(Deployment d) { return keyEnv(d.provider()); }

    /**
     * What to warn of at load time about where a deployment's base and key come from (said by {@code check} and the
     * start's log, never refused): a Mistral on Azure base with La Plateforme's key, an own api_base given /v1; none by default.
     *
     * @param keySource the variable its key came from ({@link ProviderRegistry#keySource}), "api_key", or null for none
     */
    default java.util.List<String> baseWarnings(Deployment d, String keySource) { return java.util.List.of(); }

    /**
     * Every variable a deployment with this prefix and no {@code api_key} may take its key from, in the order read
     * (Mistral's MISTRAL_AZURE_API_KEY before MISTRAL_API_KEY; Together's four): by default {@link #keyEnv} alone.
     */
    default java.util.List<String> keyEnvs(String prefix) {
        String one = keyEnv(prefix);
        return one == null ? java.util.List.of() : java.util.List.of(one);
    }

    /**
     * The key a deployment's requests carry: its {@code api_key}, else the value of {@link #keyEnv} (as LiteLLM
     * does), else null. The one place this is decided, for the providers and for {@code check}'s model list.
     */
    default dev.switchboard.config.Secret key(Deployment d, java.util.function.Function<String, String> env) {
        if (d.apiKey() != null) return d.apiKey();
        String name = keyEnv(d.provider());
        String value = name == null ? null : env.apply(name);
        return value == null || value.isBlank() ? null : new dev.switchboard.config.Secret(value);
    }

    /**
     * What the deployment's requests sign in with when the provider has credentials of its own kind (an AWS profile,
     * a Google service account, an Entra ID client), for {@code check}; null when {@link #key} says it all.
     */
    default SignIn signIn(Deployment d, java.util.function.Function<String, String> env) { return null; }

    /**
     * Every secret a deployment holds, to keep out of logs, answers and stored text: its {@link #key}, and for
     * providers that sign in with more (a client secret, a cloud's secret key) those too.
     */
    default java.util.List<dev.switchboard.config.Secret> secrets(Deployment d, java.util.function.Function<String, String> env) {
        dev.switchboard.config.Secret k = key(d, env);
        return k == null ? java.util.List.of() : java.util.List.of(k);
    }
}
