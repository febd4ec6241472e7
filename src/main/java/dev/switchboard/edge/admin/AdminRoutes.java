package dev.switchboard.edge.admin;

import static dev.switchboard.edge.admin.AdminCall.boolParam;
import static dev.switchboard.edge.admin.AdminCall.intParam;
import static dev.switchboard.edge.admin.AdminCall.onlyParams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.DialectCall;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * LiteLLM's admin API: the key, customer, team and user APIs, the response cache, model health and budgets here, for
 * the master key only; the spend routes ({@link SpendRoutes}), the model-info routes ({@link ModelInfoRoutes}) and
 * the key lookups ({@link KeyInfoRoutes}) beside it, each a record of the two things its routes use (the edge's
 * context and the {@link AdminCall} they share). Errors use OpenAI's shape, as LiteLLM's do ({@link AdminCall}).
 * Database work runs on worker threads, never on the event loop ({@link AdminCall#blocking}).
 */
public final class AdminRoutes {
    private final EdgeContext edge;
    private final AdminCall calls;

    /** @param call the OpenAI dialect's call helper (request ids, auth, body limit, OpenAI-shaped errors) */
    public AdminRoutes(Vertx vertx, EdgeContext edge, DialectCall call) {
        this.edge = edge;
        this.calls = new AdminCall(vertx, edge, call);
    }

    public void mount(Router router) {
        new ModelInfoRoutes(edge, calls).mount(router);
        new SpendRoutes(edge, calls).mount(router);
        new KeyInfoRoutes(edge, calls).mount(router);
        new DailyActivityRoutes(edge, calls).mount(router);
        new EntityActivityRoutes(edge, calls).mount(router);
        mountBudgets(router);
        mountHealth(router);
        post(router, "/key/generate", (caller, body) -> edge.gateway().keys().generate(body));
        post(router, "/key/update", (caller, body) -> edge.gateway().keys().update(body));
        post(router, "/key/delete", (caller, body) -> edge.gateway().keys().delete(body));
        post(router, "/key/block", (caller, body) -> edge.gateway().keys().block(body, true));
        post(router, "/key/unblock", (caller, body) -> edge.gateway().keys().block(body, false));
        post(router, "/key/regenerate", (caller, body) -> edge.gateway().keys().regenerate(body));
        // LiteLLM's other spelling: POST /key/{key}/regenerate
        // named by its regex, so that the browser guard's JSON-only rule finds it (EdgeRouter.PostRoutes)
        String regenerate = "/key/(?<ref>[^/]+)/regenerate";
        router.postWithRegex(regenerate).setName(regenerate).handler(rc -> admin(rc, true, (caller, body) -> {
            // a null key names nothing (LiteLLM's clients send unused fields as null); another key would be ambiguous
            if (body.hasNonNull("key")) throw GatewayException.badRequest("The key is in the path; leave 'key' out of the body.", "key");
            body.put("key", rc.pathParam("ref"));
            return edge.gateway().keys().regenerate(body);
        }));
        mountCache(router);
        mountCustomers(router);
        mountTeams(router);
        mountUsers(router);
        get(router, "/key/list", rc -> {
            // LiteLLM's list_keys parameters, each applied as LiteLLM applies it (KeyListQuery)
            onlyParams(rc.request(), dev.switchboard.govern.KeyListQuery.PARAMS);
            var query = dev.switchboard.govern.KeyListQuery.parse(rc.request().params()::getAll);
            // whole keys carry their spend, read from the ledger: not on the event loop
            return calls.blocking(() -> edge.gateway().keys().list(query));
        });
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

    /**
     * The response cache: {@code GET /cache/ping} (LiteLLM's), {@code DELETE /cache} (everything),
     * {@code DELETE /cache/namespaces/{ns}}, {@code DELETE /cache/entries/{id}} (the id is the answer's
     * {@code x-switchboard-cache-entry}), and LiteLLM's {@code POST /cache/delete {"keys": [...]}} and
     * {@code POST /cache/flushall}.
     */
    private void mountCache(Router router) {
        // LiteLLM's cache_ping answers 503 when the store does not answer the ping (caching_routes.py): health probes and
        // uptime checks read the status code, and a 200 told them an unreachable Redis was healthy (QA F3)
        get(router, "/cache/ping", rc -> edge.gateway().cacheAdmin().status().onSuccess(o -> {
            if (!o.path("ping_response").asBoolean()) rc.response().setStatusCode(503);
        }));
        router.delete("/cache").handler(rc -> admin(rc, false, (c, b) -> deleted(edge.gateway().cacheAdmin().clear())));
        router.deleteWithRegex("/cache/namespaces/(?<ns>.+)").handler(rc -> admin(rc, false,
                (c, b) -> deleted(edge.gateway().cacheAdmin().deleteNamespace(rc.pathParam("ns")))));
        // QA (2026-12-07): an id that is not one (a typo, a cut-off copy) matched no route and was a 404 "Invalid URL",
        // as if the route did not exist, and the id in capitals was one too: now the id is read case-blind and
        // anything else is a 400 saying what an id is
        router.deleteWithRegex("/cache/entries/(?<id>[^/]+)").handler(rc -> admin(rc, false,
                (c, b) -> deleted(edge.gateway().cacheAdmin().deleteEntry(entryId(rc.pathParam("id"), "id")))));
        post(router, "/cache/flushall", (c, b) -> deleted(edge.gateway().cacheAdmin().clear()));
        post(router, "/cache/delete", (c, b) -> {
            if (!(b.get("keys") instanceof com.fasterxml.jackson.databind.node.ArrayNode keys) || keys.isEmpty()) {
                throw GatewayException.badRequest("Send 'keys': the entry ids to delete (x-switchboard-cache-entry).", "keys");
            }
            // read as the DELETE route reads its id (review, 2026-12-07: an id in capitals deleted nothing and a non-id
            // answered "deleted": 0), every key checked before any is deleted
            List<String> ids = new java.util.ArrayList<>();
            for (JsonNode k : keys) {
                if (!k.isTextual()) throw GatewayException.badRequest("'keys' must list entry ids (strings).", "keys");
                ids.add(entryId(k.textValue(), "keys"));
            }
            Future<Integer> all = Future.succeededFuture(0);
            for (String id : ids) all = all.compose(n -> edge.gateway().cacheAdmin().deleteEntry(id).map(m -> n + m));
            return deleted(all);
        });
    }

    /** A {@code DELETE /cache/entries/{id}} id: 64 hexadecimal characters (x-switchboard-cache-entry), any case. */
    private static String entryId(String id, String param) {
        String lower = id.toLowerCase(java.util.Locale.ROOT);
        if (!lower.matches("[0-9a-f]{64}")) {
            String shown = id.length() > 80 ? id.substring(0, 80) + "…" : id;
            throw GatewayException.badRequest("'" + shown + "' is not a cache entry id: an id is the 64 hexadecimal characters of a "
                    + "hit's x-switchboard-cache-entry header.", param);
        }
        return lower;
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
        calls.post(router, path, op);
    }

    private void get(Router router, String path, Function<RoutingContext, Future<? extends JsonNode>> op) {
        calls.get(router, path, op);
    }

    /** A route with its own path pattern or method, for the master key. */
    private void admin(RoutingContext rc, boolean hasBody, BiFunction<Caller, ObjectNode, Future<? extends JsonNode>> op) {
        calls.handle(rc, hasBody, AdminCall.Access.MASTER_KEY, op);
    }
}
