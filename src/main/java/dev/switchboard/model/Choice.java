package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One alternative of a complete answer. {@code logprobs} is passed through raw when a provider gives it.
 * {@code stopSequence} is the request's stop sequence that ended the choice, when the provider said which (Anthropic's
 * {@code stop_sequence}, Bedrock's for Claude); OpenAI and Gemini do not say, so it is null there and the finish
 * reason alone ({@link FinishReason#STOP}) tells the stop. {@code extra}: the choice's fields an OpenAI-compatible
 * server sent that the gateway does not model (Azure's {@code content_filter_results}, vLLM's {@code stop_reason}, …),
 * written back as sent, or null; see {@link ChatResponse}.
 */
public record Choice(int index, Message message, FinishReason finishReason, JsonNode logprobs, String stopSequence,
                     ObjectNode extra) {

    public Choice(int index, Message message, FinishReason finishReason, JsonNode logprobs, String stopSequence) {
        this(index, message, finishReason, logprobs, stopSequence, null);
    }

    public Choice(int index, Message message, FinishReason finishReason, JsonNode logprobs) {
        this(index, message, finishReason, logprobs, null);
    }

    /** This choice with another message, the rest kept. */
    public Choice withMessage(Message m) { return new Choice(index, m, finishReason, logprobs, stopSequence, extra); }
}
