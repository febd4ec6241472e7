package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatRequest;
import java.util.List;
import java.util.Set;

/**
 * The OpenAI chat parameters each provider has no counterpart for ({@link Provider#unsupportedParams}), and when a
 * request really sets one. A parameter set to a value that changes the answer ({@code seed}, {@code n: 3},
 * {@code logprobs: true}, {@code presence_penalty: 0.5}) cannot be honoured: the router refuses the request with a 400
 * naming it, as LiteLLM's {@code UnsupportedParamsError} does, unless {@code drop_params} asked for it to be dropped.
 * A value that asks for what the provider does anyway ({@code n: 1}, {@code logprobs: false}, a penalty of 0, an empty
 * {@code logit_bias}, {@code modalities: ["text"]}, {@code parallel_tool_calls: true}, {@code tool_choice: "auto"} or
 * {@code "none"}, {@code store: false}, JSON null) is taken out without a word: refusing it would break
 * clients that send OpenAI's defaults explicitly, and sending it on would break services that reject the field itself.
 */
public final class UnsupportedParams {
    /** What Anthropic's Messages API (and Claude on Vertex) cannot do of OpenAI's chat parameters. */
    public static final Set<String> ANTHROPIC = Set.of("n", "logprobs", "top_logprobs", "logit_bias", "presence_penalty",
            "frequency_penalty", "seed", "modalities", "audio", "prediction", "web_search_options", "verbosity");

    /** Gemini's generateContent has n, the penalties, seed and modalities (GeminiRequestEncoder), not these. */
    public static final Set<String> GEMINI = Set.of("logprobs", "top_logprobs", "logit_bias", "audio",
            "prediction", "web_search_options", "verbosity");

    /** Bedrock's Converse: maxTokens, temperature, topP and stop sequences are all its inferenceConfig has. */
    public static final Set<String> BEDROCK_CONVERSE = ANTHROPIC;

    private UnsupportedParams() {}

    /** Whether the request sets {@code field} at all (a modelled field, or one kept in {@code extra}). */
    public static boolean present(ChatRequest r, String field) {
        return switch (field) {
            case "seed" -> r.seed() != null;
            case "parallel_tool_calls" -> r.parallelToolCalls() != null;
            case "tools" -> !r.tools().isEmpty();
            case "tool_choice" -> r.toolChoice() != null;
            case "temperature" -> r.temperature() != null;
            case "top_p" -> r.topP() != null;
            case "stop" -> !r.stop().isEmpty();
            case "user" -> r.user() != null;
            case "response_format" -> r.responseFormat() != null;
            case "max_tokens" -> r.maxTokens() != null;
            case "max_completion_tokens" -> r.maxCompletionTokens() != null;
            case "metadata" -> !r.metadata().isEmpty();
            default -> r.extra().containsKey(field);
        };
    }

    /**
     * Whether the request's value of {@code field} changes the answer (so dropping it would answer another question
     * than the one asked); false when the field is absent or its value is what every provider does anyway.
     */
    public static boolean matters(ChatRequest r, String field) {
        if (!present(r, field)) return false;
        switch (field) { // modelled fields whose OpenAI default asks for nothing
            case "parallel_tool_calls" -> { return !Boolean.TRUE.equals(r.parallelToolCalls()); }
            case "tool_choice" -> {
                return r.toolChoice().mode() != dev.switchboard.model.ToolChoice.Mode.AUTO
                        && r.toolChoice().mode() != dev.switchboard.model.ToolChoice.Mode.NONE;
            }
            default -> { }
        }
        JsonNode v = r.extra().get(field);
        if (v == null) return true; // a modelled field (seed, tools, …): any value matters
        if (v.isNull()) return false;
        return switch (field) {
            case "n" -> !(v.isIntegralNumber() && v.asLong() == 1);
            case "logprobs" -> !(v.isBoolean() && !v.booleanValue());
            case "top_logprobs", "presence_penalty", "frequency_penalty" -> !(v.isNumber() && v.doubleValue() == 0);
            case "logit_bias" -> !(v.isObject() && v.isEmpty());
            case "modalities" -> !(v.isArray() && (v.isEmpty() || v.size() == 1 && "text".equals(v.get(0).asText())));
            case "store" -> !(v.isBoolean() && !v.booleanValue()); // not kept: what every other service does anyway
            default -> true;
        };
    }

    /** The fields of {@code unsupported} the request sets, in a stable order (the error names the first). */
    public static List<String> setIn(ChatRequest r, Set<String> unsupported) {
        if (unsupported.isEmpty()) return List.of();
        List<String> out = null;
        for (String f : unsupported) {
            if (!present(r, f)) continue;
            if (out == null) out = new java.util.ArrayList<>(2);
            out.add(f);
        }
        if (out == null) return List.of();
        out.sort(null);
        return out;
    }
}
