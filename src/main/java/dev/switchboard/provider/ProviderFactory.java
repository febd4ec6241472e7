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
     * Where a deployment with this prefix and no {@code api_base} is sent, so {@code check} and the startup log
     * can show the real address; null when there is none (in-process, or {@code api_base} is required).
     */
    default String defaultBaseUrl(String prefix) { return null; }

    /** The environment variable a deployment with this prefix and no {@code api_key} takes its key from; null for none. */
    default String keyEnv(String prefix) { return null; }
}
