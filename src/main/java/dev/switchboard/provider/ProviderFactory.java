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
}
