package dev.switchboard.cli;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.LiteLlmKeys;
import dev.switchboard.pipeline.ServedModel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code switchboard check --explain}: for each deployment, the settings it will run with and where each came from
 * (a file line, a merge key, {@code router_settings.default_litellm_params}, the environment, a default), so a config
 * carried over from LiteLLM can be read as Switchboard reads it. Keys are masked.
 */
final class ConfigExplainer {
    private static final String ROW = "      %-26s %-44s %s%n";

    private ConfigExplainer() {}

    static void print(PrintStream out, GatewayConfig cfg, List<ServedModel> served) {
        List<ServedModel> unmatched = new ArrayList<>(served);
        for (Deployment d : cfg.deployments()) {
            ServedModel m = take(unmatched, d);
            out.println("  " + d.alias() + " (line " + d.line() + "): " + d.id());
            Map<String, String> src = d.sources();
            row(out, "provider", d.provider(), src.getOrDefault("provider", "the model's prefix"));
            row(out, "model sent upstream", d.model(), src.get("model"));
            row(out, "api_base", m == null || m.baseUrl() == null ? "-" : m.baseUrl(),
                    d.apiBase() != null ? src.get("api_base") : "the provider's default");
            String keySource = m == null || m.keySource() == null ? "none"
                    : m.keySource().equals("api_key") ? src.get("api_key")
                    : d.params().containsKey(m.keySource()) ? m.keySource() + ", " + src.get(m.keySource())
                    : m.keySource().equals("its credentials") ? "the provider's credentials (environment, profile)"
                    : "environment " + m.keySource() + " (the provider's default variable)";
            if (m != null && m.signIn() != null) row(out, "credentials", m.signIn(), m.signInFrom());
            else row(out, "api_key", m == null || m.apiKey() == null ? "-" : m.apiKey().masked(), keySource);
            row(out, "timeout", d.timeout() != null ? seconds(d.timeout()) : routerValue(cfg, "timeout", "request_timeout", "600 s"),
                    d.timeout() != null ? src.get("timeout") : routerSource(cfg, "timeout", "request_timeout"));
            row(out, "stream_timeout", d.streamTimeout() != null ? seconds(d.streamTimeout())
                            : routerValue(cfg, "stream_timeout", null, "the timeout"),
                    d.streamTimeout() != null ? src.get("stream_timeout") : routerSource(cfg, "stream_timeout", null));
            if (d.maxTokens() != null) row(out, "max_tokens (request default)", String.valueOf(d.maxTokens()), src.get("max_tokens"));
            // the values of headers whose name says they are credentials, as the scrubbers treat them (short ones too)
            d.headers().forEach((k, v) -> row(out, "header " + k, !dev.switchboard.config.ConnectionSecrets.credentialHeader(k) ? v
                    : new dev.switchboard.config.Secret(v).masked(), src.getOrDefault("organization", src.getOrDefault("extra_headers", src.get("headers")))));
            d.params().forEach((k, v) -> {
                String what = LiteLlmKeys.REQUEST_DEFAULTS.contains(k) ? k + " (request default)" : k;
                row(out, what, isCredential(k) ? new dev.switchboard.config.Secret(String.valueOf(v)).masked() : String.valueOf(v), src.get(k));
            });
            d.modelInfo().forEach((k, v) -> row(out, "model_info." + k, String.valueOf(v), src.get("model_info." + k)));
        }
    }

    /** A credential word in a parameter's name (not a count such as max_tokens). */
    private static final java.util.regex.Pattern CREDENTIAL = java.util.regex.Pattern.compile(
            "secret|password|credential|(^|_)token$|api_key|access_key|private_key|_key_id$|(^|_)key$");

    /**
     * Whether a deployment parameter holds a credential (aws_secret_access_key, aws_session_token, client_secret,
     * azure_ad_token, vertex_credentials, …): shown masked as api_key is, since its value is resolved from the
     * environment before it is printed.
     */
    static boolean isCredential(String param) {
        String p = param.toLowerCase(java.util.Locale.ROOT);
        return !p.contains("cost_per") && CREDENTIAL.matcher(p).find(); // input_cost_per_token is a price
    }

    private static ServedModel take(List<ServedModel> served, Deployment d) {
        for (int i = 0; i < served.size(); i++) {
            ServedModel m = served.get(i);
            if (m.alias().equals(d.alias()) && m.servedBy().equals(d.id())) return served.remove(i);
        }
        return null;
    }

    private static String routerValue(GatewayConfig cfg, String key, String litellmKey, String dflt) {
        Object v = cfg.routerSettings().get(key);
        if (v == null) v = cfg.litellmSettings().get(key);
        if (v == null && litellmKey != null) v = cfg.litellmSettings().get(litellmKey);
        return v == null ? dflt : v + " s";
    }

    private static String routerSource(GatewayConfig cfg, String key, String litellmKey) {
        if (cfg.routerSettings().get(key) != null) return "router_settings." + key;
        if (cfg.litellmSettings().get(key) != null) return "litellm_settings." + key;
        if (litellmKey != null && cfg.litellmSettings().get(litellmKey) != null) return "litellm_settings." + litellmKey;
        return "default";
    }

    private static String seconds(java.time.Duration d) {
        return (d.toMillis() % 1000 == 0 ? String.valueOf(d.toSeconds()) : String.valueOf(d.toMillis() / 1000.0)) + " s";
    }

    /** A long value (a regional endpoint, a service account) is shown whole: cut, it lost the part that tells. */
    private static void row(PrintStream out, String key, String value, String source) {
        out.printf(ROW, key, value, source == null ? "" : source);
    }
}
