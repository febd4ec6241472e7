package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.DurationSpec;
import dev.switchboard.model.GatewayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The body fields of {@code /key/generate}, {@code /key/update} and {@code /key/regenerate} (LiteLLM's names), checked
 * and applied to a key. A field left out keeps its value; a field sent as null clears it (no budget, no expiry, no
 * limit), except where LiteLLM's clients send null as their default and applying it would loosen the key: {@code blocked}
 * ({@link BudgetFields#blocked}), {@code tags} ({@link KeyTags}), {@code duration} (no expiry is {@code "-1"}) and
 * {@code models} (every model is {@code []}) keep their values on null. Anything else — an unknown field, a wrong type, a negative budget, a duration we cannot read — is a 400
 * naming the field, and nothing is changed.
 */
final class KeyFields {
    static final Set<String> SETTABLE = Set.of("key_alias", "models", "max_budget", "soft_budget", "budget_duration",
            "duration", "rpm_limit", "tpm_limit", "max_parallel_requests", "metadata", "tags", "blocked", "auto_tier",
            "allowed_cache_controls", "user_id", "team_id", "aliases", ModelLimits.RPM, ModelLimits.TPM);
    // every control CacheControls counts as used (use-cache is not limited): a control missing here could never be granted
    static final Set<String> CACHE_CONTROLS = Set.of("no-cache", "no-store", "ttl", "s-maxage", "namespace", "semantic");
    static final Set<String> TIERS = Set.of("cheap", "smart");
    /** LiteLLM's {@code duration} for a key that never expires, beside null. */
    static final String NEVER_EXPIRES = "-1";

    private KeyFields() {}

    /** Fails on the first field not in {@code allowed}. */
    static void onlyKnown(ObjectNode body, Set<String> allowed) {
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw GatewayException.badRequest("Unknown field '" + f + "'. Known fields: " + new TreeSet<>(allowed) + ".", f);
            }
        }
    }

    /**
     * {@code base} with the body's settable fields applied; {@code base} is a new key's defaults on generate.
     *
     * @param nowMillis the time expiry ({@code duration}) and a new budget period count from
     */
    static VirtualKey apply(VirtualKey base, ObjectNode b, long nowMillis) {
        String alias = b.has("key_alias") ? text(b, "key_alias", 255) : base.alias();
        // null keeps the list: LiteLLM's clients send models: null by default, and "every model" must be asked for ([])
        List<String> models = b.hasNonNull("models") ? strings(b, "models") : base.models();
        Double max = b.has("max_budget") ? money(b, "max_budget") : base.maxBudget();
        Double soft = b.has("soft_budget") ? money(b, "soft_budget") : base.softBudget();
        // LiteLLM's rule: a duration sent moves the next reset (its next one after now) and keeps the period running with
        // its spend; null leaves it; "none" ends the resets (a new key's period runs from now, where it was made)
        BudgetFields.Period budgetPeriod = BudgetFields.period(b, base.budgetDuration(), base.budgetAnchor(),
                base.budgetSpendFrom(), KeyStore.periodStart(base, nowMillis), nowMillis);
        DurationSpec period = budgetPeriod.duration();
        long anchor = budgetPeriod.anchor();
        Long spendFrom = budgetPeriod.spendFrom();
        // null keeps the expiry, as in LiteLLM's update (its clients send duration: null by default); "-1" removes it
        Long expires = b.hasNonNull("duration") ? expiry(b, nowMillis) : base.expiresAt();
        Long rpm = b.has("rpm_limit") ? count(b, "rpm_limit") : base.rpmLimit();
        Long tpm = b.has("tpm_limit") ? count(b, "tpm_limit") : base.tpmLimit();
        Long parallel = b.has("max_parallel_requests") ? count(b, "max_parallel_requests") : base.maxParallelRequests();
        ObjectNode metadata = base.metadata();
        if (b.has("metadata")) {
            JsonNode m = b.get("metadata");
            if (!m.isNull() && !m.isObject()) throw wrongType("metadata", "an object");
            metadata = m.isNull() ? null : KeyTags.stored((ObjectNode) m.deepCopy());
        }
        // LiteLLM's top-level model_rpm_limit / model_tpm_limit go into the metadata, where its limiter reads them;
        // checked only when the body touches them (an update of the key's budget alone does not re-read its metadata)
        if (b.has("metadata") || b.has(ModelLimits.RPM) || b.has(ModelLimits.TPM)) {
            metadata = ModelLimits.merged(metadata, b);
            ModelLimits.check(metadata);
        }
        // tags or LiteLLM's metadata.tags; null or left out keeps the key's (KeyTags)
        List<String> asked = KeyTags.fromBody(b, base.tags());
        List<String> tags = asked != null ? asked : base.tags();
        boolean blocked = BudgetFields.blocked(b, base.blocked());
        String tier = base.autoTier();
        if (b.has("auto_tier")) {
            tier = text(b, "auto_tier", 16);
            if (tier != null && !TIERS.contains(tier)) {
                throw GatewayException.badRequest("'auto_tier' must be cheap or smart (or null for the configured default), found '"
                        + tier + "'.", "auto_tier");
            }
        }
        List<String> cacheControls = base.allowedCacheControls();
        if (b.has("allowed_cache_controls")) {
            cacheControls = b.get("allowed_cache_controls").isNull() ? null : strings(b, "allowed_cache_controls");
            if (cacheControls != null) {
                for (int i = 0; i < cacheControls.size(); i++) {
                    if (!CACHE_CONTROLS.contains(cacheControls.get(i))) {
                        throw GatewayException.badRequest("'allowed_cache_controls[" + i + "]' must be one of " + new TreeSet<>(CACHE_CONTROLS)
                                + ", found '" + cacheControls.get(i) + "'.", "allowed_cache_controls[" + i + "]");
                    }
                }
            }
        }
        // a user's id has at most Users.MAX_ID characters (the ledger's tag holds "user:" and it)
        String user = b.has("user_id") ? text(b, "user_id", Users.MAX_ID) : base.userId();
        // a team's id has at most Teams.MAX_ID characters (the ledger's tag holds "team:" and it)
        String team = b.has("team_id") ? text(b, "team_id", Teams.MAX_ID) : base.teamId();
        java.util.Map<String, String> aliases = b.has("aliases") ? modelAliases(b, "aliases") : base.aliases();
        return new VirtualKey(base.keyId(), base.token(), base.keyName(), alias, models, max, soft, period, anchor, spendFrom, expires,
                rpm, tpm, parallel, tier, metadata, tags, blocked, base.createdAt(), nowMillis, cacheControls, user, team, aliases);
    }

    /** The key named by {@code field}: a string, required. */
    static String required(ObjectNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) throw GatewayException.badRequest("'" + field + "' is required.", field);
        if (!v.isTextual() || v.textValue().isBlank()) throw wrongType(field, "a non-empty string");
        return v.textValue();
    }

    private static String text(ObjectNode b, String f, int maxLength) {
        JsonNode v = b.get(f);
        if (v.isNull()) return null;
        if (!v.isTextual()) throw wrongType(f, "a string");
        String s = v.textValue().strip();
        if (s.isEmpty()) throw GatewayException.badRequest("'" + f + "' must not be empty (send null to clear it).", f);
        if (s.length() > maxLength) throw GatewayException.badRequest("'" + f + "' is longer than " + maxLength + " characters.", f);
        return RowAdmin.withoutControl(s, f); // an alias, a user or team id: each is logged and labels metrics
    }

    /** The strings {@code f} lists; none when it is left out or null. */
    static List<String> strings(ObjectNode b, String f) { return strings(b.get(f), f); }

    /** The strings {@code v} lists, named {@code f} in errors; none when it is missing or null. */
    static List<String> strings(JsonNode v, String f) {
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw wrongType(f, "a list of strings");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual() || e.textValue().isBlank()) throw wrongType(f + "[" + i + "]", "a non-empty string");
            out.add(e.textValue().strip());
        }
        return out;
    }

    /**
     * LiteLLM's per-key {@code aliases}: an object from the model name a client asks for to the model the key's calls go
     * to. One step only (a target is never looked up again, as in LiteLLM), so a name mapped to itself is refused as a
     * mistake rather than kept as a no-op.
     */
    private static java.util.Map<String, String> modelAliases(ObjectNode b, String f) {
        JsonNode v = b.get(f);
        if (v.isNull()) return java.util.Map.of();
        if (!v.isObject()) throw wrongType(f, "an object from a model name to the model to call instead");
        if (v.size() > 1000) throw GatewayException.badRequest("'" + f + "' has more than 1000 entries.", f);
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (var it = v.fields(); it.hasNext(); ) {
            var e = it.next();
            String from = e.getKey(); // as written: it is matched against the model a request names, exactly
            String path = f + "." + e.getKey();
            if (from.isBlank()) throw GatewayException.badRequest("'" + f + "' has an empty model name.", f);
            if (from.length() > 255) throw GatewayException.badRequest("'" + path + "' is longer than 255 characters.", path);
            JsonNode to = e.getValue();
            if (!to.isTextual() || to.textValue().isBlank()) throw wrongType(path, "a non-empty model name");
            String target = to.textValue().strip();
            if (target.length() > 255) throw GatewayException.badRequest("'" + path + "' is longer than 255 characters.", path);
            if (target.equals(from)) {
                throw GatewayException.badRequest("'" + path + "' maps '" + from + "' to itself; leave it out instead.", path);
            }
            out.put(from, target);
        }
        return out;
    }

    /** US dollars: a number, or a string holding one ({@link LaxNumbers}); an empty max_budget is none, as LiteLLM reads it. */
    private static Double money(ObjectNode b, String f) {
        JsonNode v = b.get(f);
        if (v.isNull() || f.equals("max_budget") && v.isTextual() && v.textValue().isEmpty()) return null;
        JsonNode n = LaxNumbers.of(v);
        if (n == null) throw wrongType(f, "a number of US dollars");
        double d = n.doubleValue();
        if (!Double.isFinite(d) || d < 0) {
            throw GatewayException.badRequest("'" + f + "' must be 0 or more (US dollars), found " + v + ".", f);
        }
        if (d > 1e9) throw GatewayException.badRequest("'" + f + "' is over $1,000,000,000, found " + v + ".", f);
        return d;
    }

    /**
     * A whole number of 0 or more ({@link LaxNumbers#whole}: 60, 60.0, "60"); null for no limit. 0 is a limit that
     * refuses every request, as in LiteLLM.
     */
    private static Long count(ObjectNode b, String f) {
        JsonNode raw = b.get(f);
        if (raw.isNull()) return null;
        Long v = LaxNumbers.whole(raw);
        if (v == null || v < 0) {
            throw GatewayException.badRequest("'" + f + "' must be a whole number of 0 or more (or null for no limit), found " + raw + ".", f);
        }
        return v;
    }

    /**
     * When a key made or changed now expires ({@code duration}): null for never, which LiteLLM spells null or
     * {@code "-1"} (its update documents "-1" as "never expires", and scripts written for it send it).
     */
    private static Long expiry(ObjectNode b, long nowMillis) {
        JsonNode v = b.get("duration");
        if (v.isTextual() && v.textValue().strip().equals(NEVER_EXPIRES)) return null;
        DurationSpec d = duration(b, "duration");
        return d == null ? null : d.after(nowMillis);
    }

    private static DurationSpec duration(ObjectNode b, String f) {
        JsonNode v = b.get(f);
        if (v.isNull()) return null;
        if (!v.isTextual()) throw wrongType(f, DurationSpec.FORMS);
        try {
            return DurationSpec.parse(v.textValue());
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest("'" + f + "': " + e.getMessage(), f);
        }
    }

    private static GatewayException wrongType(String f, String expected) {
        return GatewayException.badRequest("'" + f + "' must be " + expected + ".", f);
    }
}
