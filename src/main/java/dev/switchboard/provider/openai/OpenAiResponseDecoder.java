package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Delta;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.ToolCallDelta;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's chat completion, stream chunk and embeddings JSON → canonical. Where an answer lacks
 * {@code model} (some compatible servers), the deployment's model fills in, so the caller always learns
 * which model served. {@code reasoning_content} (DeepSeek, vLLM) and {@code reasoning} (OpenRouter) both
 * become the canonical reasoning text.
 */
final class OpenAiResponseDecoder {
    private final String fallbackModel;

    OpenAiResponseDecoder(String fallbackModel) { this.fallbackModel = fallbackModel; }

    ChatResponse response(JsonNode n) {
        List<Choice> choices = new ArrayList<>();
        for (JsonNode c : n.path("choices")) {
            JsonNode m = c.path("message");
            String content = Json.text(m, "content");
            Message message = new Message(
                    Role.ASSISTANT,
                    content == null ? List.of() : List.of(ContentPart.Text.of(content)),
                    null,
                    toolCalls(m.path("tool_calls")),
                    null,
                    reasoning(m),
                    Json.text(m, "refusal"));
            choices.add(new Choice(c.path("index").asInt(choices.size()), message,
                    FinishReason.fromWire(Json.text(c, "finish_reason")), logprobs(c)));
        }
        return new ChatResponse(Json.text(n, "id"), n.path("created").asLong(System.currentTimeMillis() / 1000),
                model(n), choices, usage(n.get("usage")), Json.text(n, "system_fingerprint"), Json.text(n, "service_tier"));
    }

    ChatChunk chunk(JsonNode n) {
        List<ChunkChoice> choices = new ArrayList<>(1);
        for (JsonNode c : n.path("choices")) {
            JsonNode d = c.path("delta");
            List<ToolCallDelta> calls = List.of();
            JsonNode tc = d.get("tool_calls");
            if (tc != null && tc.isArray()) {
                calls = new ArrayList<>(tc.size());
                for (JsonNode t : tc) {
                    JsonNode f = t.path("function");
                    calls.add(new ToolCallDelta(t.path("index").asInt(calls.size()), Json.text(t, "id"),
                            Json.text(f, "name"), Json.text(f, "arguments")));
                }
            }
            Delta delta = new Delta(Role.fromWire(Json.text(d, "role")), Json.text(d, "content"), reasoning(d),
                    Json.text(d, "refusal"), calls);
            choices.add(new ChunkChoice(c.path("index").asInt(0), delta,
                    FinishReason.fromWire(Json.text(c, "finish_reason")), logprobs(c)));
        }
        JsonNode u = n.get("usage");
        return new ChatChunk(Json.text(n, "id"), n.path("created").asLong(System.currentTimeMillis() / 1000),
                model(n), choices, u == null || u.isNull() ? null : usage(u),
                Json.text(n, "system_fingerprint"), Json.text(n, "service_tier"));
    }

    EmbeddingResponse embeddings(JsonNode n) {
        List<EmbeddingResponse.Item> items = new ArrayList<>();
        for (JsonNode d : n.path("data")) {
            items.add(new EmbeddingResponse.Item(d.path("index").asInt(items.size()), d.get("embedding")));
        }
        return new EmbeddingResponse(model(n), items, usage(n.get("usage")));
    }

    private String model(JsonNode n) {
        String m = Json.text(n, "model");
        return m == null || m.isEmpty() ? fallbackModel : m;
    }

    static Usage usage(JsonNode u) {
        if (u == null || u.isNull()) return null;
        return new Usage(Json.integer(u, "prompt_tokens"), Json.integer(u, "completion_tokens"),
                Json.integer(u.get("prompt_tokens_details"), "cached_tokens"), 0,
                Json.integer(u.get("completion_tokens_details"), "reasoning_tokens"));
    }

    private static List<ToolCall> toolCalls(JsonNode arr) {
        if (!arr.isArray() || arr.isEmpty()) return List.of();
        List<ToolCall> out = new ArrayList<>(arr.size());
        for (JsonNode t : arr) {
            JsonNode f = t.path("function");
            out.add(new ToolCall(Json.text(t, "id"), Json.text(f, "name"), Json.text(f, "arguments")));
        }
        return out;
    }

    private static String reasoning(JsonNode m) {
        String r = Json.text(m, "reasoning_content");
        return r != null ? r : Json.text(m, "reasoning");
    }

    private static JsonNode logprobs(JsonNode c) {
        JsonNode l = c.get("logprobs");
        return l == null || l.isNull() ? null : l;
    }
}
