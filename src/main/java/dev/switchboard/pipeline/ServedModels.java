package dev.switchboard.pipeline;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.Secret;
import dev.switchboard.provider.ProviderRegistry;
import dev.switchboard.route.AutoRouterSettings;
import dev.switchboard.route.RouterSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The model list that {@code serve} logs and {@code check} prints ({@link ServedModel}), worked out once at start from
 * the config and the providers: where each deployment really goes, which key it carries and where that key comes from,
 * and the warnings of what will not work as configured (no key for a hosted provider, a cloud sign-in not found).
 */
final class ServedModels {
    private ServedModels() {}

    /** The litellm_params entry whose (resolved) value is the deployment's key, or null. */
    private static String paramHolding(Deployment d, Secret key) {
        for (var e : d.params().entrySet()) {
            if (e.getValue() != null && key.matches(String.valueOf(e.getValue()))) return e.getKey();
        }
        return null;
    }

    /**
     * Every deployment with the address it is really sent to and the key it carries, then the auto alias (as the
     * router lists it, last). A deployment of a hosted provider (no {@code api_base}) with neither {@code api_key}
     * nor the provider's variable set would send every request without a key: that is added to {@code warnings}.
     */
    static List<ServedModel> of(GatewayConfig config, ProviderRegistry registry, RouterSettings settings,
                                  Function<String, String> env, List<String> warnings) {
        List<ServedModel> out = new ArrayList<>();
        for (Deployment d : config.deployments()) {
            Secret key = registry.key(d, env);
            String keyEnv = registry.keyEnv(d);
            // a provider with credentials of its own kind (Azure's azure_ad_token, Bedrock's aws_secret_access_key) names
            // the line that holds it, else the variable, else (an AWS profile, a metadata service) no variable
            // api_key itself only when it is what goes (Azure reads api_key: "" as none, and sends azure_ad_token)
            boolean fromApiKey = key != null && d.apiKey() != null && key.reveal().equals(d.apiKey().reveal());
            String param = key == null || fromApiKey ? null : paramHolding(d, key);
            String source = key == null ? null : fromApiKey ? "api_key" : param != null ? param
                    : keyEnv != null ? registry.keySource(d, env, key) : "its credentials";
            // a provider whose default base is this machine (LM Studio's localhost:1234) is a local server that needs no key;
            // an api_base written in the config may be a server that needs none (vLLM, a proxy), one from LiteLLM's base
            // variable (OPENAI_API_BASE, a company proxy in front of the provider) is no reason to think so
            boolean ownServer = d.apiBase() != null && d.apiBaseVariable() == null;
            if (key == null && keyEnv != null && !ownServer && !onThisMachine(registry.baseUrl(d))) {
                warnings.add(d.where() + ": model_list entry '" + d.alias() + "' (" + d.id() + ") has no api_key and "
                        + keyEnv + " is not set: its requests go without a key and the provider will refuse them. "
                        + "Fix: export " + keyEnv + ", or set api_key: os.environ/" + keyEnv + ".");
            }
            // a base and a key of two variants of a service (Mistral on Azure, La Plateforme), an own api_base given /v1
            warnings.addAll(registry.baseWarnings(d, source));
            // a cloud provider's own sign-in (a profile, a service account): what check shows, and a warning when none is found
            dev.switchboard.provider.SignIn signIn = registry.signIn(d, env);
            if (signIn != null && signIn.missing() != null) warnings.add(signIn.missing());
            // shown by `check` and the start's log: never a key in a user part or query of the URL
            out.add(new ServedModel(d.alias(), d.id(), dev.switchboard.model.SafeUrl.withoutSecrets(registry.baseUrl(d)), key, source,
                    signIn == null ? null : signIn.what(), signIn == null ? null : signIn.from(), d.apiBaseVariable()));
        }
        AutoRouterSettings auto = settings.auto();
        if (auto != null) out.add(ServedModel.autoTier(auto.alias(), auto.cheapAlias(), auto.smartAlias()));
        return List.copyOf(out);
    }

    /** Whether a base URL's host is this machine's loopback name or address. */
    static boolean onThisMachine(String baseUrl) {
        if (baseUrl == null) return false;
        try {
            String host = java.net.URI.create(baseUrl).getHost();
            return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
