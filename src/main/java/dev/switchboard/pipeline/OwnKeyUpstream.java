package dev.switchboard.pipeline;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.Secret;
import dev.switchboard.govern.KeySecrets;
import dev.switchboard.provider.ProviderRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one case where a base variable passed over as the gateway's own address (ConfigLoader#ignoringBasesAt) must still
 * stop the start: the deployment's key would be the gateway's own. A Claude Code user exports both
 * {@code ANTHROPIC_BASE_URL=http://localhost:4000} and {@code ANTHROPIC_API_KEY=<the master key or a virtual key>} for
 * the app; with the base ignored, an {@code anthropic/} entry without {@code api_key} would take that key from the same
 * shell and send it to api.anthropic.com. A key of the gateway is its master key, one of the virtual-key shape
 * ({@code sk-sb-}, {@link KeySecrets#PREFIX}) whichever store holds it, or, once the store is open, any key the store
 * holds (a virtual key generated with a secret of the caller's own, {@code "key": "sk-team-…"}, has no telling shape).
 */
public final class OwnKeyUpstream {
    private OwnKeyUpstream() {}

    /** One refusal per deployment and provider whose base was passed over and whose key is the gateway's own; empty when none. */
    public static List<String> refusals(GatewayConfig config, Function<String, String> processEnv) {
        return refusals(config, processEnv, secret -> false);
    }

    /**
     * As {@link #refusals(GatewayConfig, Function)}, with {@code storeKnows} telling a virtual key of any shape (the
     * store's keys, once it is open): serve asks again after opening it, before it listens.
     */
    public static List<String> refusals(GatewayConfig config, Function<String, String> processEnv,
                                        java.util.function.Predicate<String> storeKnows) {
        List<String> out = new ArrayList<>();
        Function<String, String> env = config.env(processEnv);
        Secret master = config.general().masterKey();
        ProviderRegistry registry = null;
        for (Deployment d : config.deployments()) {
            for (Map.Entry<String, String[]> e : d.ignoredBases().entrySet()) {
                if (registry == null) registry = ProviderRegistry.standard();
                String provider = e.getKey();
                // a bare * passes a requested name's provider over: the key that provider's requests would carry
                String[] next = d.provider().isEmpty() ? d.environmentBase(provider) : null; // its next variable, if one was set
                Deployment as = d.provider().equals(provider) ? d : new Deployment(d.alias(), provider, d.model(),
                        next != null ? next[1] : d.apiBase(),
                        d.apiKey(), d.timeout(), d.streamTimeout(), d.maxTokens(), d.headers(), d.params(), d.modelInfo(), d.line(),
                        d.sources());
                Secret key = registry.key(as, env);
                if (key == null) continue;
                boolean isMaster = master != null && master.matches(key.reveal());
                if (!isMaster && !key.reveal().startsWith(KeySecrets.PREFIX) && !storeKnows.test(key.reveal())) continue;
                String keyVar = registry.keySource(as, env, key); // the variable it came from (MISTRAL_AZURE_API_KEY, …)
                String keyFrom = d.apiKey() != null ? "its api_key (" + d.sources().getOrDefault("api_key", "the config") + ")"
                        : "the environment variable " + keyVar;
                String base = registry.baseUrl(as);
                String var = e.getValue()[0];
                out.add(d.where() + ": model_list entry '" + d.alias() + "' (" + d.id() + "): " + var + " (" + e.getValue()[1]
                        + ") is this gateway's own address and is ignored as a route, so its " + provider + "/ requests would go to "
                        + (base == null ? "the provider's own address" : base) + " with the key from " + keyFrom + ", which is "
                        + (isMaster ? "this gateway's master key" : key.reveal().startsWith(KeySecrets.PREFIX)
                                ? "a virtual key of this gateway (" + KeySecrets.PREFIX + "…)" : "a virtual key in this gateway's store")
                        + ": the gateway's own key would be sent to the provider. Both are probably exported for apps to reach "
                        + "the gateway (Claude Code). Fix: start the gateway without them (env -u " + var
                        + (d.apiKey() == null ? " -u " + keyVar : "") + " switchboard serve …) and give the entry the "
                        + "provider's own key (api_key: os.environ/…), or set api_base on the entry.");
            }
        }
        return out;
    }
}
