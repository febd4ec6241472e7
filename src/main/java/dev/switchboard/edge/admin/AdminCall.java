package dev.switchboard.edge.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;

/**
 * What every route of the admin API does around its own work: a request id, the caller's key (the master key, or for
 * the few routes LiteLLM opens to any key, any valid key), the JSON body of a POST, and the answer or its failure in
 * OpenAI's error shape, as LiteLLM answers, and the worker its blocking reads run on. One place for it, so the key,
 * spend and model-info routes cannot differ in how they authenticate, fail or wait for the store.
 */
record AdminCall(Vertx vertx, EdgeContext edge, DialectCall call) {
    private static final ObjectWriter WRITER = SpendJson.JSON.writer().with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    /** Who may call a route: the master key only, or any valid key (the operation then decides what it may see). */
    enum Access { MASTER_KEY, ANY_KEY }

    /**
     * A read that blocks (the ledger, the key store) on a worker thread, never on the event loop. Unordered: the reads
     * of the requests one event loop takes run side by side on the worker pool, not one after another, so a slow report
     * does not hold up the next caller's key lookup.
     */
    <T extends JsonNode> Future<T> blocking(Callable<T> read) {
        return vertx.executeBlocking(read, false);
    }

    /** A GET for the master key: {@code op} gets the routing context; its future's JSON is the answer. */
    void get(Router router, String path, java.util.function.Function<RoutingContext, Future<? extends JsonNode>> op) {
        router.get(path).handler(rc -> handle(rc, false, Access.MASTER_KEY, (caller, body) -> op.apply(rc)));
    }

    /** A GET any valid key may call: {@code op} gets the caller too, and shows a virtual key only what is its own. */
    void getByAnyKey(Router router, String path, BiFunction<RoutingContext, Caller, Future<? extends JsonNode>> op) {
        router.get(path).handler(rc -> handle(rc, false, Access.ANY_KEY, (caller, body) -> op.apply(rc, caller)));
    }

    /** A POST with a JSON object body, for the master key. */
    void post(Router router, String path, BiFunction<Caller, ObjectNode, Future<? extends JsonNode>> op) {
        router.post(path).handler(rc -> handle(rc, true, Access.MASTER_KEY, op));
    }

    /** A POST with a JSON object body that any valid key may call (the operation limits a virtual key to itself). */
    void postByAnyKey(Router router, String path, BiFunction<Caller, ObjectNode, Future<? extends JsonNode>> op) {
        router.post(path).handler(rc -> handle(rc, true, Access.ANY_KEY, op));
    }

    /** Request id, the key, the JSON body (POST), then the operation; every failure in OpenAI's error shape. */
    void handle(RoutingContext rc, boolean hasBody, Access access, BiFunction<Caller, ObjectNode, Future<? extends JsonNode>> op) {
        HttpServerResponse resp = rc.response();
        if (!hasBody) {
            call.identify(resp);
            // as a POST's (DialectCall.begin): a key another gateway made since this one's last key sync is looked up in
            // the store first, so a new key's /key/info about itself answers at once on every gateway
            edge.authenticateCall(rc.request()).onComplete(authenticated -> {
                rc.request().resume(); // paused by a look-up: a GET has no body to wait for
                if (resp.closed()) return;
                try {
                    if (authenticated.failed()) throw authenticated.cause();
                    Caller caller = authenticated.result();
                    if (access == Access.MASTER_KEY && !caller.admin()) throw notAdmin();
                    readableQuery(rc.request());
                    op.apply(caller, null).onComplete(ar -> {
                        if (ar.succeeded()) answer(resp, ar.result());
                        else call.fail(resp, ar.cause());
                    });
                } catch (Throwable t) {
                    call.fail(resp, t);
                }
            });
            return;
        }
        call.begin(rc.request(), (ctx, body) -> {
            if (access == Access.MASTER_KEY && !ctx.caller().admin()) throw notAdmin();
            op.apply(ctx.caller(), object(body)).onComplete(ar -> {
                if (ar.succeeded()) answer(resp, ar.result());
                else call.fail(resp, ar.cause());
            });
        });
    }

    static GatewayException notAdmin() {
        return new GatewayException(ErrorKind.PERMISSION, 403, "This route needs the master key; a virtual key cannot "
                + "manage keys or read spend (it may ask /key/info, /v2/key/info and /key/health about itself, and read "
                + "/model/info, /model_group/info, its own user's /user/daily/activity and /tag/daily/activity, and its teams' "
                + "/team/daily/activity).", null, "admin_only", null, null);
    }

    static void answer(HttpServerResponse resp, JsonNode body) {
        if (resp.closed()) return;
        try {
            resp.putHeader("content-type", "application/json").end(Buffer.buffer(WRITER.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode object(Buffer body) {
        JsonNode n;
        try {
            n = JsonBody.readNoDuplicateKeys(body.getBytes()); // a budget given twice is refused, not the last taken
        } catch (JsonProcessingException e) {
            throw GatewayException.badRequest("We could not parse the JSON body: " + JsonSyntax.describe(e) + ".", null);
        } catch (IOException e) {
            throw GatewayException.badRequest("We could not read the body of your request.", null);
        }
        if (n == null || n.isMissingNode()) return SpendJson.JSON.createObjectNode();
        if (!(n instanceof ObjectNode o)) throw GatewayException.badRequest("The request body must be a JSON object.", null);
        return o;
    }

    /** {@link QueryParams#readable}. */
    static void readableQuery(HttpServerRequest q) { QueryParams.readable(q); }

    static void onlyParams(HttpServerRequest q, Set<String> known) { QueryParams.only(q, known); }

    static int intParam(HttpServerRequest q, String name, int dflt) {
        String v = q.getParam(name);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("'" + name + "' must be a whole number, found '" + v + "'.", name);
        }
    }

    /** A true/false parameter, or {@code dflt} when absent. */
    static boolean boolParam(HttpServerRequest q, String name, boolean dflt) {
        String v = q.getParam(name);
        if (v == null) return dflt;
        if (v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        throw GatewayException.badRequest("'" + name + "' must be true or false, found '" + v + "'.", name);
    }

    static boolean boolParam(HttpServerRequest q, String name) { return boolParam(q, name, false); }
}
