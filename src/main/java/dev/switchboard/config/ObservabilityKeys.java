package dev.switchboard.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Checks {@code general_settings.otel} (the OTLP/HTTP trace export) and {@code general_settings.request_log} (what the
 * request log keeps, and for how long) with line-numbered errors, and keeps them as plain values for the
 * {@code observe} package, which reads them into its own settings.
 */
final class ObservabilityKeys {
    static final Set<String> OTEL_KEYS = Set.of("endpoint", "headers", "service_name", "max_queue_size", "max_export_batch_size",
            "schedule_delay_ms", "export_timeout_ms", "capture_content", "enabled", "sample_rate", "stage_spans",
            "max_export_bytes");
    static final Set<String> LOG_KEYS = Set.of("policy", "keys", "redact_patterns", "retention_days", "purge_interval_minutes",
            "enabled");
    private static final Pattern POLICY = Pattern.compile("full|off|redacted|truncated(:[1-9][0-9]{0,8})?");
    private static final String POLICY_FIX = "Fix: write full, truncated, truncated:N (N > 0 characters), redacted or off.";

    private ObservabilityKeys() {}

    static Map<String, Object> otel(YamlWalker w, Node node) {
        String path = "general_settings.otel";
        Map<String, Object> out = new LinkedHashMap<>();
        w.mapping(node, path).forEach((k, v) -> {
            String kp = path + "." + k;
            int before = w.errors.size();
            switch (k) {
                case "endpoint" -> {
                    String s = w.string(v, kp);
                    if (s != null && !s.startsWith("http://") && !s.startsWith("https://")) {
                        w.error(v, kp, "'" + s + "' is not an http(s) URL. Fix: write the collector's OTLP/HTTP base, e.g. "
                                + "http://localhost:4318 (or its full /v1/traces URL).");
                    }
                }
                case "headers" -> {
                    if (!(v instanceof org.yaml.snakeyaml.nodes.ScalarNode)) w.stringMap(v, kp);
                    else w.string(v, kp);
                }
                case "service_name" -> w.string(v, kp);
                case "max_queue_size", "max_export_batch_size", "schedule_delay_ms", "export_timeout_ms", "max_export_bytes" -> {
                    Integer n = w.integer(v, kp);
                    if (n != null && n < 1) w.error(v, kp, "must be 1 or more, found " + YamlWalker.written(v, n) + ".");
                }
                case "capture_content", "enabled", "stage_spans" -> w.bool(v, kp);
                case "sample_rate" -> {
                    Double d = w.number(v, kp);
                    if (d != null && !(d > 0 && d <= 1)) w.error(v, kp, "must be more than 0 and at most 1, found " + YamlWalker.written(v, d) + ".");
                }
                default -> w.unknownKey(v, kp, k, new java.util.TreeSet<>(OTEL_KEYS), "unknown key, ignored. Known: " + new java.util.TreeSet<>(OTEL_KEYS) + ".");
            }
            if (OTEL_KEYS.contains(k) && w.errors.size() == before) out.put(k, w.plain(v, kp));
        });
        return out;
    }

    static Map<String, Object> requestLog(YamlWalker w, Node node) {
        String path = "general_settings.request_log";
        Map<String, Object> out = new LinkedHashMap<>();
        w.mapping(node, path).forEach((k, v) -> {
            String kp = path + "." + k;
            int before = w.errors.size();
            switch (k) {
                case "policy" -> policy(w, v, kp);
                case "keys" -> w.mapping(v, kp).forEach((key, p) -> policy(w, p, kp + "." + key));
                case "redact_patterns" -> {
                    var items = w.sequence(v, kp);
                    for (int i = 0; i < items.size(); i++) {
                        String s = w.string(items.get(i), kp + "[" + i + "]");
                        if (s == null) continue;
                        try {
                            Pattern.compile(s);
                        } catch (PatternSyntaxException e) {
                            w.error(items.get(i), kp + "[" + i + "]", "is not a valid regular expression: "
                                    + e.getDescription() + ". Fix: write a Java regex, e.g. '\\\\b\\\\d{16}\\\\b'.");
                        }
                    }
                }
                case "retention_days", "purge_interval_minutes" -> {
                    Double d = w.number(v, kp);
                    if (d != null && !(d > 0)) w.error(v, kp, "must be more than 0, found " + YamlWalker.written(v, d) + ".");
                }
                case "enabled" -> w.bool(v, kp);
                default -> w.unknownKey(v, kp, k, new java.util.TreeSet<>(LOG_KEYS), "unknown key, ignored. Known: " + new java.util.TreeSet<>(LOG_KEYS) + ".");
            }
            if (LOG_KEYS.contains(k) && w.errors.size() == before) out.put(k, w.plain(v, kp));
        });
        return out;
    }

    private static void policy(YamlWalker w, Node v, String path) {
        String s = w.string(v, path);
        if (s != null && !POLICY.matcher(s.strip().toLowerCase(java.util.Locale.ROOT)).matches()) {
            w.error(v, path, "'" + s + "' is not a log policy. " + POLICY_FIX);
        }
    }
}
