package dev.switchboard.edge;

import dev.switchboard.edge.admin.AdminRoutes;
import dev.switchboard.edge.anthropic.AnthropicRoutes;
import dev.switchboard.edge.openai.OpenAiRoutes;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * All routes of the server. A request no route takes is answered in its path's dialect: Anthropic's error
 * shape under {@code /v1/messages}, OpenAI's everywhere else; 404 for an unknown path, 405 with
 * {@code Allow} for a known path asked with the wrong method.
 */
final class EdgeRouter {
    private static final String ANTHROPIC_PREFIX = "/v1/messages";

    private EdgeRouter() {}

    static Router build(Vertx vertx, EdgeContext edge) {
        Router router = Router.router(vertx);
        router.get("/health/liveliness").handler(rc -> health(rc, edge, "\"I'm alive!\""));
        router.get("/health/liveness").handler(rc -> health(rc, edge, "\"I'm alive!\""));
        router.get("/health/readiness").handler(rc -> readiness(vertx, rc, edge));
        OpenAiRoutes openai = new OpenAiRoutes(edge);
        AnthropicRoutes anthropic = new AnthropicRoutes(edge);
        anthropic.mountModels(router); // before OpenAI's: it takes only callers that send anthropic-version
        openai.mount(router);
        new dev.switchboard.edge.responses.ResponsesRoutes(edge).mount(router);
        anthropic.mount(router);
        new AdminRoutes(vertx, edge, openai.call()).mount(router);
        // No catch-all route: vertx-web tells 404 (no path matched) from 405 (the path matched, the method did
        // not) only when no route takes the request, and hands each to its error handler.
        BiConsumer<RoutingContext, GatewayException> unrouted = (rc, e) -> {
            if (isAnthropicPath(rc.request().path())) anthropic.error(rc, e);
            else openai.error(rc, e);
        };
        router.errorHandler(404, rc -> unrouted.accept(rc, new GatewayException(ErrorKind.NOT_FOUND, 404,
                "Invalid URL (" + rc.request().method() + " " + rc.request().path() + ")", null, "unknown_url", null, null)));
        // A request vertx-web itself rejects before any route runs (e.g. an invalid %-escape in the path)
        router.errorHandler(400, rc -> unrouted.accept(rc, GatewayException.badRequest("Bad request: "
                + (rc.failure() == null || rc.failure().getMessage() == null ? "malformed request" : rc.failure().getMessage()), null)));
        router.errorHandler(405, rc -> {
            String allow = allowedMethods(router, rc.request().path());
            rc.response().putHeader("allow", allow);
            unrouted.accept(rc, new GatewayException(ErrorKind.BAD_REQUEST, 405,
                    "Method " + rc.request().method() + " is not allowed on " + rc.request().path() + ". Allowed: "
                            + allow + ".", null, "method_not_allowed", null, null));
        });
        return router;
    }

    /**
     * Readiness: the config's models and the store, which is asked on a worker thread (a query, at most a second). 503
     * when the store does not answer, so an orchestrator keeps traffic away from a gateway that cannot record spend.
     */
    private static void readiness(Vertx vertx, RoutingContext rc, EdgeContext edge) {
        vertx.executeBlocking(() -> edge.gateway().storeReady(), false).onComplete(ar -> {
            boolean up = ar.succeeded() && ar.result();
            String store = edge.gateway().storeDescription().replace("\\", "\\\\").replace("\"", "\\\"");
            rc.response().setStatusCode(up ? 200 : 503);
            health(rc, edge, "{\"status\":\"" + (up ? "healthy" : "unhealthy") + "\",\"models\":" + edge.gateway().aliases().size()
                    + ",\"db\":\"" + (up ? "connected" : "disconnected") + "\",\"store\":\"" + store + "\"}");
        });
    }

    /** Health answers carry a request id too, like every other answer (the README promises it). */
    private static void health(RoutingContext rc, EdgeContext edge, String body) {
        rc.response().putHeader(SwitchboardHeaders.REQUEST_ID, edge.requestIds().next())
                .putHeader("content-type", "application/json").end(body);
    }

    /** {@code /v1/messages} and below speak Anthropic's dialect, so their errors use its shape. */
    static boolean isAnthropicPath(String path) {
        return path.startsWith(ANTHROPIC_PREFIX)
                && (path.length() == ANTHROPIC_PREFIX.length() || path.charAt(ANTHROPIC_PREFIX.length()) == '/');
    }

    /**
     * The methods the router serves on a path, for the 405's {@code Allow} header. vertx-web computes the same
     * set but keeps it private, so the routes are read again; they are all exact paths, which vertx-web also
     * matches with a trailing slash. Runs only on a wrong method, never on the hot path.
     */
    static String allowedMethods(Router router, String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        TreeSet<String> methods = new TreeSet<>();
        router.getRoutes().forEach(r -> {
            if (p.equals(r.getPath())) r.methods().stream().map(HttpMethod::name).forEach(methods::add);
        });
        return String.join(", ", methods);
    }
}
