package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's embeddings JSON → canonical (chat answers and chunks, the hot path, go through
 * {@link OpenAiChatDecoder}'s streaming parser instead). Where an answer lacks {@code model}, the
 * deployment's model fills in.
 */
final class OpenAiResponseDecoder {
    private final String fallbackModel;

    OpenAiResponseDecoder(String fallbackModel) { this.fallbackModel = fallbackModel; }

    EmbeddingResponse embeddings(JsonNode n) {
        List<EmbeddingResponse.Item> items = new ArrayList<>();
        for (JsonNode d : n.path("data")) {
            items.add(new EmbeddingResponse.Item(d.path("index").asInt(items.size()), d.get("embedding")));
        }
        String m = Json.text(n, "model");
        JsonNode u = n.get("usage");
        Usage usage = u == null || u.isNull() ? null : new Usage(Json.integer(u, "prompt_tokens"), 0, 0, 0, 0);
        return new EmbeddingResponse(m == null || m.isEmpty() ? fallbackModel : m, items, usage);
    }
}
