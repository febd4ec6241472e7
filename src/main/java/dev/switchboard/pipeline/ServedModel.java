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
 */
public record ServedModel(String alias, String servedBy, String baseUrl, Secret apiKey, String keySource) {

    static ServedModel autoTier(String alias, String cheap, String smart) {
        return new ServedModel(alias, "auto tier: " + cheap + " | " + smart, null, null, null);
    }
}
