package dev.switchboard.pipeline;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.Secret;
import dev.switchboard.pipeline.guard.Guardrails;
import dev.switchboard.provider.KeyScrubber;
import dev.switchboard.provider.ProviderRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The secrets a config holds, collected once at start for the scrubbers: every provider key its deployments carry
 * (wildcard entries' included), the guardrails' keys and the master key. None of them may be kept in a log row, a span,
 * a log line or an error.
 */
final class ConfiguredSecrets {
    private ConfiguredSecrets() {}

    /**
     * One scrubber for every configured provider key: an upstream may echo any key it was ever sent (a shared proxy,
     * a misrouted deployment), not only the one of the deployment it serves.
     */
    static KeyScrubber providerKeyScrubber(GatewayConfig config, ProviderRegistry registry, Function<String, String> env) {
        List<String> keys = providerKeys(config, registry, env);
        keys.addAll(Guardrails.secrets(config.guardrails(), env));
        return KeyScrubber.of(keys);
    }

    /** Every provider key the deployments carry, and the master key: never to be kept in a log row, a span or a log line. */
    static List<String> all(GatewayConfig config, ProviderRegistry registry, Function<String, String> env) {
        List<String> out = providerKeys(config, registry, env);
        if (config.general().masterKey() != null) out.add(config.general().masterKey().reveal());
        out.addAll(Guardrails.secrets(config.guardrails(), env));
        return out;
    }

    /** The keys of the deployments that hold one, in config order (a new list the caller may add to). */
    private static List<String> providerKeys(GatewayConfig config, ProviderRegistry registry, Function<String, String> env) {
        List<String> keys = new ArrayList<>();
        for (Deployment d : WildcardModels.keyHolders(config.deployments(), registry.prefixes())) {
            for (Secret s : registry.secrets(d, env)) keys.add(s.reveal());
        }
        return keys;
    }
}
