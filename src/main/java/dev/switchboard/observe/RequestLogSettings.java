package dev.switchboard.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code general_settings.request_log}: the default policy, per-key policies (by key alias or key id), the patterns
 * {@code redacted} masks, how long rows are kept, and how often the purge runs.
 *
 * @param enabled       false: no row is written at all (the ledger still has tokens and cost)
 * @param retentionDays rows older than this are deleted by the background purge
 */
public record RequestLogSettings(boolean enabled, LogPolicy defaultPolicy, Map<String, LogPolicy> perKey, double retentionDays,
                                 long purgeIntervalMillis) {
    public static final double DEFAULT_RETENTION_DAYS = 30;
    public static final RequestLogSettings DEFAULT = new RequestLogSettings(true, LogPolicy.DEFAULT, Map.of(),
            DEFAULT_RETENTION_DAYS, 3_600_000);

    public RequestLogSettings {
        perKey = Map.copyOf(perKey);
    }

    /** From the config's plain values (already validated by the config loader). */
    public static RequestLogSettings from(Map<String, Object> m) {
        List<Pattern> patterns = new ArrayList<>();
        if (m.get("redact_patterns") instanceof List<?> l) for (Object p : l) if (p != null) patterns.add(Pattern.compile(p.toString()));
        LogPolicy dflt = m.get("policy") == null ? LogPolicy.DEFAULT : LogPolicy.parse(m.get("policy").toString(), patterns);
        Map<String, LogPolicy> perKey = new LinkedHashMap<>();
        if (m.get("keys") instanceof Map<?, ?> keys) {
            keys.forEach((k, v) -> perKey.put(String.valueOf(k), LogPolicy.parse(String.valueOf(v), patterns)));
        }
        double days = m.get("retention_days") instanceof Number n ? n.doubleValue() : DEFAULT_RETENTION_DAYS;
        double purgeMinutes = m.get("purge_interval_minutes") instanceof Number n ? n.doubleValue() : 60;
        return new RequestLogSettings(!Boolean.FALSE.equals(m.get("enabled")), dflt, perKey, days,
                Math.max(1_000, (long) (purgeMinutes * 60_000)));
    }

    /** The policy of a caller: by its key alias, then its key id, else the default. */
    public LogPolicy policyFor(String keyId, String keyAlias) {
        if (!enabled) return LogPolicy.OFF;
        if (keyAlias != null) {
            LogPolicy p = perKey.get(keyAlias);
            if (p != null) return p;
        }
        LogPolicy p = keyId == null ? null : perKey.get(keyId);
        return p != null ? p : defaultPolicy;
    }

    public long retentionMillis() { return (long) (retentionDays * 86_400_000d); }
}
