package dev.switchboard.edge.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.DialectCall;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.observe.RequestLogEntry;
import dev.switchboard.observe.RequestLogQuery;
import dev.switchboard.observe.RequestLogStore;
import dev.switchboard.pipeline.Gateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.time.Instant;
import java.util.Set;

/**
 * The observability routes: {@code GET /metrics} (Prometheus text; the master key when one is set),
 * {@code GET /logs/{request_id}} (one request's log row: the master key, or the virtual key that made the request) and
 * {@code GET /logs} (rows by filter; a virtual key sees only its own). Store reads run on worker threads; a virtual key
 * this gateway does not know yet is looked up in the store first, as on model calls.
 */
public final class ObserveRoutes {
    private static final Set<String> LOG_PARAMS = Set.of("key", "api_key", "key_alias", "trace_id", "session_id", "model",
            "status", "cache_status", "route", "tag", "start_date", "end_date", "since", "page", "page_size");

    private static final com.fasterxml.jackson.databind.ObjectWriter WRITER = SpendJson.JSON.writer()
            .with(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private final Vertx vertx;
    private final EdgeContext edge;
    private final DialectCall call;

    public ObserveRoutes(Vertx vertx, EdgeContext edge, DialectCall call) {
        this.vertx = vertx;
        this.edge = edge;
        this.call = call;
    }

    public void mount(Router router) {
        router.get("/metrics").handler(rc -> {
            HttpServerResponse resp = rc.response();
            call.identify(resp);
            try {
                Caller caller = edge.authenticate(rc.request());
                if (!caller.admin()) throw forbidden("/metrics needs the master key.");
                vertx.executeBlocking(() -> edge.gateway().metricsText(), false).onComplete(ar -> {
                    if (ar.failed()) call.fail(resp, ar.cause());
                    else if (!resp.closed()) resp.putHeader("content-type", Gateway.METRICS_CONTENT_TYPE).end(ar.result());
                });
            } catch (Throwable t) {
                call.fail(resp, t);
            }
        });
        router.get("/logs/:request_id").handler(rc -> {
            HttpServerResponse resp = rc.response();
            call.identify(resp);
            withCaller(rc, resp, caller -> {
                // it reads no query: a parameter (a filter meant for /logs, a second request_id) is a 400, not ignored
                QueryParams.only(rc.queryParams(), java.util.Set.of());
                String id = rc.pathParam("request_id");
                vertx.executeBlocking(() -> edge.gateway().requestLog(id), false).onComplete(ar -> {
                    if (ar.failed()) {
                        call.fail(resp, ar.cause());
                        return;
                    }
                    RequestLogEntry e = ar.result();
                    // Another key's request reads as absent: a key learns nothing about requests it did not make.
                    if (e == null || !caller.admin() && !caller.id().equals(e.keyId())) {
                        call.fail(resp, new GatewayException(ErrorKind.NOT_FOUND, 404, "No request log entry for request '" + id
                                + "'" + (caller.admin() ? " (the log keeps rows for its retention_days; a request that is still "
                                + "running has no row yet)." : " made with this key."), "request_id", "not_found", null, null));
                        return;
                    }
                    answer(resp, json(e));
                });
            });
        });
        router.get("/logs").handler(rc -> {
            HttpServerResponse resp = rc.response();
            call.identify(resp);
            withCaller(rc, resp, caller -> {
                HttpServerRequest q = rc.request();
                QueryParams.readable(q); // a bad %-escape: a 400, as on /spend/logs (it was the decoder's exception, a 500)
                QueryParams.only(q, LOG_PARAMS);
                int page = AdminCall.intParam(q, "page", 1);
                int size = AdminCall.intParam(q, "page_size", 50);
                if (page < 1) throw GatewayException.badRequest("'page' must be 1 or more.", "page");
                if (size < 1 || size > 1000) throw GatewayException.badRequest("'page_size' must be between 1 and 1000.", "page_size");
                vertx.executeBlocking(() -> {
                    RequestLogStore.Page p = edge.gateway().requestLogs(query(q, caller), page, size);
                    ObjectNode out = SpendJson.JSON.createObjectNode();
                    var data = out.putArray("data");
                    p.rows().forEach(r -> data.add(json(r)));
                    out.put("total", p.total());
                    out.put("page", p.page());
                    out.put("page_size", p.pageSize());
                    return out;
                }, false).onComplete(ar -> {
                    if (ar.failed()) call.fail(resp, ar.cause());
                    else answer(resp, ar.result());
                });
            });
        });
    }

    /** What a log route does once it knows the caller; a failure is the caller's error answer. */
    private interface WithCaller {
        void run(Caller caller) throws Exception;
    }

    /**
     * The caller of a log route, as a model call's ({@link EdgeContext#authenticateCall}): a key another gateway on the
     * database made since this one's last key sync is looked up in the store first, so a new key reads its own logs at
     * once on every gateway (it was refused 401 here until the sync). A key this gateway knows costs nothing more.
     */
    private void withCaller(io.vertx.ext.web.RoutingContext rc, HttpServerResponse resp, WithCaller then) {
        edge.authenticateCall(rc.request()).onComplete(authenticated -> {
            rc.request().resume(); // paused by a look-up: a GET has no body to wait for
            if (resp.closed()) return;
            try {
                if (authenticated.failed()) throw authenticated.cause();
                then.run(authenticated.result());
            } catch (Throwable t) {
                call.fail(resp, t);
            }
        });
    }

    /**
     * The filters; a virtual key's are pinned to itself. Blocking: a key named by a token no live key has is looked up
     * among the retired ones in the store ({@code KeyAdmin.spendKeyId}).
     */
    private RequestLogQuery query(HttpServerRequest q, Caller caller) {
        String key = q.getParam("key") != null ? q.getParam("key") : q.getParam("api_key");
        TimeRange range = TimeRange.parse(q.getParam("start_date"), q.getParam("end_date"), q.getParam("since"),
                System.currentTimeMillis());
        String status = q.getParam("status");
        if (status != null && !status.equals("ok") && !status.equals("error") && !status.matches("[1-5][0-9][0-9]")) {
            throw GatewayException.badRequest("'status' must be ok, error or an HTTP status such as 429, found '" + status + "'.",
                    "status");
        }
        String alias = q.getParam("key_alias");
        String keyId;
        if (caller.admin()) {
            keyId = key == null ? null : edge.gateway().keys().spendKeyId(key);
        } else {
            // a virtual key may name itself only, as on /key/info: another key's filter is refused, not dropped (its
            // answer would read as that key's rows); whether the other key exists is not said
            if (key != null && !key.isBlank() && !ownKey(key, caller)) throw forbidden("A virtual key may only ask about its own logs.", "key");
            if (alias != null && !alias.isBlank() && !alias.equals(caller.alias())) {
                throw forbidden("A virtual key may only ask about its own logs.", "key_alias");
            }
            keyId = caller.id();
            alias = null;
        }
        return new RequestLogQuery(keyId, alias, q.getParam("trace_id"), q.getParam("session_id"), q.getParam("model"), status,
                q.getParam("cache_status"), q.getParam("route"), q.getParam("tag"), range.fromMillis(), range.toMillis());
    }

    /** One row as the log routes (and {@code /spend/logs?include_log=true} and the dashboard's request view) show it. */
    public static ObjectNode json(RequestLogEntry e) {
        ObjectNode o = SpendJson.JSON.createObjectNode();
        o.put("request_id", e.requestId());
        o.put("startTime", Instant.ofEpochMilli(e.startedAt()).toString());
        o.put("endTime", Instant.ofEpochMilli(e.endedAt()).toString());
        o.put("key_id", e.keyId());
        o.put("key_alias", e.keyAlias());
        o.put("call_type", e.callType());
        o.put("model", e.requestedModel());
        o.put("deployment", e.deployment());
        o.put("model_id", e.modelId()); // the entry's model_info.id, LiteLLM's model_id ("" without one)
        o.put("route", e.route());
        o.put("tier", e.tier());
        o.put("cache_status", e.cacheStatus());
        o.put("status", e.status());
        o.put("error_type", e.errorType());
        o.put("error_message", e.errorMessage());
        o.put("prompt_tokens", e.promptTokens());
        o.put("completion_tokens", e.completionTokens());
        o.put("cached_tokens", e.cachedTokens());
        o.put("spend", SpendJson.usd(e.costNanos()));
        if (e.latencyMs() == null) o.putNull("latency_ms"); else o.put("latency_ms", e.latencyMs());
        if (e.ttftMs() == null) o.putNull("ttft_ms"); else o.put("ttft_ms", e.ttftMs());
        o.put("trace_id", e.traceId());
        o.put("span_id", e.spanId());
        o.put("session_id", e.sessionId());
        o.put("generation_name", e.generationName());
        var tags = o.putArray("request_tags");
        e.tags().forEach(tags::add);
        o.put("log_policy", e.logPolicy());
        o.put("prompt", e.prompt());
        o.put("completion", e.completion());
        return o;
    }

    /** Whether {@code ref} (a token, hash, id or alias) names the calling key; false for any other or unknown key. */
    private boolean ownKey(String ref, Caller caller) {
        if (ref.equals(caller.id())) return true;
        try {
            return caller.id().equals(edge.gateway().keys().spendKeyId(ref));
        } catch (GatewayException unknown) {
            return false;
        }
    }

    private static GatewayException forbidden(String message, String param) {
        return new GatewayException(ErrorKind.PERMISSION, 403, message, param, null, null, null);
    }

    private static GatewayException forbidden(String message) {
        return new GatewayException(ErrorKind.PERMISSION, 403, message, null, "admin_only", null, null);
    }

    private static void answer(HttpServerResponse resp, ObjectNode body) {
        if (resp.closed()) return;
        try {
            resp.putHeader("content-type", "application/json").end(Buffer.buffer(WRITER.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
