package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;

/** One alternative of a complete answer. {@code logprobs} is passed through raw when a provider gives it. */
public record Choice(int index, Message message, FinishReason finishReason, JsonNode logprobs) {}
