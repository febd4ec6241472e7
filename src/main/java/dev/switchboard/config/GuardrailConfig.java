package dev.switchboard.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One entry of LiteLLM's top-level {@code guardrails:} list, validated.
 *
 * @param name      {@code guardrail_name}: what requests and keys select it by
 * @param kind      {@code litellm_params.guardrail}: tool_permission, bedrock, aporia or lakera_v2
 * @param modes     the event hooks it runs on ({@code pre_call}, {@code during_call}, {@code post_call}), at least one
 * @param defaultOn runs on every request without being asked for
 * @param apiBase   {@code api_base}, or null
 * @param apiKey    {@code api_key}, or null
 * @param timeout   how long a remote guardrail may take before the request fails
 * @param params    the other {@code litellm_params} the kind reads (rules, guardrailIdentifier, aws_*, project_id, …), as
 *                  plain Java values
 * @param line      the entry's line in its file
 * @param file      the {@code include:}d file the entry was read from, as the config named it; null for the config file
 */
public record GuardrailConfig(String name, String kind, List<String> modes, boolean defaultOn, String apiBase, Secret apiKey,
                              Duration timeout, Map<String, Object> params, int line, String file) {
    public static final String PRE_CALL = "pre_call", DURING_CALL = "during_call", POST_CALL = "post_call";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** {@code line 12}, or {@code line 12 of guardrails.yaml} for an entry of an included file, as messages name it. */
    public String where() { return "line " + line + (file == null ? "" : " of " + file); }

    public boolean runsOn(String mode) { return modes.contains(mode); }

    /** A string parameter, or null. */
    public String stringParam(String key) {
        Object v = params.get(key);
        return v == null ? null : v.toString();
    }
}
