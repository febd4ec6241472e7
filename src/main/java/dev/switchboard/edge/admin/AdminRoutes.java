package dev.switchboard.edge.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.account.SpendQuery;
import dev.switchboard.account.SpendReports;
import dev.switchboard.edge.DialectCall;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.edge.JsonBody;
import dev.switchboard.edge.JsonSyntax;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * LiteLLM's admin API, for the master key only: {@code /key/*} (generate, update, delete, block, unblock,
 * regenerate, info, list), {@code /spend/logs} and the spend report {@code /global/spend/report}. A virtual key
 * reaches none of it, except {@code /key/info} about itself. Errors use OpenAI's shape, as LiteLLM's do. Database
 * work runs on worker threads, never on the event loop.
 */
public final class AdminRoutes {
    private static final ObjectWriter WRITER = SpendJson.JSON.writer().with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    private static final Set<String> LOG_PARAMS = Set.of("key", "api_key", "key_alias", "tag", "model", "start_date",
            "end_date", "since", "page", "page_size", "request_id", "trace_id", "session_id", "include_log", "user_id", "team_id",
            "min_spend", "max_spend");
    private static final Set<String> LOG_PARAMS_V2 = union(LOG_PARAMS, Set.of("sort_by", "sort_order"));
    /** At most this many requests of one trace or session narrow /spend/logs. */
    private static final int MAX_TRACE_REQUESTS = 10_000;
    private static final Set<String> REPORT_PARAMS = Set.of("group_by", "key", "api_key", "key_alias", "tag", "model",
            "start_date", "end_date", "since");

    private final EdgeContext edge;
    private final DialectCall call;
    private final Vertx vertx;

    /** @param call the OpenAI dialect's call helper (request ids, auth, body limit, OpenAI-shaped errors) */
    public AdminRoutes(Vertx vertx, EdgeContext edge, DialectCall call) {
        this.vertx = vertx;
        this.edge = edge;
        this.call = call;
    }

    public void mount(Router router) {
        mountModelInfo(router);
        mountBudgets(router);
        mountHealth(router);
        post(router, "/key/generate", (caller, body) -> edge.gateway().keys().generate(body));
        post(router, "/key/update", (caller, body) -> edge.gateway().keys().update(body));
        post(router, "/key/delete", (caller, body) -> edge.gateway().keys().delete(body));
        post(router, "/key/block", (caller, body) -> edge.gateway().keys().block(body, true));
        post(router, "/key/unblock", (caller, body) -> edge.gateway().keys().block(body, false));
        post(router, "/key/regenerate", (caller, body) -> edge.gateway().keys().regenerate(body));
        // LiteLLM's other spelling: POST /key/{key}/regenerate
        router.postWithRegex("/key/(?<ref>[^/]+)/regenerate").handler(rc -> admin(rc, true, (caller, body) -> {
            // a null key names nothing (LiteLLM's clients send unused fields as null); another key would be ambiguous
            if (body.hasNonNull("key")) throw GatewayException.badRequest("The key is in the path; leave 'key' out of the body.", "key");
            body.put("key", rc.pathParam("ref"));
            return edge.gateway().keys().regenerate(body);
        }));
        router.get("/key/info").handler(rc -> {
            HttpServerResponse resp = rc.response();
            call.identify(resp);
            try {
                Caller caller = edge.gateway().authenticator().authenticate(EdgeContext.presentedKey(rc.request()));
                onlyParams(rc.request(), Set.of("key"));
                String ref = rc.request().getParam("key");
                // the key's spend is read from the ledger (every gateway's calls): not on the event loop
                vertx.executeBlocking(() -> edge.gateway().keys().info(ref, caller), false).onComplete(ar -> {
                    if (ar.succeeded()) answer(resp, ar.result());
                    else call.fail(resp, ar.cause());
                });
            } catch (Throwable t) {
                call.fail(resp, t);
            }
        });
        mountCache(router);
        mountCustomers(router);
        mountTeams(router);
        mountUsers(router);
        get(router, "/key/list", rc -> {
            onlyParams(rc.request(), Set.of("page", "size", "key_alias", "user_id", "team_id", "return_full_object"));
            HttpServerRequest q = rc.request();
            int page = intParam(q, "page", 1), size = intParam(q, "size", 100);
            boolean full = boolParam(q, "return_full_object");
            String alias = q.getParam("key_alias"), userId = q.getParam("user_id"), teamId = q.getParam("team_id");
            // whole keys carry their spend, read from the ledger: not on the event loop
            return vertx.executeBlocking(() -> edge.gateway().keys().list(page, size, alias, userId, teamId, full), false);
        });
        get(router, "/spend/logs", rc -> spendLogs(rc.request(), false));
        // LiteLLM's paged spend logs, which tools written against LiteLLM read: the same rows, LiteLLM's fields added
        get(router, "/spend/logs/v2", rc -> spendLogs(rc.request(), true));
        get(router, "/global/spend/report", rc -> {
            HttpServerRequest q = rc.request();
            onlyParams(q, REPORT_PARAMS);
            SpendReports.GroupBy by = groupBy(q.getParam("group_by"));
            SpendQuery query = query(q);
            TimeRange range = new TimeRange(query.fromMillis(), query.toMillis());
            return vertx.executeBlocking(() -> {
                var totals = edge.gateway().spend().totals(query, by);
                ObjectNode out = SpendJson.JSON.createObjectNode();
                out.put("group_by", by.name().toLowerCase(Locale.ROOT));
                out.put("start", range.fromIso());
                out.put("end", range.toIso());
                long spend = 0, requests = 0;
                var groups = out.putArray("groups");
                for (SpendReports.Total t : totals) {
                    groups.add(SpendJson.total(t, by));
                    spend += t.costNanos();
                    requests += t.requests();
                }
                if (by != SpendReports.GroupBy.TAG) {
                    out.put("total_spend", SpendJson.usd(spend));
                    out.put("total_requests", requests);
                }
                var unpriced = out.putArray("unpriced_models");
                edge.gateway().unpriced().forEach(unpriced::add);
                return out;
            }, false);
        });
    }

    /**
     * {@code /spend/logs} (and LiteLLM's {@code /spend/logs/v2}: its {@code sort_by} / {@code sort_order} are accepted for
     * the one order served, newest first, and each row also carries LiteLLM's {@code api_key}, {@code user},
     * {@code team_id}, {@code model_group} and {@code metadata.user_api_key_alias}).
     */
    private Future<ObjectNode> spendLogs(HttpServerRequest q, boolean v2) {
        onlyParams(q, v2 ? LOG_PARAMS_V2 : LOG_PARAMS);
        if (v2) newestFirstOnly(q);
        SpendQuery spendQuery = query(q).withTagsAndCost(userAndTeamTags(q), nanos(q, "min_spend"), nanos(q, "max_spend"));
        int page = intParam(q, "page", 1);
        int size = intParam(q, "page_size", 50);
        boolean includeLog = boolParam(q, "include_log");
        if (page < 1) throw GatewayException.badRequest("'page' must be 1 or more.", "page");
        if (size < 1 || size > 1000) throw GatewayException.badRequest("'page_size' must be between 1 and 1000.", "page_size");
        return vertx.executeBlocking(() -> {
            SpendQuery query = narrowed(spendQuery, q);
            SpendReports.Page p = edge.gateway().spend().logs(query, page, size);
            ObjectNode out = SpendJson.JSON.createObjectNode();
            var data = out.putArray("data");
            Map<String, String> tokens = new java.util.HashMap<>();
            p.rows().forEach(r -> {
                ObjectNode row = SpendJson.row(r);
                if (v2) SpendJson.addLiteLlmFields(row, r, tokens.computeIfAbsent(r.keyId(), edge.gateway().keys()::token));
                if (includeLog && r.attempt() == 0) {
                    var entry = edge.gateway().requestLog(r.requestId());
                    if (entry == null) row.putNull("request_log");
                    else row.set("request_log", ObserveRoutes.json(entry));
                }
                data.add(row);
            });
            out.put("total", p.total());
            out.put("page", p.page());
            out.put("page_size", p.pageSize());
            out.put("total_pages", (p.total() + p.pageSize() - 1) / p.pageSize());
            return out;
        }, false);
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
     * The response cache: {@code GET /cache/ping} (LiteLLM's), {@code DELETE /cache} (everything),
     * {@code DELETE /cache/namespaces/{ns}}, {@code DELETE /cache/entries/{id}} (the id is the answer's
     * {@code x-switchboard-cache-entry}), and LiteLLM's {@code POST /cache/delete {"keys": [...]}} and
     * {@code POST /cache/flushall}.
     */
    /**
     * LiteLLM's {@code GET /model/info} (also under {@code /v1}): every deployment as {@code {model_name, litellm_params,
     * model_info}}, its key never shown, {@code model_info} with the price and limits the gateway charges and reserves with
     * besides the config's own fields; {@code ?litellm_model_id=} picks one by its id.
     */
    private void mountModelInfo(Router router) {
        for (String path : new String[] {"/model/info", "/v1/model/info"}) {
            get(router, path, rc -> {
                String only = rc.request().getParam("litellm_model_id");
                ObjectNode out = SpendJson.JSON.createObjectNode();
                var data = out.putArray("data");
                for (dev.switchboard.pipeline.DeploymentInfo d : edge.gateway().deploymentInfo()) {
                    ObjectNode entry = ModelInfoJson.entry(d);
                    if (only == null || only.equals(entry.path("model_info").path("id").asText())) data.add(entry);
                }
                return Future.succeededFuture(out);
            });
        }
    }

    /**
     * LiteLLM's {@code GET /health}: a real call to each deployment ({@link dev.switchboard.pipeline.HealthChecks}), or the
     * background checks' latest results, as {@code {healthy_endpoints, unhealthy_endpoints, healthy_count,
     * unhealthy_count}}; each endpoint {@code {model, model_name, model_id, api_base, latency_ms, checked_at}} and, when
     * unhealthy, {@code error}; with {@code health_check_details: false} only {@code model}. {@code ?model=} checks one
     * model_name, {@code ?model_id=} one deployment.
     */
    private void mountHealth(Router router) {
        get(router, "/health", rc -> {
            String model = rc.request().getParam("model");
            String modelId = rc.request().getParam("model_id");
            boolean details = edge.gateway().health().settings().details();
            return edge.gateway().health().results(model, modelId).map(results -> {
                ObjectNode out = SpendJson.JSON.createObjectNode();
                var healthy = out.putArray("healthy_endpoints");
                var unhealthy = out.putArray("unhealthy_endpoints");
                for (dev.switchboard.pipeline.HealthChecks.Result r : results) {
                    ObjectNode e = (r.healthy() ? healthy : unhealthy).addObject();
                    e.put("model", r.id());
                    if (!details) continue;
                    e.put("model_name", r.alias());
                    if (r.modelId() != null) e.put("model_id", r.modelId());
                    if (r.apiBase() != null) e.put("api_base", ModelInfoJson.withoutSecrets(r.apiBase()));
                    e.put("latency_ms", r.latencyMs());
                    e.put("checked_at", java.time.Instant.ofEpochMilli(r.checkedAt()).toString());
                    if (r.error() != null) e.put("error", r.error());
                }
                out.put("healthy_count", healthy.size());
                out.put("unhealthy_count", unhealthy.size());
                return out;
            });
        });
    }

    /**
     * LiteLLM's {@code GET /provider/budgets}: each provider's budget ({@code provider_budget_config}) as
     * {@code {"providers": {"openai": {"budget_limit", "time_period", "spend", "budget_reset_at"}}}}, and Switchboard's
     * {@code deployments} beside it (each {@code litellm_params.max_budget}), in the same shape.
     */
    private void mountBudgets(Router router) {
        get(router, "/provider/budgets", rc -> {
            ObjectNode out = SpendJson.JSON.createObjectNode();
            ObjectNode providers = out.putObject("providers");
            ObjectNode deployments = out.putObject("deployments");
            for (dev.switchboard.pipeline.BudgetState b : edge.gateway().budgets()) {
                ObjectNode e = (b.kind().equals("provider") ? providers : deployments).putObject(b.name());
                e.put("budget_limit", dev.switchboard.pipeline.BudgetState.usd(b.limitNanos()));
                if (b.period() == null) e.putNull("time_period");
                else e.put("time_period", b.period());
                e.put("spend", dev.switchboard.pipeline.BudgetState.usd(b.spentNanos()));
                if (b.resetsAt() == null) e.putNull("budget_reset_at");
                else e.put("budget_reset_at", java.time.Instant.ofEpochMilli(b.resetsAt()).toString());
            }
            return Future.succeededFuture(out);
        });
    }

    private void mountCache(Router router) {
        get(router, "/cache/ping", rc -> edge.gateway().cacheAdmin().status());
        router.delete("/cache").handler(rc -> admin(rc, false, (c, b) -> deleted(edge.gateway().cacheAdmin().clear())));
        router.deleteWithRegex("/cache/namespaces/(?<ns>.+)").handler(rc -> admin(rc, false,
                (c, b) -> deleted(edge.gateway().cacheAdmin().deleteNamespace(rc.pathParam("ns")))));
        router.deleteWithRegex("/cache/entries/(?<id>[0-9a-f]{64})").handler(rc -> admin(rc, false,
                (c, b) -> deleted(edge.gateway().cacheAdmin().deleteEntry(rc.pathParam("id")))));
        post(router, "/cache/flushall", (c, b) -> deleted(edge.gateway().cacheAdmin().clear()));
        post(router, "/cache/delete", (c, b) -> {
            if (!(b.get("keys") instanceof com.fasterxml.jackson.databind.node.ArrayNode keys) || keys.isEmpty()) {
                throw GatewayException.badRequest("Send 'keys': the entry ids to delete (x-switchboard-cache-entry).", "keys");
            }
            Future<Integer> all = Future.succeededFuture(0);
            for (JsonNode k : keys) {
                if (!k.isTextual()) throw GatewayException.badRequest("'keys' must list entry ids (strings).", "keys");
                all = all.compose(n -> edge.gateway().cacheAdmin().deleteEntry(k.textValue()).map(m -> n + m));
            }
            return deleted(all);
        });
    }

    /** LiteLLM's customer (end user) API, under both of its spellings: {@code /customer/*} and {@code /end_user/*}. */
    private void mountCustomers(Router router) {
        for (String base : List.of("/customer", "/end_user")) {
            post(router, base + "/new", (c, b) -> edge.gateway().customers().create(b));
            post(router, base + "/update", (c, b) -> edge.gateway().customers().update(b));
            post(router, base + "/delete", (c, b) -> edge.gateway().customers().delete(b));
            post(router, base + "/block", (c, b) -> edge.gateway().customers().block(b, true));
            post(router, base + "/unblock", (c, b) -> edge.gateway().customers().block(b, false));
            get(router, base + "/info", rc -> {
                onlyParams(rc.request(), Set.of("end_user_id"));
                return edge.gateway().customers().info(rc.request().getParam("end_user_id"));
            });
            get(router, base + "/list", rc -> {
                onlyParams(rc.request(), Set.of());
                return edge.gateway().customers().list();
            });
        }
    }

    /** LiteLLM's team API: a team's budget, model list and block, over its keys and JWT callers. */
    private void mountTeams(Router router) {
        post(router, "/team/new", (c, b) -> edge.gateway().teams().create(b));
        post(router, "/team/update", (c, b) -> edge.gateway().teams().update(b));
        post(router, "/team/delete", (c, b) -> edge.gateway().teams().delete(b));
        post(router, "/team/block", (c, b) -> edge.gateway().teams().block(b, true));
        post(router, "/team/unblock", (c, b) -> edge.gateway().teams().block(b, false));
        post(router, "/team/member_add", (c, b) -> edge.gateway().teams().memberAdd(b));
        post(router, "/team/member_update", (c, b) -> edge.gateway().teams().memberUpdate(b));
        post(router, "/team/member_delete", (c, b) -> edge.gateway().teams().memberDelete(b));
        get(router, "/team/info", rc -> {
            onlyParams(rc.request(), Set.of("team_id"));
            return edge.gateway().teams().info(rc.request().getParam("team_id"));
        });
        get(router, "/v2/team/list", rc -> {
            HttpServerRequest q = rc.request();
            onlyParams(q, Set.of("user_id", "organization_id", "team_id", "team_alias", "sort_by", "sort_order", "page", "page_size"));
            int page = intParam(q, "page", 1);
            int size = intParam(q, "page_size", 10); // LiteLLM's default
            if (page < 1) throw GatewayException.badRequest("'page' must be 1 or more.", "page");
            if (size < 1 || size > 100) throw GatewayException.badRequest("'page_size' must be from 1 to 100.", "page_size");
            return edge.gateway().teams().page(q.getParam("user_id"), q.getParam("organization_id"), q.getParam("team_id"),
                    q.getParam("team_alias"), q.getParam("sort_by"), q.getParam("sort_order"), page, size);
        });
        get(router, "/team/list", rc -> {
            onlyParams(rc.request(), Set.of("user_id", "organization_id"));
            return edge.gateway().teams().list(rc.request().getParam("user_id"), rc.request().getParam("organization_id"));
        });
    }

    /** LiteLLM's internal-user API: a person's budget, model list and rate limits over their keys. */
    private void mountUsers(Router router) {
        post(router, "/user/new", (c, b) -> edge.gateway().users().create(b));
        post(router, "/user/update", (c, b) -> edge.gateway().users().update(b));
        post(router, "/user/delete", (c, b) -> edge.gateway().users().delete(b));
        get(router, "/user/info", rc -> {
            onlyParams(rc.request(), Set.of("user_id"));
            return edge.gateway().users().info(rc.request().getParam("user_id"));
        });
        get(router, "/user/list", rc -> {
            HttpServerRequest q = rc.request();
            onlyParams(q, Set.of("role", "user_ids", "user_email", "sort_by", "sort_order", "page", "page_size"));
            int page = intParam(q, "page", 1);
            int size = intParam(q, "page_size", 25);
            if (page < 1) throw GatewayException.badRequest("'page' must be 1 or more.", "page");
            if (size < 1 || size > 100) throw GatewayException.badRequest("'page_size' must be from 1 to 100.", "page_size");
            return edge.gateway().users().list(q.getParam("role"), q.getParam("user_ids"), q.getParam("user_email"),
                    q.getParam("sort_by"), q.getParam("sort_order"), page, size);
        });
    }

    private static Future<ObjectNode> deleted(Future<Integer> n) {
        return n.map(count -> SpendJson.JSON.createObjectNode().put("status", "success").put("deleted", count));
    }

    private void post(Router router, String path, BiFunction<Caller, ObjectNode, Future<? extends JsonNode>> op) {
        router.post(path).handler(rc -> admin(rc, true, op));
    }

    private void get(Router router, String path, Function<RoutingContext, Future<? extends JsonNode>> op) {
        router.get(path).handler(rc -> admin(rc, false, (caller, body) -> op.apply(rc)));
    }

    /** Request id, the master key, the JSON body (POST), then the operation; every failure in OpenAI's error shape. */
    private void admin(RoutingContext rc, boolean hasBody, BiFunction<Caller, ObjectNode, Future<? extends JsonNode>> op) {
        HttpServerResponse resp = rc.response();
        if (!hasBody) {
            call.identify(resp);
            try {
                Caller caller = requireAdmin(rc.request());
                readableQuery(rc.request());
                op.apply(caller, null).onComplete(ar -> {
                    if (ar.succeeded()) answer(resp, ar.result());
                    else call.fail(resp, ar.cause());
                });
            } catch (Throwable t) {
                call.fail(resp, t);
            }
            return;
        }
        call.begin(rc.request(), (ctx, body) -> {
            if (!ctx.caller().admin()) throw notAdmin();
            op.apply(ctx.caller(), object(body)).onComplete(ar -> {
                if (ar.succeeded()) answer(resp, ar.result());
                else call.fail(resp, ar.cause());
            });
        });
    }

    private Caller requireAdmin(HttpServerRequest req) {
        Caller caller = edge.gateway().authenticator().authenticate(EdgeContext.presentedKey(req));
        if (!caller.admin()) throw notAdmin();
        return caller;
    }

    private static GatewayException notAdmin() {
        return new GatewayException(ErrorKind.PERMISSION, 403, "This route needs the master key; a virtual key cannot "
                + "manage keys or read spend (it may ask /key/info about itself).", null, "admin_only", null, null);
    }

    private static void answer(HttpServerResponse resp, JsonNode body) {
        if (resp.closed()) return;
        try {
            resp.putHeader("content-type", "application/json").end(Buffer.buffer(WRITER.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode object(Buffer body) {
        JsonNode n;
        try {
            n = JsonBody.read(body.getBytes());
        } catch (JsonProcessingException e) {
            throw GatewayException.badRequest("We could not parse the JSON body: " + JsonSyntax.describe(e) + ".", null);
        } catch (IOException e) {
            throw GatewayException.badRequest("We could not read the body of your request.", null);
        }
        if (n == null || n.isMissingNode()) return SpendJson.JSON.createObjectNode();
        if (!(n instanceof ObjectNode o)) throw GatewayException.badRequest("The request body must be a JSON object.", null);
        return o;
    }

    /** A query string with a bad %-escape is the client's mistake: a 400 naming it, not the decoder's exception (a 500). */
    private static void readableQuery(HttpServerRequest q) {
        try {
            q.params();
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest("The query string cannot be read: " + dev.switchboard.model.LogSafe.text(
                    String.valueOf(e.getMessage())) + ". Escape '%' as %25.", null);
        }
    }

    private static void onlyParams(HttpServerRequest q, Set<String> known) {
        for (String name : q.params().names()) {
            if (!known.contains(name)) {
                throw GatewayException.badRequest("Unknown query parameter '" + name + "'. Known: " + new java.util.TreeSet<>(known) + ".", name);
            }
        }
    }

    private SpendQuery query(HttpServerRequest q) {
        String key = q.getParam("key") != null ? q.getParam("key") : q.getParam("api_key");
        TimeRange range = TimeRange.parse(q.getParam("start_date"), q.getParam("end_date"), q.getParam("since"),
                System.currentTimeMillis());
        return new SpendQuery(key == null ? null : edge.gateway().keys().keyId(key), q.getParam("key_alias"), q.getParam("tag"),
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
                    + "(LiteLLM's customer) or team, found '" + v + "'.", "group_by");
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new java.util.HashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }

    private static int intParam(HttpServerRequest q, String name, int dflt) {
        String v = q.getParam(name);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("'" + name + "' must be a whole number, found '" + v + "'.", name);
        }
    }

    private static boolean boolParam(HttpServerRequest q, String name) {
        String v = q.getParam(name);
        if (v == null) return false;
        if (v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        throw GatewayException.badRequest("'" + name + "' must be true or false, found '" + v + "'.", name);
    }
}
