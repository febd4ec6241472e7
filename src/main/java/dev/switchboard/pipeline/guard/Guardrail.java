package dev.switchboard.pipeline.guard;

import dev.switchboard.config.GuardrailConfig;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import io.vertx.core.Future;

/**
 * One configured guardrail: LiteLLM's CustomGuardrail hooks, reduced to the two the gateway calls. Either completes
 * with what goes on (the request or the answer, rewritten where the guardrail rewrites) or fails with the block
 * ({@link Blocks}); a remote guardrail that cannot answer fails the request (fail closed, as LiteLLM's do).
 * Implementations never block the event loop.
 */
interface Guardrail {
    GuardrailConfig config();

    default String name() { return config().name(); }

    /** pre_call (may rewrite the request) and during_call (runs beside the provider call; a rewrite is ignored). */
    Future<ChatRequest> input(CallContext ctx, ChatRequest request, String mode);

    /** post_call: checks (or rewrites) the answer; {@code request} is what was sent. */
    Future<ChatResponse> output(CallContext ctx, ChatRequest request, ChatResponse answer);
}
