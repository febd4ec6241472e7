package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

/** One choice's part of a stream chunk. */
public record ChunkChoice(int index, Delta delta, FinishReason finishReason, JsonNode logprobs) {}
