package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Embedding vectors; each {@code embedding} is a JSON array of floats or, for encoding_format=base64,
 * the base64 string the provider sent, passed through without decoding.
 */
public record EmbeddingResponse(String model, List<Item> data, Usage usage) {
    public record Item(int index, JsonNode embedding) {}
}
