package dev.switchboard.provider;

import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import io.vertx.core.Future;

/** A provider that can also embed text. */
public interface EmbeddingProvider {
    Future<EmbeddingResponse> embed(EmbeddingRequest request, CallOptions options);
}
