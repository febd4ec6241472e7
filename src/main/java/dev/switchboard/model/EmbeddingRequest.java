package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** An embeddings request; {@code input} is a string, a list of strings or a list of token arrays, as sent. */
public record EmbeddingRequest(String model, JsonNode input, String encodingFormat, Integer dimensions,
                               String user, Map<String, JsonNode> extra) {
    public EmbeddingRequest {
        extra = extra == null ? Map.of() : extra;
    }

    /** The same request for another model (a virtual key's alias). */
    public EmbeddingRequest withModel(String newModel) {
        return new EmbeddingRequest(newModel, input, encodingFormat, dimensions, user, extra);
    }

    /** The same request with other {@code extra} fields (the router strips its own controls from them). */
    public EmbeddingRequest withExtra(Map<String, JsonNode> newExtra) {
        return new EmbeddingRequest(model, input, encodingFormat, dimensions, user, newExtra);
    }
}
