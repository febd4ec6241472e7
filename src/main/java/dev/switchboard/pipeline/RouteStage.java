package dev.switchboard.pipeline;

import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.route.ModelRouter;
import io.vertx.core.Future;

/** The innermost handler: hands the request to the router, which calls a provider. */
final class RouteStage implements ChatHandler {
    private final ModelRouter router;

    RouteStage(ModelRouter router) { this.router = router; }

    @Override
    public Future<Answer<ChatResponse>> chat(CallContext ctx, ChatRequest request) {
        return router.chat(ctx, request);
    }

    @Override
    public Future<Answer<ChatStream>> stream(CallContext ctx, ChatRequest request) {
        return router.stream(ctx, request);
    }
}
