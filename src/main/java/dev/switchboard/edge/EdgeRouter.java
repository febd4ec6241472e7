package dev.switchboard.edge;

import dev.switchboard.edge.anthropic.AnthropicRoutes;
import dev.switchboard.edge.openai.OpenAiRoutes;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** All routes of the server; unknown routes and methods answer in OpenAI's error shape. */
final class EdgeRouter {
    private EdgeRouter() {}

    static Router build(Vertx vertx, EdgeContext edge) {
        Router router = Router.router(vertx);
        router.get("/health/liveliness").handler(rc -> rc.response().putHeader("content-type", "application/json")
                .end("\"I'm alive!\""));
        router.get("/health/liveness").handler(rc -> rc.response().putHeader("content-type", "application/json")
                .end("\"I'm alive!\""));
        router.get("/health/readiness").handler(rc -> rc.response().putHeader("content-type", "application/json")
                .end("{\"status\":\"healthy\",\"models\":" + edge.gateway().aliases().size() + "}"));
        OpenAiRoutes openai = new OpenAiRoutes(edge);
        openai.mount(router);
        new AnthropicRoutes(edge).mount(router);
        router.route().last().handler(rc -> openai.error(rc, new GatewayException(ErrorKind.NOT_FOUND, 404,
                "Invalid URL (" + rc.request().method() + " " + rc.request().path() + ")", null, "unknown_url", null, null)));
        router.errorHandler(405, rc -> openai.error(rc, new GatewayException(ErrorKind.BAD_REQUEST, 405,
                "Method " + rc.request().method() + " is not allowed on " + rc.request().path() + ".", null,
                "method_not_allowed", null, null)));
        return router;
    }
}
