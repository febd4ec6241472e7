package dev.switchboard.config;

/**
 * One row of the key table: a key of a config section, its state and, for the user, how it is applied or why not.
 *
 * @param section {@code litellm_params}, {@code model_info}, {@code router_settings}, {@code litellm_settings} or
 *                {@code general_settings}
 * @param key     the key as LiteLLM documents it (a trailing {@code *} matches any suffix, e.g. {@code supports_*})
 * @param note    how it is applied, or why it is not
 */
public record KeyRule(String section, String key, KeyState state, String note) {
    boolean matches(String k) {
        return key.endsWith("*") ? k.startsWith(key.substring(0, key.length() - 1)) : key.equals(k);
    }
}
