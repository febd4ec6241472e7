package dev.switchboard.pipeline;

import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import io.vertx.core.Future;

/** Serves one canonical chat request, streamed or not. Each pipeline stage is one of these wrapping the next. */
public interface ChatHandler {
    Future<Answer<ChatResponse>> chat(CallContext ctx, ChatRequest request);

    Future<Answer<ChatStream>> stream(CallContext ctx, ChatRequest request);
}
