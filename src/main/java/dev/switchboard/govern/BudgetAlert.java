package dev.switchboard.govern;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;

/**
 * One budget alert as LiteLLM posts it to its {@code WEBHOOK_URL} (its {@code WebhookEvent}: {@code CallInfo}'s fields,
 * then {@code event} and {@code event_message}), so a receiver written for LiteLLM reads it unchanged. Fields Switchboard
 * has no value for ({@code customer_id}, {@code user_email} of a key, {@code projected_*}) are sent as null, as LiteLLM's
 * {@code model_dump_json()} sends its unset ones.
 *
 * <p>{@code token} is the key's SHA-256 hash (LiteLLM's hashed token, also {@code /key/info}'s {@code token}), never the
 * key itself; no provider key is known here.
 *
 * @param event      {@code soft_budget_crossed}, {@code threshold_crossed} or {@code budget_crossed}
 * @param eventGroup {@code key}, {@code team}, {@code user} or {@code proxy} (LiteLLM's {@code Litellm_EntityType})
 * @param spendNanos the budget's spend this period when it was crossed
 * @param maxNanos   its {@code max_budget}, or null
 * @param softNanos  its {@code soft_budget}, or null
 */
public record BudgetAlert(String event, String eventGroup, String eventMessage, long spendNanos, Long maxNanos, Long softNanos,
                          String token, String keyAlias, String userId, String teamId, String teamAlias, String userEmail) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    /** The webhook's body: LiteLLM's {@code WebhookEvent} JSON. */
    public String json() {
        ObjectNode o = JSON.createObjectNode();
        o.put("spend", usd(spendNanos));
        o.put("max_budget", maxNanos == null ? null : usd(maxNanos));
        o.put("soft_budget", softNanos == null ? null : usd(softNanos));
        o.put("token", token);
        o.putNull("customer_id");
        o.put("user_id", userId);
        o.put("team_id", teamId);
        o.put("team_alias", teamAlias);
        o.put("user_email", userEmail);
        o.put("key_alias", keyAlias);
        o.putNull("projected_exceeded_date");
        o.putNull("projected_spend");
        o.put("event_group", eventGroup);
        o.put("event", event);
        o.put("event_message", eventMessage);
        try {
            return JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For a log line: which event of which budget (the key's id part of the hash, an alias, a team or user id; no secret). */
    public String describe() {
        String who = switch (eventGroup) {
            case "key" -> "key " + (keyAlias != null ? "'" + keyAlias + "'" : token == null ? "?" : token.substring(0, Math.min(12, token.length())) + "…");
            case "team" -> "team " + teamId;
            case "user" -> "user " + userId;
            default -> "the global budget";
        };
        return event + " of " + dev.switchboard.model.LogSafe.text(who);
    }

    /** Nano-dollars as a JSON number of USD (0.0001, 2.5). */
    static BigDecimal usd(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
    }
}
