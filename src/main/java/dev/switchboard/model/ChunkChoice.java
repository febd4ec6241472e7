package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One choice's part of a stream chunk; {@code stopSequence} as in {@link Choice}, on the chunk with the finish reason;
 * {@code extra} as in {@link Choice}, this chunk's (Azure's {@code content_filter_results} for the text it carries).
 */
public record ChunkChoice(int index, Delta delta, FinishReason finishReason, JsonNode logprobs, String stopSequence,
                          ObjectNode extra) {

    public ChunkChoice(int index, Delta delta, FinishReason finishReason, JsonNode logprobs, String stopSequence) {
        this(index, delta, finishReason, logprobs, stopSequence, null);
    }

    public ChunkChoice(int index, Delta delta, FinishReason finishReason, JsonNode logprobs) {
        this(index, delta, finishReason, logprobs, null);
    }

    /** This choice's part with another delta, the rest kept. */
    public ChunkChoice withDelta(Delta d) { return new ChunkChoice(index, d, finishReason, logprobs, stopSequence, extra); }
}
