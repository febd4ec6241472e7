package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.AnswerShape;
import dev.switchboard.provider.Json;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The Gemini API's embeddings ({@code gemini/text-embedding-004}, {@code gemini/gemini-embedding-001}): one
 * {@code POST /v1beta/models/{model}:batchEmbedContents} for a string or a list of strings, each text one request
 * {@code {"model":"models/{model}","content":{"parts":[{"text":…}]},"outputDimensionality":N}}, answered
 * {@code {"embeddings":[{"values":[…]}, …]}} in the same order. Token arrays have no Gemini form (a 400). Google gives
 * no token count, so the usage is left unset and the gateway prices its own estimate of the input, as for any answer
 * without usage.
 */
final class GeminiEmbeddings {
    private GeminiEmbeddings() {}

    static Buffer body(EmbeddingRequest r, String model, String deploymentId) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode requests = body.putArray("requests");
        JsonNode input = r.input();
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else {
            for (int i = 0; i < input.size(); i++) {
                if (!input.get(i).isTextual()) {
                    throw GatewayException.badRequest("Gemini embeds text only: input[" + i + "] is a token array, which "
                            + deploymentId + " cannot take. Send the text instead.", "input");
                }
                texts.add(input.get(i).asText());
            }
        }
        for (String text : texts) {
            ObjectNode one = requests.addObject().put("model", "models/" + model);
            one.putObject("content").putArray("parts").addObject().put("text", text);
            if (r.dimensions() != null) one.put("outputDimensionality", r.dimensions());
        }
        try {
            return Buffer.buffer(Json.MAPPER.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static EmbeddingResponse response(JsonNode n, String model) throws AnswerShape.Wrong {
        AnswerShape.require(n.path("embeddings").isArray(), "no `embeddings` array");
        List<EmbeddingResponse.Item> items = new ArrayList<>();
        for (JsonNode e : n.path("embeddings")) {
            AnswerShape.require(e.path("values").isArray(), "an embedding has no `values` array");
            items.add(new EmbeddingResponse.Item(items.size(), e.path("values")));
        }
        return new EmbeddingResponse(model, items, null);
    }
}
