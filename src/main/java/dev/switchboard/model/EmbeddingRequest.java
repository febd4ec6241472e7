package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * An embeddings request; {@code input} is a string, a list of strings or a list of token arrays, as sent.
 * {@code metadata} is LiteLLM's (its {@code tags} are the call's tags; text values, anything else as its JSON): it is the
 * gateway's, never sent upstream, as OpenAI's embeddings endpoint has no such field.
 */
public record EmbeddingRequest(String model, JsonNode input, String encodingFormat, Integer dimensions,
                               String user, Map<String, String> metadata, Map<String, JsonNode> extra) {
    public EmbeddingRequest {
        metadata = metadata == null ? Map.of() : metadata;
        extra = extra == null ? Map.of() : extra;
    }

    /** A request without metadata. */
    public EmbeddingRequest(String model, JsonNode input, String encodingFormat, Integer dimensions, String user,
                            Map<String, JsonNode> extra) {
        this(model, input, encodingFormat, dimensions, user, Map.of(), extra);
    }

    /** The same request for another model (a virtual key's alias). */
    public EmbeddingRequest withModel(String newModel) {
        return new EmbeddingRequest(newModel, input, encodingFormat, dimensions, user, metadata, extra);
    }

    /** The same request with other {@code extra} fields (the router strips its own controls from them). */
    public EmbeddingRequest withExtra(Map<String, JsonNode> newExtra) {
        return new EmbeddingRequest(model, input, encodingFormat, dimensions, user, metadata, newExtra);
    }
}
