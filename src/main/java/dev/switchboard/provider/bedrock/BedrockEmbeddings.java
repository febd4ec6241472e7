package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.GatewayException;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's embeddings request → InvokeModel bodies, and back. Titan Text Embeddings embeds one text a call
 * ({@code {"inputText", "dimensions", "normalize"}} → {@code {"embedding", "inputTextTokenCount"}}), so a list of
 * inputs is one call each; Cohere Embed takes up to 96 texts a call ({@code {"texts", "input_type"}} →
 * {@code {"embeddings": [[…]]}}, its token count in the {@code X-Amzn-Bedrock-Input-Token-Count} header), so a longer
 * list is one call each 96 texts ({@code BedrockProvider.embed}, at most 8 calls in flight).
 */
final class BedrockEmbeddings {
    static final int COHERE_MAX_TEXTS = 96;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private BedrockEmbeddings() {}

    /** The texts of the request: Bedrock's embedders take text, not OpenAI's token arrays. */
    static List<String> texts(EmbeddingRequest r) {
        List<String> out = new ArrayList<>();
        JsonNode in = r.input();
        if (in.isTextual()) out.add(in.textValue());
        else for (int i = 0; i < in.size(); i++) {
            if (!in.get(i).isTextual()) {
                throw GatewayException.badRequest("input[" + i + "] is not a string; Bedrock's embedding models take text,"
                        + " not token ids.", "input");
            }
            out.add(in.get(i).textValue());
        }
        return out;
    }

    /** The sizes Titan Text Embeddings V2 makes (its {@code dimensions} is an enum: Bedrock refuses any other). */
    static final java.util.Set<Integer> TITAN_V2_DIMENSIONS = java.util.Set.of(256, 512, 1024);

    /**
     * Refuses, before any call, a {@code dimensions} Titan cannot make: any on V1 (a fixed size), one other than 256, 512
     * or 1024 on V2, which Bedrock answers with its own 400 naming no parameter ("#/dimensions: 300 is not a valid enum
     * value"), once per text of the list.
     */
    static void checkTitan(EmbeddingRequest r, String modelId) {
        if (r.dimensions() == null) return;
        if (!modelId.contains("v2")) {
            throw GatewayException.badRequest(modelId + " has a fixed size; 'dimensions' is taken by Titan Text Embeddings V2"
                    + " only.", "dimensions");
        }
        if (!TITAN_V2_DIMENSIONS.contains(r.dimensions())) {
            throw GatewayException.badRequest("'dimensions' " + r.dimensions() + " is not a size " + modelId + " makes: it takes"
                    + " 256, 512 or 1024 (1024 when none is given).", "dimensions");
        }
    }

    static ObjectNode titan(String text, EmbeddingRequest r, String modelId) {
        ObjectNode body = F.objectNode().put("inputText", text);
        if (modelId.contains("v2")) {
            if (r.dimensions() != null) body.put("dimensions", r.dimensions()); // 256, 512 or 1024 (checkTitan)
            body.put("normalize", true);
        }
        return body;
    }

    /** {@code input_type} as the client sent it (an extra field, as in LiteLLM), else search_document. */
    static ObjectNode cohere(List<String> texts, EmbeddingRequest r) {
        ObjectNode body = F.objectNode();
        texts.forEach(body.putArray("texts")::add);
        JsonNode type = r.extra().get("input_type");
        body.put("input_type", type != null && type.isTextual() ? type.textValue() : "search_document");
        JsonNode truncate = r.extra().get("truncate");
        if (truncate != null && truncate.isTextual()) body.put("truncate", truncate.textValue());
        return body;
    }
}
