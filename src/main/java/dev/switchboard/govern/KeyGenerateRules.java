package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.DurationSpec;
import dev.switchboard.model.GatewayException;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM's {@code litellm_settings.default_key_generate_params} and {@code upperbound_key_generate_params}, applied to
 * a {@code /key/generate} body as LiteLLM's {@code _common_key_generation_helper} applies them (and the bounds to a
 * {@code /key/update} body, as its {@code _enforce_upperbound_key_params(fill_defaults=False)} does). Without them a key
 * made with no budget has none and may call every model, and a key may be given more than the configured bound.
 * <ul>
 *   <li>defaults: a field the body leaves out or sends as null ({@link #DEFAULTED}) takes the default; {@code models}
 *   sent as [] (or left out) and {@code metadata} sent as {} (or left out) too, as LiteLLM reads its own defaults;</li>
 *   <li>bounds: a bounded field left out (after the defaults) takes the bound on generate; a number over its bound, or a
 *   duration longer than its bound ({@code "-1"}, never, is the longest), is LiteLLM's 400
 *   {@code "<field> is over max limit set in config - user_value=…; max_value=…"}.</li>
 * </ul>
 */
public final class KeyGenerateRules {
    /** The fields LiteLLM fills from default_key_generate_params when the request has none (null or left out). */
    public static final List<String> DEFAULTED = List.of("max_budget", "user_id", "team_id", "max_parallel_requests",
            "tpm_limit", "rpm_limit", "budget_duration", "duration", "models", "metadata");
    /** LiteLLM_UpperboundKeyGenerateParams' fields. */
    public static final List<String> BOUNDED_NUMBERS = List.of("max_budget", "max_parallel_requests", "tpm_limit", "rpm_limit");
    public static final List<String> BOUNDED_DURATIONS = List.of("budget_duration", "duration");

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    public static final KeyGenerateRules NONE = new KeyGenerateRules(Map.of(), Map.of());

    private final ObjectNode defaults;
    private final ObjectNode bounds;

    /** @param defaults default_key_generate_params as the config loader kept it; @param bounds upperbound_key_generate_params */
    public KeyGenerateRules(Map<String, Object> defaults, Map<String, Object> bounds) {
        this.defaults = toJson(defaults == null ? Map.of() : defaults);
        this.bounds = toJson(bounds == null ? Map.of() : bounds);
    }

    public boolean any() { return !defaults.isEmpty() || !bounds.isEmpty(); }

    /** A /key/generate body with the defaults filled in and the bounds filled in and checked (a copy; the body is kept). */
    ObjectNode forGenerate(ObjectNode body, long nowMillis) {
        if (!any()) return body;
        ObjectNode out = body.deepCopy();
        for (String f : DEFAULTED) {
            if (!defaults.has(f)) continue; // LiteLLM sets the field to the default's .get(f), None when absent: the same as leaving it
            JsonNode v = out.get(f);
            boolean none = absent(f, v)
                    || f.equals("models") && v.isArray() && v.isEmpty()
                    || f.equals("metadata") && v.isObject() && v.isEmpty();
            if (none && !defaults.get(f).isNull()) out.set(f, defaults.get(f).deepCopy());
        }
        checkBounds(out, true, nowMillis);
        return out;
    }

    /** A /key/update body's values checked against the bounds (nothing filled in). */
    void checkUpdate(ObjectNode body, long nowMillis) {
        if (!bounds.isEmpty()) checkBounds(body, false, nowMillis);
    }

    private void checkBounds(ObjectNode body, boolean fill, long nowMillis) {
        for (var it = bounds.fields(); it.hasNext(); ) {
            var e = it.next();
            String f = e.getKey();
            JsonNode bound = e.getValue(), v = body.get(f);
            if (bound.isNull()) continue;
            // a number sent as a string ("5000") is the number KeyFields reads it as (LiteLLM's lax pydantic): bounded too
            JsonNode number = BOUNDED_NUMBERS.contains(f) ? LaxNumbers.of(v) : null;
            if (absent(f, v)) {
                if (fill) body.set(f, bound.deepCopy());
            } else if (number != null && number.asDouble() > bound.asDouble()) {
                throw over(f, number, bound);
            } else if (BOUNDED_DURATIONS.contains(f) && v.isTextual() && longer(v.asText(), bound.asText(), nowMillis)) {
                throw over(f, v, bound);
            }
        }
    }

    /**
     * Whether the body leaves {@code f} unset: absent, null, or (for {@code max_budget}) the empty string KeyFields reads
     * as "no budget" — which the default and the bound then fill, or a key would have no budget at all.
     */
    private static boolean absent(String f, JsonNode v) {
        return v == null || v.isNull() || f.equals("max_budget") && v.isTextual() && v.textValue().isEmpty();
    }

    /** Whether {@code asked} lasts longer than {@code bound}; "-1" (never) outlasts every bound, as in LiteLLM. */
    private static boolean longer(String asked, String bound, long nowMillis) {
        if (asked.trim().equals(KeyFields.NEVER_EXPIRES)) return true;
        if (!DurationSpec.isValid(asked) || !DurationSpec.isValid(bound)) return false; // KeyFields answers a bad duration
        return DurationSpec.parse(asked).after(nowMillis) > DurationSpec.parse(bound).after(nowMillis);
    }

    private static GatewayException over(String field, JsonNode asked, JsonNode bound) {
        // LiteLLM's words and status (HTTPException 400), its float fields printed as Python prints them (200.0)
        boolean money = field.equals("max_budget");
        return GatewayException.badRequest(field + " is over max limit set in config - user_value=" + shown(asked, money)
                + "; max_value=" + shown(bound, money), field);
    }

    private static String shown(JsonNode n, boolean money) {
        if (!n.isNumber()) return n.asText();
        if (money) return Double.toString(n.asDouble());
        return n.isIntegralNumber() ? n.asText() : Long.toString((long) n.asDouble());
    }

    private static ObjectNode toJson(Map<String, Object> plain) {
        return JSON.valueToTree(plain);
    }

}
