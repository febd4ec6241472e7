package dev.switchboard.config;

import org.yaml.snakeyaml.nodes.Node;

/**
 * The two server settings LiteLLM also takes from the environment when {@code general_settings} does not set them:
 * {@code LITELLM_MASTER_KEY} ({@code proxy_server.py}: {@code general_settings.get("master_key",
 * get_secret("LITELLM_MASTER_KEY"))}) and {@code DATABASE_URL} ({@code proxy_cli.py} exports a config's
 * {@code database_url} into {@code DATABASE_URL}, else the variable is used as it is). LiteLLM's docs and its docker
 * examples set both this way only; read elsewhere, such a deployment would start with no master key (anyone local is
 * admin) and its spend in a local SQLite file instead of the given PostgreSQL. The config's value wins, as in LiteLLM.
 * The variables are read through the {@code environment_variables} overlay, as LiteLLM's {@code os.environ} has it.
 */
final class EnvironmentFallbacks {
    static final String MASTER_KEY_VAR = "LITELLM_MASTER_KEY", DATABASE_URL_VAR = "DATABASE_URL";

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

    private static Sourced pick(YamlWalker w, Node node, String configured, String key, String variable) {
        if (configured != null && !configured.isBlank()) return new Sourced(configured, key + " (" + w.source(node) + ")");
        String fromEnv = w.env(variable);
        return fromEnv == null ? Sourced.UNSET : new Sourced(fromEnv.strip(), variable + " (environment)");
    }
}
