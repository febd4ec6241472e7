package dev.switchboard.govern;

import dev.switchboard.model.GatewayException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The entries of a key's {@code models} that a /key/generate or /key/update sends must name something this gateway has
 * (QA 2026-12-07: {@code "gtp-4o"} made a key whose allowlist matched nothing, and the app met a 403 on every call
 * instead of the admin a 400 at once); /key/regenerate's fields too, and a team's and a user's models. Taken: a name the gateway serves (a model_name, {@code auto}, a name a wildcard
 * deployment serves), an access group, a {@code *} pattern, LiteLLM's {@code all-proxy-models} and
 * {@code all-team-models}, and the key's own aliases (listed to allow them). LiteLLM takes any string; a list that names
 * nothing it has is the one thing refused here, and only what the request adds: an update or a rotation checks the
 * entries (and alias pairs) the stored row does not already hold, so a row that names a model the config has since
 * dropped can still be posted back whole with another change (review 2026-12-07); the config's
 * {@code default_key_generate_params} are not checked. A stored entry that was allowed only as one of the key's aliases,
 * and whose alias the request removes, is checked again. {@code general_settings.check_key_models: false} turns it off.
 */
final class KeyModelCheck {
    /** Every name is known: what a gateway without a model list (unit tests, tools) checks with. */
    static final KeyModelCheck NONE = new KeyModelCheck(m -> true, m -> true, List::of);

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("all-proxy-models", "all-team-models");

    private final Predicate<String> known;
    private final Predicate<String> served;
    private final Supplier<? extends Collection<String>> names;

    /**
     * @param known  whether the gateway serves a name or has an access group of that name (what a models entry may name)
     * @param served whether the gateway serves a name (what an alias may lead to: a call goes to a model, never a group)
     * @param names  the model names to list in the refusal
     */
    KeyModelCheck(Predicate<String> known, Predicate<String> served, Supplier<? extends Collection<String>> names) {
        this.known = known;
        this.served = served;
        this.names = names;
    }

    /**
     * A team's or a user's {@code models} as the request sent them (their rows have no aliases; their lists are deduplicated
     * after, so the index is the request's): checked when the request sends a non-empty list, as a key's.
     */
    void checkSent(com.fasterxml.jackson.databind.JsonNode body, Collection<String> stored) {
        com.fasterxml.jackson.databind.JsonNode v = body.get("models");
        if (v == null || !v.isArray()) return;
        List<String> sent = new java.util.ArrayList<>(v.size());
        for (com.fasterxml.jackson.databind.JsonNode m : v) sent.add(m.asText());
        check(sent, Map.of(), stored, Map.of());
    }

    /**
     * A key's {@code aliases} the request sends: each leads to a model the gateway serves (one step, no pattern), else
     * 400 {@code param: aliases.<name>}: an alias to a typo answered every call for it with a 404.
     */
    void checkAliases(com.fasterxml.jackson.databind.JsonNode body, Map<String, String> keyAliases, Map<String, String> stored) {
        com.fasterxml.jackson.databind.JsonNode v = body.get("aliases");
        if (v == null || !v.isObject()) return;
        for (var e : keyAliases.entrySet()) {
            if (e.getValue().equals(stored.get(e.getKey())) || served.test(e.getValue())) continue; // a stored pair stays
            throw GatewayException.badRequest("'aliases." + e.getKey() + "': '" + e.getValue() + "' is not a model of this "
                    + "gateway. Known models: " + String.join(", ", new TreeSet<>(names.get())) + ".", "aliases." + e.getKey());
        }
    }

    /**
     * 400 {@code param: models[i]} for the first entry that names nothing here. Entries of {@code stored} (the row as it
     * was; empty on a new one) are not checked again, unless one was taken only as an alias of {@code storedAliases} that
     * {@code keyAliases} (the row as it will be) no longer has: the change leaves it naming nothing.
     */
    void check(List<String> models, Map<String, String> keyAliases, Collection<String> stored, Map<String, String> storedAliases) {
        for (int i = 0; i < models.size(); i++) {
            String m = models.get(i);
            if (m.indexOf('*') >= 0 || KEYWORDS.contains(m) || keyAliases.containsKey(m)) continue;
            boolean aliasRemoved = storedAliases.containsKey(m);
            if (stored.contains(m) && !aliasRemoved) continue; // the stored row's, checked when it was written
            if (known.test(m)) continue;
            throw GatewayException.badRequest("'models[" + i + "]': '" + m + "' is not a model of this gateway"
                    + (aliasRemoved ? " (it was the key's alias '" + m + "', which this change removes)" : "")
                    + ". Known models: " + String.join(", ", new TreeSet<>(names.get())) + " (also taken: access groups, * patterns, "
                    + "all-proxy-models, all-team-models and a key's own aliases).", "models[" + i + "]");
        }
    }
}
