package dev.switchboard.config;

import dev.switchboard.model.DurationSpec;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The server settings LiteLLM also takes from the environment when {@code general_settings} does not set them:
 * {@code LITELLM_MASTER_KEY} ({@code proxy_server.py}: {@code general_settings.get("master_key",
 * get_secret("LITELLM_MASTER_KEY"))}) and {@code DATABASE_URL} ({@code proxy_cli.py} exports a config's
 * {@code database_url} into {@code DATABASE_URL}, else the variable is used as it is). LiteLLM's docs and its docker
 * examples set both this way only; read elsewhere, such a deployment would start with no master key (anyone local is
 * admin) and its spend in a local SQLite file instead of the given PostgreSQL. The config's value wins, as in LiteLLM.
 * The variables are read through the {@code environment_variables} overlay, as LiteLLM's {@code os.environ} has it.
 */
final class EnvironmentFallbacks {
    static final String MASTER_KEY_VAR = "LITELLM_MASTER_KEY", DATABASE_URL_VAR = "DATABASE_URL",
            KEY_ROTATION_GRACE_VAR = "LITELLM_KEY_ROTATION_GRACE_PERIOD";

    /** A value and where it came from (null, null when set nowhere). */
    record Sourced(String value, String source) {
        static final Sourced UNSET = new Sourced(null, null);
    }

    private EnvironmentFallbacks() {}

    /** {@code general_settings.master_key} when set (not empty), else {@code LITELLM_MASTER_KEY}. */
    static Sourced masterKey(YamlWalker w, Node node, String configured) {
        return pick(w, node, configured, "general_settings.master_key", MASTER_KEY_VAR);
    }

    /** {@code general_settings.database_url} when set (not empty), else {@code DATABASE_URL}. */
    static Sourced databaseUrl(YamlWalker w, Node node, String configured) {
        return pick(w, node, configured, "general_settings.database_url", DATABASE_URL_VAR);
    }

    /**
     * LiteLLM's {@code LITELLM_KEY_ROTATION_GRACE_PERIOD} ({@code litellm/constants.py}, read by its
     * {@code regenerate_key_fn} as {@code grace_period or LITELLM_KEY_ROTATION_GRACE_PERIOD}): how long a rotated key's old
     * secret keeps working when {@code /key/regenerate} gives no {@code grace_period}. LiteLLM has no
     * {@code general_settings} line for it. Checked as the request's {@code grace_period} is (a LiteLLM duration,
     * {@code 24h}, {@code 2d}; empty or zero, {@code 0s}, for none), so a value that is none is a config error naming the
     * variable, where LiteLLM would log a warning at each rotation and cut every app off at once.
     *
     * @return the duration, or null for none
     */
    static String keyRotationGracePeriod(YamlWalker w) {
        String v = w.env(KEY_ROTATION_GRACE_VAR);
        if (v == null || DurationSpec.isZero(v)) return null;
        try {
            return DurationSpec.parse(v.strip()).text();
        } catch (IllegalArgumentException e) {
            w.errors.add(KEY_ROTATION_GRACE_VAR + " (environment, LiteLLM's default grace_period of /key/regenerate): "
                    + e.getMessage() + " Fix: e.g. 24h (the old secret keeps working for a day after a rotation), 0s or unset "
                    + "for none.");
            return null;
        }
    }

    private static Sourced pick(YamlWalker w, Node node, String configured, String key, String variable) {
        if (configured != null && !configured.isBlank()) return new Sourced(configured, key + " (" + w.source(node) + ")");
        String fromEnv = w.env(variable);
        return fromEnv == null ? Sourced.UNSET : new Sourced(fromEnv.strip(), variable + " (environment)");
    }
}
