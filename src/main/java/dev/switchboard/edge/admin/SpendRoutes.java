package dev.switchboard.edge.admin;

import static dev.switchboard.edge.admin.AdminCall.boolParam;
import static dev.switchboard.edge.admin.AdminCall.intParam;
import static dev.switchboard.edge.admin.AdminCall.onlyParams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.account.SpendQuery;
import dev.switchboard.account.SpendReports;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * LiteLLM's spend routes, for the master key only (as in LiteLLM, where they are admin routes): {@code /spend/logs},
 * {@code /spend/logs/v2}, {@code /spend/tags}, the report {@code /global/spend/report}, and the dashboards' figures
 * {@code /global/spend}, {@code /global/spend/logs}, {@code /global/spend/keys}, {@code /global/spend/models},
 * {@code /global/spend/tags}. Every figure is read from the ledger through {@link SpendReports} (its rows, its totals
 * per group), never summed a second way here; the LiteLLM shapes are built by {@link LiteLlmSpendJson}. The reads block,
 * so each runs on a worker ({@link AdminCall#blocking}).
 */
record SpendRoutes(EdgeContext edge, AdminCall calls) {
    private static final Set<String> LOG_PARAMS = Set.of("key", "api_key", "key_alias", "tag", "model", "start_date",
            "end_date", "since", "page", "page_size", "request_id", "trace_id", "session_id", "include_log", "user_id", "team_id",
            "min_spend", "max_spend", "summarize");
    private static final Set<String> LOG_PARAMS_V2 = union(LOG_PARAMS, Set.of("sort_by", "sort_order"));
    /** At most this many requests of one trace or session narrow /spend/logs. */
    private static final int MAX_TRACE_REQUESTS = 10_000;
    private static final Set<String> REPORT_PARAMS = Set.of("group_by", "key", "api_key", "key_alias", "tag", "model",
            "start_date", "end_date", "since", "internal_user_id", "team_id", "customer_id");
    /** LiteLLM's views behind /global/spend* cover the calls since the start of the UTC day 30 days ago. */
    private static final int LAST_DAYS = 30;

    void mount(Router router) {
        calls.get(router, "/spend/logs", rc -> spendLogs(rc.request(), false));
        // LiteLLM's paged spend logs, which tools written against LiteLLM read: the same rows, LiteLLM's fields added
        calls.get(router, "/spend/logs/v2", rc -> spendLogs(rc.request(), true));
        calls.get(router, "/global/spend/report", rc -> report(rc.request()));
        calls.get(router, "/spend/tags", rc -> spendTags(rc.request()));
        calls.get(router, "/global/spend/tags", rc -> globalSpendTags(rc.request()));
        calls.get(router, "/global/spend", rc -> {
            onlyParams(rc.request(), Set.of());
            var global = edge.gateway().globalBudget();
            Long max = global == null ? null : global.maxNanos();
            return calls.blocking(() -> LiteLlmSpendJson.globalSpend(edge.gateway().spend().totals(lastDays(), SpendReports.GroupBy.DAY), max));
        });
        calls.get(router, "/global/spend/logs", rc -> globalSpendLogs(rc.request()));
        calls.get(router, "/global/spend/keys", rc -> {
            onlyParams(rc.request(), Set.of("limit"));
            Integer limit = limit(rc.request(), null); // LiteLLM: every key unless asked
            return calls.blocking(() -> LiteLlmSpendJson.topKeys(edge.gateway().spend().totals(lastDays(), SpendReports.GroupBy.KEY),
                    limit, edge.gateway().keys()::token, edge.gateway().keys()::keyName,
                    t -> KeyLabel.of(edge.gateway().keys(), t.group(), t.keyAlias()).aliasOrNull()));
        });
        calls.get(router, "/global/spend/models", rc -> {
            onlyParams(rc.request(), Set.of("limit"));
            Integer limit = limit(rc.request(), 10); // LiteLLM's default: the top 10
            return calls.blocking(() -> LiteLlmSpendJson.topModels(edge.gateway().spend().totals(lastDays(), SpendReports.GroupBy.MODEL), limit));
        });
    }

    /**
     * {@code /spend/logs} (and LiteLLM's {@code /spend/logs/v2}: its {@code sort_by} / {@code sort_order} are accepted for
     * the one order served, newest first, and each row also carries LiteLLM's {@code api_key}, {@code user},
     * {@code team_id}, {@code model_group} and {@code metadata.user_api_key_alias}). The paged object is Switchboard's
     * answer; LiteLLM's {@code summarize} asks for LiteLLM's shapes instead ({@link #liteLlmShape}).
     */
    private Future<? extends JsonNode> spendLogs(HttpServerRequest q, boolean v2) {
        onlyParams(q, v2 ? LOG_PARAMS_V2 : LOG_PARAMS);
        if (v2) newestFirstOnly(q);
        boolean liteLlmShape = q.getParam("summarize") != null;
        int page = intParam(q, "page", 1);
        // LiteLLM's list answers every row it finds; ours is paged, at the largest page unless asked
        int size = intParam(q, "page_size", liteLlmShape ? 1000 : 50);
        boolean includeLog = boolParam(q, "include_log");
        if (page < 1) throw GatewayException.badRequest("'page' must be 1 or more.", "page");
        if (size < 1 || size > 1000) throw GatewayException.badRequest("'page_size' must be between 1 and 1000.", "page_size");
        if (liteLlmShape) return liteLlmShape(q, page, size);
        return calls.blocking(() -> {
            SpendReports.Page p = edge.gateway().spend().logs(narrowed(logsQuery(q), q), page, size);
            ObjectNode out = SpendJson.JSON.createObjectNode();
            out.set("data", rows(p, v2, includeLog));
            out.put("total", p.total());
            out.put("page", p.page());
            out.put("page_size", p.pageSize());
            out.put("total_pages", (p.total() + p.pageSize() - 1) / p.pageSize());
            return out;
        });
    }

    /**
     * LiteLLM's own answers of {@code /spend/logs}, for a client that names {@code summarize} (so asks for LiteLLM's
     * behaviour): with {@code summarize=true} and both dates, its day summaries; otherwise ({@code summarize=false}, or
     * no dates, where LiteLLM's summarize does nothing) its bare list of rows, LiteLLM's fields included, one page of at
     * most 1,000 (LiteLLM answers every row at once; {@code page} reads on).
     */
    private Future<? extends JsonNode> liteLlmShape(HttpServerRequest q, int page, int size) {
        boolean summarize = boolParam(q, "summarize", true);
        if (summarize && q.getParam("start_date") != null && q.getParam("end_date") != null) {
            return calls.blocking(() -> {
                SpendQuery query = logsQuery(q);
                TimeRange range = new TimeRange(query.fromMillis(), query.toMillis());
                return LiteLlmSpendJson.daySummaries(edge.gateway().spend().dailyShares(narrowed(query, q)), range,
                        edge.gateway().keys()::token);
            });
        }
        return calls.blocking(() -> rows(edge.gateway().spend().logs(narrowed(logsQuery(q), q), page, size), true, boolParam(q, "include_log")));
    }

    /** The filters of {@code /spend/logs}: {@link #query}'s and LiteLLM's user, team and spend bounds. Blocking. */
    private SpendQuery logsQuery(HttpServerRequest q) {
        return query(q).withTagsAndCost(userAndTeamTags(q), nanos(q, "min_spend"), nanos(q, "max_spend"));
    }

    /** A page's rows as the spend routes show them; with {@code liteLlm}, LiteLLM's names for what each row says. Blocking. */
    private com.fasterxml.jackson.databind.node.ArrayNode rows(SpendReports.Page p, boolean liteLlm, boolean includeLog) {
        var data = SpendJson.JSON.createArrayNode();
        Map<String, String> tokens = new java.util.HashMap<>();
        p.rows().forEach(r -> {
            ObjectNode row = SpendJson.row(r);
            if (liteLlm) SpendJson.addLiteLlmFields(row, r, tokens.computeIfAbsent(r.keyId(), edge.gateway().keys()::token));
            if (includeLog && r.attempt() == 0) {
                var entry = edge.gateway().requestLog(r.requestId());
                if (entry == null) row.putNull("request_log");
                else row.set("request_log", ObserveRoutes.json(entry));
            }
            data.add(row);
        });
        return data;
    }

    /**
     * {@code /global/spend/report}: totals per group, Switchboard's shape (README). LiteLLM's filters narrow it:
     * {@code internal_user_id} and {@code team_id} to the calls of a key with that LiteLLM label (its {@code user:} /
     * {@code team:} tag, as {@code /spend/logs} filters), {@code customer_id} to one end user.
     */
    private Future<ObjectNode> report(HttpServerRequest q) {
        onlyParams(q, REPORT_PARAMS);
        String field = KeyMetadataGroups.field(q.getParam("group_by"));
        SpendReports.GroupBy by = field != null ? SpendReports.GroupBy.KEY : groupBy(q.getParam("group_by"));
        List<String> tags = new java.util.ArrayList<>();
        if (q.getParam("internal_user_id") != null) tags.add("user:" + q.getParam("internal_user_id"));
        if (q.getParam("team_id") != null) tags.add("team:" + q.getParam("team_id"));
        return calls.blocking(() -> {
            SpendQuery query = query(q).withTagsAndCost(tags, null, null).withEndUser(q.getParam("customer_id"));
            TimeRange range = new TimeRange(query.fromMillis(), query.toMillis());
            // by model, one group a deployment entry: its model_info.id (model_id) tells two entries of one provider/model apart
            var totals = by == SpendReports.GroupBy.MODEL ? edge.gateway().spend().totalsByEntry(query)
                    : edge.gateway().spend().totals(query, by);
            ObjectNode out = SpendJson.JSON.createObjectNode();
            out.put("group_by", field != null ? KeyMetadataGroups.PREFIX + field : by.name().toLowerCase(Locale.ROOT));
            out.put("start", range.fromIso());
            out.put("end", range.toIso());
            long spend = 0, requests = 0;
            var groups = out.putArray("groups");
            KeyMetadataGroups folded = field == null ? null : KeyMetadataGroups.of(edge.gateway().keys(), field);
            for (SpendReports.Total t : totals) {
                KeyLabel key = by == SpendReports.GroupBy.KEY ? KeyLabel.of(edge.gateway().keys(), t.group(), t.keyAlias()) : null;
                if (folded != null) folded.add(t, key);
                else groups.add(SpendJson.total(t, by, key));
                spend += t.costNanos();
                requests += t.requests();
            }
            if (folded != null) folded.writeTo(groups);
            if (by != SpendReports.GroupBy.TAG) { // a call with two tags is in two groups: a sum would count it twice
                out.put("total_spend", SpendJson.usd(spend));
                out.put("total_requests", requests);
            }
            var unpriced = out.putArray("unpriced_models");
            edge.gateway().unpriced().forEach(unpriced::add);
            return out;
        });
    }

    /** LiteLLM's {@code GET /spend/tags}: {@code [{individual_request_tag, log_count, total_spend}]}, dates optional. */
    private Future<JsonNode> spendTags(HttpServerRequest q) {
        onlyParams(q, Set.of("start_date", "end_date"));
        return calls.blocking(() -> LiteLlmSpendJson.tagRows(edge.gateway().spend().totals(query(q), SpendReports.GroupBy.TAG)));
    }

    /**
     * LiteLLM's {@code GET /global/spend/tags} (its UI's chart): both dates needed, as in LiteLLM; {@code tags} a
     * comma-separated list ({@code all-tags}, or none, for every tag); {@code {"spend_per_tag": [{name, spend, log_count}]}}.
     */
    private Future<JsonNode> globalSpendTags(HttpServerRequest q) {
        onlyParams(q, Set.of("start_date", "end_date", "tags"));
        if (q.getParam("start_date") == null || q.getParam("end_date") == null) {
            throw GatewayException.badRequest("Please provide start_date and end_date.", q.getParam("start_date") == null ? "start_date" : "end_date");
        }
        Set<String> only = null;
        String tags = q.getParam("tags");
        if (tags != null && !tags.isBlank()) {
            only = new java.util.LinkedHashSet<>(List.of(tags.split(",")));
            if (only.contains("all-tags")) only = null;
        }
        Set<String> wanted = only;
        return calls.blocking(() -> LiteLlmSpendJson.spendPerTag(edge.gateway().spend().totals(query(q), SpendReports.GroupBy.TAG), wanted));
    }

    /**
     * LiteLLM's {@code GET /global/spend/logs}: the spend per day of the last 30 days, {@code [{date, spend}]} in date order;
     * with {@code api_key} (a key, token hash, key id or alias) one key's, each day with its {@code api_key}.
     */
    private Future<JsonNode> globalSpendLogs(HttpServerRequest q) {
        onlyParams(q, Set.of("api_key"));
        String ref = q.getParam("api_key");
        return calls.blocking(() -> {
            String keyId = ref == null ? null : edge.gateway().keys().spendKeyId(ref);
            SpendQuery query = new SpendQuery(keyId, null, null, null, lastDays().fromMillis(), null);
            String token = keyId == null ? null : edge.gateway().keys().token(keyId);
            return LiteLlmSpendJson.daily(edge.gateway().spend().totals(query, SpendReports.GroupBy.DAY), keyId == null ? null
                    : token != null ? token : keyId);
        });
    }

    /** The calls since the start of the UTC day {@value #LAST_DAYS} days ago: LiteLLM's {@code CURRENT_DATE - 30 days}. */
    private static SpendQuery lastDays() {
        long from = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(LAST_DAYS)
                .atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli();
        return new SpendQuery(null, null, null, null, from, null);
    }

    /** LiteLLM's {@code limit} of the top-n routes: a whole number of 1 or more. */
    private static Integer limit(HttpServerRequest q, Integer dflt) {
        if (q.getParam("limit") == null) return dflt;
        int n = intParam(q, "limit", 0);
        if (n < 1) throw GatewayException.badRequest("'limit' must be 1 or more, found '" + q.getParam("limit") + "'.", "limit");
        return n;
    }

    /** LiteLLM's {@code user_id} and {@code team_id} filters: the tags a key's calls carry ({@code VirtualKey.callTags}). */
    private static List<String> userAndTeamTags(HttpServerRequest q) {
        List<String> tags = new java.util.ArrayList<>();
        if (q.getParam("user_id") != null) tags.add("user:" + q.getParam("user_id"));
        if (q.getParam("team_id") != null) tags.add("team:" + q.getParam("team_id"));
        return tags;
    }

    /** US dollars in a query parameter as nano-dollars, or null when absent. */
    private static Long nanos(HttpServerRequest q, String name) {
        String v = q.getParam(name);
        if (v == null) return null;
        try {
            java.math.BigDecimal usd = new java.math.BigDecimal(v.strip());
            if (usd.signum() < 0) throw new NumberFormatException();
            return usd.movePointRight(9).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw GatewayException.badRequest("'" + name + "' must be an amount of US dollars (0 or more), found '" + v + "'.", name);
        }
    }

    /** LiteLLM's sort parameters: the ledger is read newest first, by the time each call ended (LiteLLM's default order). */
    private static void newestFirstOnly(HttpServerRequest q) {
        String by = q.getParam("sort_by");
        String order = q.getParam("sort_order");
        if (by != null && !by.equals("startTime") && !by.equals("endTime")) {
            throw GatewayException.badRequest("'sort_by' may only be startTime or endTime (newest first), found '" + by + "'.", "sort_by");
        }
        if (order != null && !order.equalsIgnoreCase("desc")) {
            throw GatewayException.badRequest("'sort_order' may only be desc: the logs are served newest first.", "sort_order");
        }
    }

    /**
     * The filters every spend route reads. Blocking: a key named by a token no live key has is looked up among the
     * retired ones in the store ({@code KeyAdmin.spendKeyId}), so this runs inside {@link AdminCall#blocking}.
     */
    private SpendQuery query(HttpServerRequest q) {
        String key = q.getParam("key") != null ? q.getParam("key") : q.getParam("api_key");
        TimeRange range = TimeRange.parse(q.getParam("start_date"), q.getParam("end_date"), q.getParam("since"),
                System.currentTimeMillis());
        return new SpendQuery(key == null ? null : edge.gateway().keys().spendKeyId(key), q.getParam("key_alias"), q.getParam("tag"),
                q.getParam("model"), range.fromMillis(), range.toMillis());
    }

    /**
     * {@code request_id}, {@code trace_id} and {@code session_id} narrow the ledger's rows to those requests; a trace or
     * a session is found in the request log (which keeps them). Blocking.
     */
    private SpendQuery narrowed(SpendQuery query, HttpServerRequest q) {
        String requestId = q.getParam("request_id");
        String traceId = q.getParam("trace_id");
        String sessionId = q.getParam("session_id");
        if (requestId == null && traceId == null && sessionId == null) return query;
        java.util.Set<String> ids = null;
        if (traceId != null || sessionId != null) {
            ids = new java.util.HashSet<>();
            var rows = edge.gateway().requestLogs(new dev.switchboard.observe.RequestLogQuery(null, null, traceId, sessionId, null,
                    null, null, null, null, null, null), 1, MAX_TRACE_REQUESTS).rows();
            for (var r : rows) ids.add(r.requestId());
        }
        if (requestId != null) ids = ids == null ? java.util.Set.of(requestId) : ids.contains(requestId) ? java.util.Set.of(requestId) : java.util.Set.of();
        return query.withRequestIds(ids);
    }

    /** LiteLLM's names for two of the groupings ({@code /global/spend/report?group_by=api_key|customer}). */
    private static final java.util.Map<String, SpendReports.GroupBy> LITELLM_GROUPS = java.util.Map.of(
            "api_key", SpendReports.GroupBy.KEY, "customer", SpendReports.GroupBy.END_USER);

    private static SpendReports.GroupBy groupBy(String v) {
        if (v == null) return SpendReports.GroupBy.KEY;
        if (LITELLM_GROUPS.containsKey(v)) return LITELLM_GROUPS.get(v);
        try {
            return SpendReports.GroupBy.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest("'group_by' must be key (LiteLLM's api_key), tag, model, alias, day, end_user "
                    + "(LiteLLM's customer), team or key_metadata.<field>, found '" + v + "'.", "group_by");
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new java.util.HashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }
}
