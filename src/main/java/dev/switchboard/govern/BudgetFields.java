package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.DurationSpec;
import dev.switchboard.model.GatewayException;

/**
 * The fields {@code /customer/*}, {@code /team/*} and {@code /user/*} share, read from a request body over a row's values: a field left
 * out keeps the row's value, {@code null} clears it, a wrong type is a 400 naming the field.
 */
final class BudgetFields {
    private BudgetFields() {}

    /** A name for people ({@code alias}, {@code team_alias}): at most 255 characters, stripped. */
    static String alias(ObjectNode b, String field, String was) {
        if (!b.has(field)) return was;
        JsonNode v = b.get(field);
        if (v.isNull()) return null;
        if (!v.isTextual() || v.textValue().isBlank() || v.textValue().length() > 255) {
            throw GatewayException.badRequest("'" + field + "' must be a non-empty string of at most 255 characters (or null).", field);
        }
        return v.textValue().strip();
    }

    /**
     * {@code blocked} of a key, user, team or customer: true or false; left out or {@code null} keeps what it was (false
     * for a new row). LiteLLM's request models declare {@code blocked: Optional[bool] = None} and its clients send that
     * default, so null cannot mean "unblock": an update that only raises a budget must not unblock a blocked key.
     */
    static boolean blocked(ObjectNode b, boolean was) {
        if (!b.hasNonNull("blocked")) return was;
        if (!b.get("blocked").isBoolean()) throw GatewayException.badRequest("'blocked' must be true or false.", "blocked");
        return b.get("blocked").booleanValue();
    }

    /** @param nullMeans what a null or absent budget means, for the message */
    static Double maxBudget(ObjectNode b, Double was, String nullMeans) { return maxBudget(b, was, nullMeans, "max_budget"); }

    /** A budget in {@code field} ({@code max_budget}, {@code team_member_budget}, {@code max_budget_in_team}). */
    static Double maxBudget(ObjectNode b, Double was, String nullMeans, String field) {
        if (!b.has(field)) return was;
        JsonNode raw = b.get(field);
        if (raw.isNull()) return null;
        JsonNode v = LaxNumbers.of(raw); // "5" too, as LiteLLM's pydantic models read it
        if (v == null || !Double.isFinite(v.doubleValue()) || v.doubleValue() < 0 || v.doubleValue() > 1e9) {
            throw GatewayException.badRequest("'" + field + "' must be a number of US dollars from 0 to 1,000,000,000 (or null "
                    + nullMeans + "), found " + raw + ".", field);
        }
        return v.doubleValue();
    }

    /**
     * A budget's period: its length, when it was set (the first reset is LiteLLM's next one after it) and where the period
     * running then counts the spend from (null: from when it was set; see {@link BudgetPeriod}).
     */
    record Period(DurationSpec duration, long anchor, Long spendFrom) {}

    /**
     * {@code budget_duration} over a budget's, as LiteLLM's {@code /key/update} (and its team, user and customer updates)
     * read it. Left out, null or empty: unchanged (LiteLLM drops a null field, and its clients send every field, most of
     * them null). A duration, the same or another: set now, so the next reset is LiteLLM's next one after now; the period
     * running goes on until then with the spend it has (LiteLLM moves {@code budget_reset_at} and keeps the spend).
     * {@code "none"} or {@code "null"} (LiteLLM's UI's text for "no duration"): no more resets, the period running goes on
     * for ever with its spend.
     *
     * @param runningStart where the period running now began, or null when the budget is being made
     */
    /**
     * {@link #period} of a team, user or customer, whose duration needs a budget of its own: one left as it was goes when
     * the update clears {@code max_budget} (LiteLLM's clients send {@code budget_duration: null} beside it).
     */
    static Period rowPeriod(ObjectNode b, Double max, DurationSpec was, long wasAnchor, Long wasSpendFrom, Long runningStart,
                            long now) {
        Period p = period(b, was, wasAnchor, wasSpendFrom, runningStart, now);
        boolean sent = b.has("budget_duration") && b.get("budget_duration").isTextual() && !b.get("budget_duration").textValue().isBlank();
        if (max == null && p.duration() != null && !sent) return new Period(null, now, null);
        return p;
    }

    static Period period(ObjectNode b, DurationSpec was, long wasAnchor, Long wasSpendFrom, Long runningStart, long now) {
        Period unchanged = new Period(was, wasAnchor, wasSpendFrom);
        if (!b.has("budget_duration") || b.get("budget_duration").isNull()) return unchanged;
        JsonNode v = b.get("budget_duration");
        if (!v.isTextual()) {
            throw GatewayException.badRequest("'budget_duration' must be " + DurationSpec.FORMS + " (or \"none\" for no more resets).",
                    "budget_duration");
        }
        String text = v.textValue().strip();
        if (text.isEmpty()) return unchanged;
        if (text.equalsIgnoreCase("none") || text.equalsIgnoreCase("null")) {
            if (was == null) return unchanged;
            return new Period(null, now, runningStart);
        }
        DurationSpec period;
        try {
            period = DurationSpec.parse(text);
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest("'budget_duration': " + e.getMessage(), "budget_duration");
        }
        return new Period(period, now, runningStart);
    }

    static ObjectNode metadata(ObjectNode b, ObjectNode was) {
        if (!b.has("metadata")) return was;
        JsonNode m = b.get("metadata");
        if (!m.isNull() && !m.isObject()) throw GatewayException.badRequest("'metadata' must be an object.", "metadata");
        return m.isNull() ? null : (ObjectNode) m.deepCopy();
    }

    /**
     * A model list (empty: every model), each name once; null keeps the row's, since LiteLLM's update requests default
     * {@code models} to None and its clients send that: a null must not open every model to a team or user.
     *
     * @param refused an entry this list may not hold (LiteLLM's {@code all-team-models}, a key's entry), refused with
     *                {@code why}
     */
    static java.util.List<String> models(ObjectNode b, java.util.List<String> was, String refused, String why) {
        if (!b.hasNonNull("models")) return was;
        JsonNode v = b.get("models");
        if (!v.isArray()) throw GatewayException.badRequest("'models' must be a list of model names (empty: every model).", "models");
        java.util.List<String> list = new java.util.ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode m = v.get(i);
            if (!m.isTextual() || m.textValue().isBlank()) {
                throw GatewayException.badRequest("'models[" + i + "]' must be a model name.", "models");
            }
            if (m.textValue().equals(refused)) throw GatewayException.badRequest(why, "models");
            list.add(m.textValue());
        }
        return java.util.List.copyOf(new java.util.LinkedHashSet<>(list));
    }

    /**
     * A rate limit ({@code rpm_limit}, {@code tpm_limit}) left out: the row's; else a whole number of 0 or more
     * ({@link LaxNumbers#whole}: 60, 60.0, "60"), or null for none. 0 refuses every request, as a key's 0 does and as
     * LiteLLM's limiter does for keys, users and teams alike.
     */
    static Long limit(ObjectNode b, String field, Long was) {
        if (!b.has(field)) return was;
        JsonNode raw = b.get(field);
        if (raw.isNull()) return null;
        Long v = LaxNumbers.whole(raw);
        if (v == null || v < 0) {
            throw GatewayException.badRequest("'" + field + "' must be a whole number of 0 or more (or null for none), found " + raw + ".", field);
        }
        return v;
    }
}
