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
        router(out, cfg);
        List<ServedModel> unmatched = new ArrayList<>(served);
        for (Deployment d : cfg.deployments()) {
            ServedModel m = take(unmatched, d);
            out.println("  " + d.alias() + " (" + d.where() + "): " + d.id());
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

    /**
     * The router-level settings every group runs with (router_settings over litellm_settings, as the router reads them;
     * the defaults are route.RouterSettings'), and the fallback chains of both sections, merged per model_name.
     */
    private static void router(PrintStream out, GatewayConfig cfg) {
        out.println("  router (every model_name, unless a deployment sets its own):");
        row(out, "routing_strategy", setting(cfg, "routing_strategy") == null ? "simple-shuffle" : String.valueOf(setting(cfg, "routing_strategy")),
                routerSource(cfg, "routing_strategy", null));
        row(out, "num_retries", count(cfg, "num_retries", "2"), routerSource(cfg, "num_retries", null));
        boolean off = "true".equalsIgnoreCase(String.valueOf(setting(cfg, "disable_cooldowns")));
        row(out, "allowed_fails", off ? "- (cooldowns off)" : count(cfg, "allowed_fails", "3"),
                off ? routerSource(cfg, "disable_cooldowns", null) : routerSource(cfg, "allowed_fails", null));
        row(out, "cooldown_time", off ? "off (disable_cooldowns)" : routerValue(cfg, "cooldown_time", null, "5 s"),
                off ? routerSource(cfg, "disable_cooldowns", null) : routerSource(cfg, "cooldown_time", null));
        row(out, "retry_after", routerValue(cfg, "retry_after", null, "0 s"), routerSource(cfg, "retry_after", null));
        row(out, "max_fallbacks", count(cfg, "max_fallbacks", "5"), routerSource(cfg, "max_fallbacks", null));
        for (String kind : List.of("fallbacks", "context_window_fallbacks", "content_policy_fallbacks")) {
            Map<String, java.util.LinkedHashSet<String>> chains = new java.util.LinkedHashMap<>();
            Map<String, java.util.LinkedHashSet<String>> from = new java.util.LinkedHashMap<>();
            for (String section : List.of("router_settings", "litellm_settings")) {
                Object list = (section.equals("router_settings") ? cfg.routerSettings() : cfg.litellmSettings()).get(kind);
                if (!(list instanceof List<?> entries)) continue;
                for (Object e : entries) {
                    if (!(e instanceof Map<?, ?> m)) continue;
                    m.forEach((alias, to) -> {
                        String a = String.valueOf(alias);
                        if (to instanceof List<?> l) l.forEach(t -> chains.computeIfAbsent(a, k -> new java.util.LinkedHashSet<>()).add(String.valueOf(t)));
                        from.computeIfAbsent(a, k -> new java.util.LinkedHashSet<>()).add(section + "." + kind);
                    });
                }
            }
            chains.forEach((alias, to) -> row(out, kind + " " + alias, String.join(" -> ", to), String.join(" + ", from.get(alias))));
        }
        Object dflt = setting(cfg, "default_fallbacks");
        if (dflt instanceof List<?> l && !l.isEmpty()) {
            row(out, "default_fallbacks", String.join(" -> ", l.stream().map(String::valueOf).toList()),
                    routerSource(cfg, "default_fallbacks", null));
        }
    }

    private static Object setting(GatewayConfig cfg, String key) {
        Object v = cfg.routerSettings().get(key);
        return v != null ? v : cfg.litellmSettings().get(key);
    }

    /** A whole number as written ({@code 3}, not the {@code 3.0} a YAML reader may make of it). */
    private static String count(GatewayConfig cfg, String key, String dflt) {
        Object v = setting(cfg, key);
        if (v == null) return dflt;
        return v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) ? String.valueOf(n.longValue()) : String.valueOf(v);
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
