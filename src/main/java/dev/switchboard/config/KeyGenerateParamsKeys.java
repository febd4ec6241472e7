package dev.switchboard.config;

import dev.switchboard.model.DurationSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Checks {@code litellm_settings.default_key_generate_params} and {@code upperbound_key_generate_params} (LiteLLM's
 * virtual_keys docs) and keeps the fields LiteLLM reads from them, typed, for {@code govern.KeyGenerateRules}. A field
 * LiteLLM does not read from them is warned and left out; a wrong type or a duration that cannot be read is an error,
 * since a bound that silently does not hold would let keys spend more than configured.
 */
final class KeyGenerateParamsKeys {
    static final String DEFAULTS = "default_key_generate_params", BOUNDS = "upperbound_key_generate_params";
    // The same lists as govern.KeyGenerateRules (config may not use govern): what _common_key_generation_helper fills,
    // and LiteLLM_UpperboundKeyGenerateParams' fields.
    private static final Set<String> NUMBERS = Set.of("max_budget", "max_parallel_requests", "tpm_limit", "rpm_limit");
    private static final Set<String> DURATIONS = Set.of("budget_duration", "duration");
    private static final List<String> DEFAULTED = List.of("max_budget", "user_id", "team_id", "max_parallel_requests",
            "tpm_limit", "rpm_limit", "budget_duration", "duration", "models", "metadata");
    private static final List<String> BOUNDED = List.of("max_budget", "budget_duration", "duration", "max_parallel_requests",
            "tpm_limit", "rpm_limit");

    private KeyGenerateParamsKeys() {}

    static boolean handles(String key) { return key.equals(DEFAULTS) || key.equals(BOUNDS); }

    /** The section's fields as plain values (null values kept: LiteLLM's "no default"), or null after an error. */
    static Map<String, Object> read(YamlWalker w, String key, Node node) {
        String path = "litellm_settings." + key;
        List<String> fields = key.equals(DEFAULTS) ? DEFAULTED : BOUNDED;
        Map<String, Object> out = new LinkedHashMap<>();
        int errors = w.errors.size();
        w.mapping(node, path).forEach((f, v) -> {
            String fp = path + "." + f;
            if (!fields.contains(f)) {
                w.warn(v, fp, "LiteLLM reads only " + fields + " from " + key + ", ignored.");
                return;
            }
            if (NUMBERS.contains(f)) {
                Double d = w.number(v, fp);
                if (d != null && (d < 0 || d.isNaN() || d.isInfinite())) w.error(v, fp, "must be 0 or more, found " + YamlWalker.written(v, d) + ".");
                out.put(f, d == null ? null : f.equals("max_budget") ? (Object) d : (Object) d.longValue());
            } else if (DURATIONS.contains(f)) {
                String s = w.string(v, fp);
                boolean never = s != null && s.trim().equals("-1") && f.equals("duration");
                if (s != null && !never && !DurationSpec.isValid(s)) {
                    w.error(v, fp, "'" + s + "' is not a duration. Fix: " + DurationSpec.FORMS + ".");
                }
                out.put(f, s);
            } else {
                out.put(f, w.plain(v, fp)); // user_id, team_id (text), models (list), metadata (mapping): as LiteLLM copies them
            }
        });
        return w.errors.size() == errors ? out : null;
    }
}
