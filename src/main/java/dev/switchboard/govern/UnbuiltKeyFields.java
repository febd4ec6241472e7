package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.GatewayException;
import java.util.Map;
import java.util.Set;

/**
 * LiteLLM's key fields ({@code GenerateKeyRequest}, {@code UpdateKeyRequest}, {@code RegenerateKeyRequest}) that
 * Switchboard does not build. Its clients and admin UI send many of them on every call, at their defaults
 * ({@code "config": {}}, {@code "spend": 0}, {@code "key_type": "default"}, …): those ask for nothing and are dropped
 * before the body is read. A value that asks for something is a 400 naming the field and what to use instead, never
 * silently ignored: a key the caller believes limited per model, say, must not be made without those limits.
 */
final class UnbuiltKeyFields {
    private static final String ROUTES = "a virtual key calls the model routes only; the admin API takes the master key";
    private static final String GUARDRAILS = "guardrails apply from the config's guardrails list (default_on, or a request's "
            + "guardrails), not per key";
    private static final String PER_MODEL = "the key's max_budget holds all its calls; per-model budgets of a key are not built "
            + "(per-model rate limits are: model_rpm_limit / model_tpm_limit)";

    /** Each field, with what to use instead. */
    private static final Map<String, String> INSTEAD = Map.ofEntries(
            Map.entry("spend", "a key's spend is what the ledger holds for its calls; it starts at 0 and is not set"),
            Map.entry("budget_id", "LiteLLM's budget table is not built: give the key its own max_budget and budget_duration"),
            Map.entry("budget_limits", "one budget a key: max_budget with budget_duration"),
            Map.entry("config", "per-key config is not built"),
            Map.entry("permissions", "per-key permissions are not built; the key's models list is what it may call"),
            Map.entry("object_permission", "per-key MCP, vector-store and agent permissions are not built"),
            Map.entry("model_max_budget", PER_MODEL),
            Map.entry("budget_fallbacks", PER_MODEL),
            Map.entry("mcp_rpm_limit", "MCP is not built"),
            Map.entry("tag_rpm_limit", "per-tag rate limits of a key are not built; its rpm_limit holds all its calls"),
            Map.entry("guardrails", GUARDRAILS),
            Map.entry("policies", GUARDRAILS),
            Map.entry("prompts", "prompt management is not built"),
            Map.entry("disable_global_guardrails", GUARDRAILS),
            Map.entry("default_estimated_output_tokens", "a budget reserves each call's worst case from the model's output limit "
                    + "(model_info.max_output_tokens)"),
            Map.entry("default_estimated_output_tokens_per_model", "a budget reserves each call's worst case from the model's "
                    + "output limit (model_info.max_output_tokens)"),
            Map.entry("enable_prompt_caching", "prompt caching is set per deployment: litellm_params.cache_control_injection_points"),
            Map.entry("throttle_on_budget_exceeded", "a key past its budget is refused (budget_exceeded), not throttled"),
            Map.entry("enforced_params", "not built per key; general_settings.enforce_user_param requires user on every call"),
            Map.entry("allowed_routes", ROUTES),
            Map.entry("allowed_passthrough_routes", ROUTES),
            Map.entry("key_type", ROUTES + " (key_type default or llm_api)"),
            Map.entry("allowed_vector_store_indexes", "vector stores are not built"),
            Map.entry("rpm_limit_type", "rpm_limit is a hard limit of the key"),
            Map.entry("tpm_limit_type", "tpm_limit is a hard limit of the key"),
            Map.entry("router_settings", "routing is the config's router_settings, the same for every key"),
            Map.entry("access_group_ids", "name a model access group in the key's models (model_info.access_groups)"),
            Map.entry("send_invite_email", "Switchboard sends no email: hand the key over yourself (this answer is the only one "
                    + "that holds it)"),
            Map.entry("auto_rotate", "rotate with /key/regenerate (switchboard keys regenerate) on your own schedule"),
            Map.entry("rotation_interval", "rotate with /key/regenerate (switchboard keys regenerate) on your own schedule"),
            Map.entry("organization_id", "organizations are not built; a key has a user_id and a team_id"),
            Map.entry("project_id", "projects are not built; a key has a user_id and a team_id"),
            Map.entry("agent_id", "agents are not built; a key has a user_id and a team_id"),
            Map.entry("temp_budget_increase", "raise max_budget with /key/update, and lower it again later"),
            Map.entry("temp_budget_expiry", "raise max_budget with /key/update, and lower it again later"),
            Map.entry("new_key", "new_key is /key/regenerate's (the rotated key's own secret); /key/generate takes a secret "
                    + "of your own as 'key'"),
            Map.entry("new_master_key", "the master key is general_settings.master_key"),
            Map.entry("grace_period", "grace_period is /key/regenerate's: how long the old secret keeps working after a rotation"));

    /** Text values that ask for nothing: LiteLLM's {@code key_type} default, and {@code llm_api}, which every virtual key is here. */
    private static final Map<String, Set<String>> NOTHING_TEXT = Map.of("key_type", Set.of("default", "llm_api"));

    private UnbuiltKeyFields() {}

    /**
     * The body without the fields that ask for nothing (the body itself when it has none).
     *
     * @param creating {@code /key/generate} (a spend of 0 is its default), not an update
     * @throws GatewayException 400 naming the first field that asks for something not built
     */
    static ObjectNode dropped(ObjectNode body, boolean creating) {
        ObjectNode out = body;
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            String instead = INSTEAD.get(f);
            if (instead == null) continue;
            JsonNode v = body.get(f);
            boolean nothing = NothingAsked.of(f, v, creating) || v.isTextual() && NOTHING_TEXT.getOrDefault(f, Set.of()).contains(v.textValue());
            if (!nothing) {
                throw GatewayException.badRequest("'" + f + "' is a LiteLLM key field Switchboard does not build, and " + shown(v)
                        + " asks for it; leave it out or at its default. Instead: " + instead + ".", f);
            }
            if (out == body) out = body.deepCopy();
            out.remove(f);
        }
        return out;
    }

    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
