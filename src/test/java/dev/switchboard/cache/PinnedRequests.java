package dev.switchboard.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.edge.anthropic.AnthropicRequestDecoder;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;

/** Requests whose keys {@code RequestFingerprintTest} pins to the hexes the code before the reused generator made. */
final class PinnedRequests {
    private PinnedRequests() {}

    static JsonNode json(String s) {
        try {
            return new ObjectMapper().readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ChatRequest chat(String user, Map<String, JsonNode> extra) {
        return new ChatRequest("bench-cached", List.of(Message.text(Role.SYSTEM, "s"), Message.text(Role.USER, user)), null,
                null, null, null, 0.5, null, 64, null, List.of("END"), 7L, null, null, false, false, extra);
    }

    /** Nested extras, numbers of every kind, unicode and escapes. */
    static ChatRequest canonical() {
        return chat("héllo 漢字 🙂 \"q\" \\ \n\t\u0001", Map.of(
                "brand_new_param", json("{\"a\":[1,2.5,-3e10,12345678901234567890,0.1,true,null],"
                        + "\"nested\":{\"z\":\"é漢字🙂\",\"b\":{\"c\":[{\"d\":1.0,\"e\":-0}]}}}"),
                "logit_bias", json("{\"50256\":-100,\"13\":5}"),
                "user", json("\"ignored\"")));
    }

    /** An Anthropic body as sent, with betas. */
    static ChatRequest anthropic() {
        String body = "{\"model\":\"claude\",\"max_tokens\":64,\"temperature\":0.7,\"system\":\"be brief ✓\","
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi 🙂\"}]},"
                + "{\"role\":\"assistant\",\"content\":\"hello\"},{\"role\":\"user\",\"content\":\"again\"}],"
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},\"metadata\":{\"user_id\":\"u\"}}";
        return new AnthropicRequestDecoder().messages(Buffer.buffer(body),
                Map.of("anthropic-beta", "interleaved-thinking-2025-05-14, context-1m-2025-08-07", "anthropic-version", "2023-06-01"));
    }

    /** Longer than the generator's 8,000-byte buffer and its 4,000-char buffer. */
    static ChatRequest long20k() { return chat("q".repeat(19_990) + "é漢字🙂end", Map.of()); }

    static List<ChatRequest> all() { return List.of(canonical(), anthropic(), long20k()); }
}
