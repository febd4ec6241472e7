package dev.switchboard.edge.admin;

import static dev.switchboard.edge.admin.AdminCall.intParam;
import static dev.switchboard.edge.admin.AdminCall.onlyParams;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.account.SpendRollups;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.govern.KeyAdmin;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * LiteLLM's {@code GET /user/daily/activity}: spend, tokens and requests per UTC day, broken down by model, model group,
 * provider, endpoint, key and user, which LiteLLM's Usage page and tools written against LiteLLM (litemaas) read. Read
 * from the daily rollup ({@link SpendRollups#daily}), a few rows per key and model a day, never the ledger's rows; the
 * answer is built by {@link DailyActivity}.
 *
 * <p>Who sees what, as LiteLLM: the master key sees every caller's calls, or one user's with {@code user_id}; any other
 * key sees only its user's (every key whose {@code user_id} is its own), or its own calls when it belongs to no user
 * (LiteLLM would show such a key every user's: a key of no user is not an admin). The rollup has no user column, so a
 * user's calls are those of the keys that are the user's now (LiteLLM's newer releases scope a user the same way, by
 * the user's key hashes) and of the JWT callers signed in as the user ({@code user:<id>}).
 */
record DailyActivityRoutes(EdgeContext edge, AdminCall calls) {
    private static final Set<String> PARAMS = Set.of("start_date", "end_date", "model", "api_key", "user_id", "page",
            "page_size", "timezone");
    private static final Set<String> AGGREGATED_PARAMS = Set.of("start_date", "end_date", "model", "api_key", "user_id", "timezone");

    void mount(Router router) {
        calls.getByAnyKey(router, "/user/daily/activity", (rc, caller) -> userActivity(rc.request(), caller, false));
        // LiteLLM's unpaged form (its newer Usage page reads it): every row at once, one page
        calls.getByAnyKey(router, "/user/daily/activity/aggregated", (rc, caller) -> userActivity(rc.request(), caller, true));
    }

    private Future<JsonNode> userActivity(HttpServerRequest q, Caller caller, boolean aggregated) {
        onlyParams(q, aggregated ? AGGREGATED_PARAMS : PARAMS);
        Paging p = paging(q, 50); // LiteLLM's default page size of this route
        String model = q.getParam("model");
        String apiKey = q.getParam("api_key");
        String userId = q.getParam("user_id");
        KeyAdmin keys = edge.gateway().keys();
        return calls.blocking(() -> {
            Set<String> callers = callersSeen(caller, userId, keys);
            if (apiKey != null) callers = onlyKey(keys, apiKey, callers);
            Set<String> only = callers;
            // only the caller's keys are read from the store (a key of one user never loads the whole table)
            List<SpendRollups.Daily> read = only == null ? edge.gateway().rollups().daily(p.fromDay(), p.toDay())
                    : only.isEmpty() ? List.of() : edge.gateway().rollups().daily(p.fromDay(), p.toDay(), only);
            List<SpendRollups.Daily> rows = read.stream().filter(d -> modelMatches(model, d)).toList();
            return answer(DailyActivity.group(rows), rows, keys, p, aggregated, DailyActivity.Entities.USERS);
        });
    }

    /** The range and page of a daily activity query, checked as LiteLLM checks them. */
    record Paging(LocalDate start, LocalDate end, int page, int size) {
        long fromDay() { return start.toEpochDay(); }

        /** The day after the range (the rollups' reads take {@code [from, to)}). */
        long toDay() { return end.toEpochDay() + 1; }
    }

    /** {@code start_date}, {@code end_date} (both needed, LiteLLM's 400 otherwise), {@code page}, {@code page_size}. */
    static Paging paging(HttpServerRequest q, int defaultSize) {
        // LiteLLM's 400 without both dates; its days are UTC days, as the rollup's (timezone only moves its "today"
        // when its caller opts in, which these routes do not: accepted and not needed)
        if (q.getParam("start_date") == null || q.getParam("end_date") == null) {
            throw GatewayException.badRequest("Please provide start_date and end_date.", q.getParam("start_date") == null ? "start_date" : "end_date");
        }
        LocalDate start = date(q, "start_date");
        LocalDate end = date(q, "end_date");
        if (end.isBefore(start)) throw GatewayException.badRequest("'end_date' must not be before 'start_date'.", "end_date");
        int page = intParam(q, "page", 1);
        int size = intParam(q, "page_size", defaultSize);
        if (page < 1) throw GatewayException.badRequest("'page' must be 1 or more.", "page");
        if (size < 1 || size > 1000) throw GatewayException.badRequest("'page_size' must be between 1 and 1000.", "page_size");
        return new Paging(start, end, page, size);
    }

    /**
     * The caller ids of {@code seen} (null: every caller) narrowed to one key, named by token hash, secret, id or alias.
     * Blocking (a retired token is looked up in the store). A caller restricted to some keys learns nothing of names
     * outside them: no 404 that would tell an alias or id that exists (an empty answer) from one that does not.
     */
    static Set<String> onlyKey(KeyAdmin keys, String apiKey, Set<String> seen) {
        String keyId;
        try {
            keyId = keys.spendKeyId(apiKey);
        } catch (GatewayException e) {
            if (seen == null || e.status() != 404) throw e;
            keyId = null;
        }
        return seen == null ? Set.of(keyId) : keyId != null && seen.contains(keyId) ? Set.of(keyId) : Set.of();
    }

    /** LiteLLM's {@code model}: the deployment's model ({@code gpt-4o}) or the whole deployment ({@code openai/gpt-4o}). */
    static boolean modelMatches(String model, SpendRollups.Daily d) {
        return model == null || model.equals(d.deployment()) || model.equals(DailyActivity.model(d.deployment()));
    }

    /**
     * The answer of every daily activity route: a page of {@code all} (or every row, {@code aggregated}), each key shown
     * by {@link #view}; {@code rows} are the rollup rows {@code all} was summed from (a deleted key is named by the alias
     * of its latest calls, as the spend report names it: {@link KeyLabel}). Blocking (keys are looked up).
     */
    static com.fasterxml.jackson.databind.node.ObjectNode answer(List<java.util.Map.Entry<DailyActivity.Group, DailyActivity.Sums>> all,
            List<SpendRollups.Daily> rows, KeyAdmin keys, Paging p, boolean aggregated, DailyActivity.Entities entities) {
        java.util.Map<String, SpendRollups.Daily> latest = new java.util.HashMap<>();
        for (SpendRollups.Daily d : rows) latest.merge(d.keyId(), d, (a, b) -> b.day() > a.day() ? b : a);
        java.util.function.Function<String, DailyActivity.KeyView> view = id -> view(keys, id, latest.get(id).keyAlias());
        if (aggregated) { // LiteLLM's single page, also when nothing matched
            var out = DailyActivity.page(all, 1, Math.max(all.size(), 1), view, entities);
            ((com.fasterxml.jackson.databind.node.ObjectNode) out.get("metadata")).put("total_pages", 1);
            return out;
        }
        return DailyActivity.page(all, p.page(), p.size(), view, entities);
    }

    /**
     * The ledger's caller ids ({@code key_…}, {@code user:<id>}, …) whose calls the caller may see, or null for every
     * caller's. Blocking (a user's keys are read from the store).
     */
    static Set<String> callersSeen(Caller caller, String userId, KeyAdmin keys) {
        if (caller.admin()) return userId == null ? null : ofUser(userId, keys);
        String own = caller.virtualKey() ? keys.userOf(caller.id())
                : caller.id().startsWith("user:") ? caller.id().substring("user:".length()) : null;
        if (userId != null && !userId.equals(own)) {
            throw new GatewayException(ErrorKind.PERMISSION, 403, "A key that is not the master key sees only its own user's "
                    + "daily activity" + (own == null ? " (this key belongs to no user: its own calls)" : " (user_id " + own + ")")
                    + "; leave 'user_id' out or name its own.", null, "admin_only", null, null);
        }
        return own == null ? Set.of(caller.id()) : ofUser(own, keys);
    }

    /** A user's callers: the keys whose user_id is theirs now, and their JWT sign-ins. */
    private static Set<String> ofUser(String userId, KeyAdmin keys) {
        Set<String> out = new HashSet<>(keys.keyIdsOfUser(userId));
        out.add("user:" + userId);
        return out;
    }

    /** How the answer names a caller id: the key's token hash now (LiteLLM's api_key), else the id (a deleted key, a JWT caller). */
    private static DailyActivity.KeyView view(KeyAdmin keys, String keyId, String lastAlias) {
        String token = keys.token(keyId);
        String alias = KeyLabel.of(keys, keyId, lastAlias).alias();
        String user = token != null ? keys.userOf(keyId) : keyId.startsWith("user:") ? keyId.substring("user:".length()) : null;
        return new DailyActivity.KeyView(token != null ? token : keyId, alias == null || alias.isEmpty() ? null : alias,
                keys.teamOf(keyId), user, token != null);
    }

    private static LocalDate date(HttpServerRequest q, String name) {
        String v = q.getParam(name);
        try {
            return LocalDate.parse(v.strip());
        } catch (DateTimeParseException e) {
            throw GatewayException.badRequest("'" + name + "' must be a date, YYYY-MM-DD, found '" + v + "'.", name);
        }
    }
}
