package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The canonical chat request every dialect decodes into and every provider encodes from.
 *
 * <p>Fields that all providers can honour are modelled; the rest (n, logprobs, penalties, logit_bias,
 * reasoning_effort, service_tier, …) stay in {@code extra} exactly as the client sent them, so a provider of
 * the same dialect receives them on day one and a provider of another dialect ignores them.
 * {@code model} is the alias the client asked for; the deployment decides the upstream model.
 */
public record ChatRequest(
        String model,
        List<Message> messages,
        List<Tool> tools,
        ToolChoice toolChoice,
        Boolean parallelToolCalls,
        ResponseFormat responseFormat,
        Double temperature,
        Double topP,
        Integer maxTokens,
        Integer maxCompletionTokens,
        List<String> stop,
        Long seed,
        String user,
        Map<String, String> metadata,
        boolean stream,
        boolean includeUsage,
        Map<String, JsonNode> extra) {

    public ChatRequest {
        tools = tools == null ? List.of() : tools;
        stop = stop == null ? List.of() : stop;
        metadata = metadata == null ? Map.of() : metadata;
        extra = extra == null ? Map.of() : extra;
    }

    /** The same request with other {@code extra} fields (the router strips its own controls from them). */
    public ChatRequest withExtra(Map<String, JsonNode> newExtra) {
        return new ChatRequest(model, messages, tools, toolChoice, parallelToolCalls, responseFormat, temperature,
                topP, maxTokens, maxCompletionTokens, stop, seed, user, metadata, stream, includeUsage, newExtra);
    }

    /** The output-token limit the client asked for under either of OpenAI's names, or null. */
    public Integer outputTokenLimit() {
        return maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
    }
}
