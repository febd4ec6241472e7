package dev.switchboard.provider.vertex;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.EmbeddingProvider;
import dev.switchboard.provider.Provider;
import io.vertx.core.Future;

/**
 * A Google-published model on Vertex: chat goes through the Gemini translation, embeddings through {@code :predict}.
 * Which one a deployment is (gemini-2.5-flash or text-embedding-005) is the caller's to know, as with OpenAI's models;
 * the wrong kind gets Vertex's own 400 or 404.
 */
final class VertexGoogleModel implements Provider, EmbeddingProvider {
    private final Provider gemini;
    private final VertexEmbeddings embeddings;

    VertexGoogleModel(Provider gemini, VertexEmbeddings embeddings) {
        this.gemini = gemini;
        this.embeddings = embeddings;
    }

    @Override
    public Future<ChatResponse> chat(ChatRequest request, CallOptions options) { return gemini.chat(request, options); }

    @Override
    public Future<ChatStream> stream(ChatRequest request, CallOptions options) { return gemini.stream(request, options); }

    @Override
    public Future<EmbeddingResponse> embed(EmbeddingRequest request, CallOptions options) { return embeddings.embed(request, options); }

    @Override
    public Integer outputLimitWhenUnset() { return gemini.outputLimitWhenUnset(); }

    @Override
    public java.util.Set<String> unsupportedParams() { return gemini.unsupportedParams(); }

    @Override
    public java.util.List<dev.switchboard.provider.ParamConflict> conflicts(dev.switchboard.model.ChatRequest r) { return gemini.conflicts(r); }

    @Override
    public boolean limitsToolNames() { return true; }

    @Override
    public boolean dropsThinking(ChatRequest r) { return gemini.dropsThinking(r); }
}
