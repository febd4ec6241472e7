package dev.switchboard.provider;

import dev.switchboard.model.ChatRequest;
import io.vertx.core.Future;

/**
 * A provider that counts a request's prompt tokens itself (Anthropic's {@code POST /v1/messages/count_tokens}), so
 * that a client asking for the count gets the model's own number rather than the gateway's estimate.
 */
public interface TokenCounter {
    /**
     * The prompt tokens of {@code request} as the deployment's model counts them; completes with null when this
     * deployment cannot count (the caller then estimates), failed when the provider refused the request.
     */
    Future<Integer> countTokens(ChatRequest request, CallOptions options);
}
