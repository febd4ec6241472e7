package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

/** One choice's part of a stream chunk; {@code stopSequence} as in {@link Choice}, on the chunk with the finish reason. */
public record ChunkChoice(int index, Delta delta, FinishReason finishReason, JsonNode logprobs, String stopSequence) {

    public ChunkChoice(int index, Delta delta, FinishReason finishReason, JsonNode logprobs) {
        this(index, delta, finishReason, logprobs, null);
    }

    /** This choice's part with another delta, the rest kept. */
    public ChunkChoice withDelta(Delta d) { return new ChunkChoice(index, d, finishReason, logprobs, stopSequence); }
}
