package dev.switchboard.pipeline;

import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import io.vertx.core.Future;

/**
 * DESIGN's govern and account steps as one stage, because the budget settles with the cost accounting computes:
 * before the call, a model nobody serves refused (404, before the allowlist could say 403), the governance check in
 * memory (allowlist, rate limits, the worst case reserved against the budgets) or the refusal in the caller's dialect; after it, the real cost priced on the deployment that served,
 * the reservation settled to it, the ledger row queued, and the cost on the answer.
 */
final class SpendStage implements Stage {
    private final Metering metering;

    SpendStage(Metering metering) { this.metering = metering; }

    @Override
    public ChatHandler wrap(ChatHandler next) {
        return new ChatHandler() {
            @Override
            public Future<Answer<ChatResponse>> chat(CallContext ctx, ChatRequest request) {
                return MeteredCall.around(() -> {
                    metering.requireServed(ctx, request.model());
                    return metering.begin(ctx, request, "chat");
                }, () -> next.chat(ctx, request),
                        MeteredCall.Served::new);
            }

            @Override
            public Future<Answer<ChatStream>> stream(CallContext ctx, ChatRequest request) {
                return MeteredCall.around(() -> {
                    metering.requireServed(ctx, request.model());
                    return metering.begin(ctx, request, "stream");
                }, () -> next.stream(ctx, request),
                        MeteredCall.Streamed::new);
            }
        };
    }
}
