package dev.switchboard.pipeline;

import dev.switchboard.config.Secret;

/**
 * One line of the model list that {@code serve} logs and {@code check} prints: an alias apps can ask for and
 * what answers it. A model group has a line per deployment; the auto alias has one naming its two tiers, so
 * the list shows every alias that {@code /v1/models} does.
 *
 * @param alias    the name apps ask for
 * @param servedBy the deployment ({@code provider/model}), or the auto alias's tiers
 * @param baseUrl  where requests go (the {@code api_base} or the provider's default); null when in-process
 * @param apiKey   the key requests carry: {@code api_key}, else the provider's environment variable; null for none
 * @param keySource where that key comes from ({@code api_key} or the variable's name); null for none
 * @param signIn    what the requests sign in with when the provider has credentials of its own kind (an AWS profile or
 *                  access key, a Google service account, an Entra ID service principal), masked; null when the key says it
 * @param signInFrom where those credentials come from (settings and their lines, a variable, a file); null with signIn
 * @param baseVariable the environment variable the base was taken from (OPENAI_API_BASE, LiteLLM's base variables), null
 *                     when the config wrote it or it is the provider's default
 */
public record ServedModel(String alias, String servedBy, String baseUrl, Secret apiKey, String keySource, String signIn,
                          String signInFrom, String baseVariable) {

    /** {@link #baseUrl} with the variable it came from, {@code https://proxy/v1 (OPENAI_API_BASE)}; null without a base. */
    public String baseShown() {
        return baseUrl == null ? null : baseVariable == null ? baseUrl : baseUrl + " (" + baseVariable + ")";
    }

    static ServedModel autoTier(String alias, String cheap, String smart) {
        return new ServedModel(alias, "auto tier: " + cheap + " | " + smart, null, null, null, null, null, null);
    }
}
