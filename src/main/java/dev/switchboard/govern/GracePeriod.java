package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.DurationSpec;
import dev.switchboard.model.GatewayException;

/**
 * LiteLLM's {@code grace_period} on {@code /key/regenerate}: how long the old secret keeps working as the same key after
 * the rotation, a LiteLLM duration string ({@code "30s"}, {@code "30m"}, {@code "24h"}, {@code "2d"}, {@code "1w"},
 * {@code "1mo"}; {@link DurationSpec}, the parser {@code duration} and {@code budget_duration} use). As in LiteLLM
 * ({@code _insert_deprecated_key}: {@code grace_period or …}, then {@code grace_seconds <= 0} returns), none sent, null,
 * an empty text or a zero duration ({@code "0s"}) is no grace: the old secret stops at once. Unlike LiteLLM, which logs a
 * warning and rotates without a grace when it cannot read the value, a value that is no duration is a 400: a caller who
 * asked for a grace period must not find the old secret dead in every app they have not switched yet.
 */
final class GracePeriod {
    static final String FIELD = "grace_period";

    private GracePeriod() {}

    /**
     * When the old secret stops working, for a rotation at {@code nowMillis}: epoch ms, or null for at once.
     *
     * @throws GatewayException 400 naming {@code grace_period} when the value is no duration
     */
    static Long until(JsonNode v, long nowMillis) {
        return until(v, null, nowMillis);
    }

    /**
     * As {@link #until(JsonNode, long)}, with LiteLLM's default for a request that gives none: {@code grace_period or
     * LITELLM_KEY_ROTATION_GRACE_PERIOD} in its {@code regenerate_key_fn}, so none sent, null and an empty text take
     * {@code fallback} (the config loader checked it: a duration, or null for none), while a zero duration ({@code "0s"})
     * sent still means at once: how a caller revokes at once on a gateway whose default keeps the old secret.
     */
    static Long until(JsonNode v, String fallback, long nowMillis) {
        boolean none = v == null || v.isNull() || v.isMissingNode() || v.isTextual() && v.textValue().isBlank();
        if (none && fallback != null) v = com.fasterxml.jackson.databind.node.TextNode.valueOf(fallback);
        if (v == null || v.isNull() || v.isMissingNode()) return null;
        if (!v.isTextual()) {
            throw GatewayException.badRequest("'" + FIELD + "' must be a duration string: " + DurationSpec.FORMS
                    + " (how long the old secret keeps working after the rotation).", FIELD);
        }
        String text = v.textValue().strip();
        if (text.isEmpty() || DurationSpec.isZero(text)) return null;
        try {
            return DurationSpec.parse(text).after(nowMillis);
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest("'" + FIELD + "': " + e.getMessage(), FIELD);
        }
    }
}
