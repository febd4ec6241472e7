package dev.switchboard.pipeline;

import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import io.vertx.core.Future;

/**
 * A virtual key's own model aliases (LiteLLM's per-key {@code aliases}): the request's {@code model} becomes the model
 * the key maps it to, before any other stage reads it — so the allowlist, the budget's worst case, the cache's key,
 * routing, the ledger and the trace all see the model the call really goes to, as in LiteLLM, where the rewrite comes
 * before the pre-call hooks. The outermost stage; a key without aliases costs one empty-map check.
 */
final class KeyAliasStage implements Stage {
    @Override
    public ChatHandler wrap(ChatHandler next) {
        return new ChatHandler() {
            @Override
            public Future<Answer<ChatResponse>> chat(CallContext ctx, ChatRequest request) {
                return next.chat(ctx, aliased(ctx, request));
            }

            @Override
            public Future<Answer<ChatStream>> stream(CallContext ctx, ChatRequest request) {
                return next.stream(ctx, aliased(ctx, request));
            }
        };
    }

    static ChatRequest aliased(CallContext ctx, ChatRequest request) {
        String to = ctx.caller().modelFor(request.model());
        return to == request.model() ? request : request.withModel(to);
    }
}
