package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic message → canonical: text blocks joined, thinking blocks as reasoning, tool_use blocks as tool
 * calls with their input as JSON text; the raw body is kept for Anthropic-dialect clients.
 */
final class AnthropicResponseDecoder {
    private AnthropicResponseDecoder() {}

    static ChatResponse response(JsonNode n) {
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        ArrayNode signed = null;
        for (JsonNode b : n.path("content")) {
            switch (b.path("type").asText()) {
                case "text" -> text.append(b.path("text").asText());
                case "thinking" -> {
                    thinking.append(b.path("thinking").asText());
                    signed = thinkingBlock(signed, b, "thinking", "signature");
                }
                case "redacted_thinking" -> signed = thinkingBlock(signed, b, "data");
                case "tool_use" -> calls.add(new ToolCall(b.path("id").asText(), b.path("name").asText(),
                        b.path("input").isMissingNode() ? "{}" : b.get("input").toString()));
                default -> { } // server tool blocks: kept only in the raw body
            }
        }
        ObjectNode extra = signed == null ? null : JsonNodeFactory.instance.objectNode().set("thinking_blocks", signed);
        Message m = new Message(Role.ASSISTANT, calls.isEmpty() || text.length() > 0 ? List.of(ContentPart.Text.of(text.toString())) : List.of(),
                null, calls, null, thinking.length() > 0 ? thinking.toString() : null, null, extra);
        return new ChatResponse(Json.text(n, "id"), System.currentTimeMillis() / 1000, Json.text(n, "model"),
                List.of(new Choice(0, m, AnthropicModels.finishReason(Json.text(n, "stop_reason")), null, stopSequence(n))),
                usage(n.get("usage"), null), null, null, new RawJson(RawJson.ANTHROPIC, n));
    }

    /** The stop sequence that ended a message or a message_delta's {@code delta}, when {@code stop_reason} says one did. */
    static String stopSequence(JsonNode n) {
        return "stop_sequence".equals(Json.text(n, "stop_reason")) ? Json.text(n, "stop_sequence") : null;
    }

    /**
     * A thinking or redacted_thinking block with its own fields, for an OpenAI-dialect answer's {@code thinking_blocks}
     * (LiteLLM's field): the client sends them back in the assistant turn, and Anthropic needs the signed block back in a
     * tool loop with thinking on ({@link AnthropicRequestEncoder}).
     */
    static ArrayNode thinkingBlock(ArrayNode into, JsonNode block, String... fields) {
        ArrayNode out = into == null ? JsonNodeFactory.instance.arrayNode() : into;
        ObjectNode b = out.addObject().put("type", block.path("type").asText());
        for (String f : fields) b.put(f, block.path(f).asText());
        return out;
    }

    /**
     * Anthropic's usage → canonical. {@code input_tokens} excludes cached tokens, so the prompt total is
     * input + cache writes + cache reads. {@code start} holds message_start's usage when reading message_delta's.
     */
    static Usage usage(JsonNode u, Usage start) {
        if (u == null || u.isNull()) return start;
        int input = u.has("input_tokens") ? u.get("input_tokens").asInt() : start == null ? 0 : start.uncachedPromptTokens();
        int read = u.has("cache_read_input_tokens") ? u.path("cache_read_input_tokens").asInt() : start == null ? 0 : start.cacheReadTokens();
        int write = u.has("cache_creation_input_tokens") ? u.path("cache_creation_input_tokens").asInt() : start == null ? 0 : start.cacheWriteTokens();
        int write1h = u.path("cache_creation").has("ephemeral_1h_input_tokens")
                ? u.path("cache_creation").path("ephemeral_1h_input_tokens").asInt() : start == null ? 0 : start.cacheWrite1hTokens();
        // the web searches Claude ran (server tools), billed per search beside the tokens; message_delta's usage is
        // cumulative, as the token counts are
        int searches = u.path("server_tool_use").has("web_search_requests")
                ? u.path("server_tool_use").path("web_search_requests").asInt() : start == null ? 0 : start.details().webSearchRequests();
        Usage.Details details = searches <= 0 ? Usage.Details.NONE : new Usage.Details(0, 0, 0, 0, 0, searches);
        // cache_creation says the writes' lifetimes (its 1h part may be 0): known from here on
        boolean said = u.path("cache_creation").has("ephemeral_1h_input_tokens") || start != null && start.writeLifetimesSaid();
        return new Usage(input + read + write, u.path("output_tokens").asInt(), read, write, 0, write1h, details, null, null, null, said);
    }
}
