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
 *
 * <p>Google takes at most {@link #MAX_BATCH} requests in one batch (a 400 INVALID_ARGUMENT "at most 100 requests can be
 * in one batch" for the whole call past it), while an OpenAI client sends up to 2,048 texts at once (LangChain's
 * OpenAIEmbeddings 1,000 by default): a longer list goes in batches of 100, joined back in input order.
 */
final class GeminiEmbeddings {
    /** Google's limit of requests in one {@code batchEmbedContents} call. */
    static final int MAX_BATCH = 100;

    private GeminiEmbeddings() {}

    /** The request's texts in input order; a token array is a 400 naming the item. */
    static List<String> texts(EmbeddingRequest r, String deploymentId) {
        JsonNode input = r.input();
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
            return texts;
        }
        for (int i = 0; i < input.size(); i++) {
            if (!input.get(i).isTextual()) {
                throw GatewayException.badRequest("Gemini embeds text only: input" + (input.get(i).isArray() ? "[" + i + "] is a token array"
                        : " is a token array") + ", which " + deploymentId + " cannot take. Send the text instead.", "input");
            }
            texts.add(input.get(i).asText());
        }
        return texts;
    }

    /** How many {@code batchEmbedContents} calls {@code count} texts take. */
    static int batches(int count) {
        return (count + MAX_BATCH - 1) / MAX_BATCH;
    }

    /** The body of batch {@code b}: texts {@code [b·100, b·100+100)}. */
    static Buffer body(List<String> texts, int b, Integer dimensions, String model) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode requests = body.putArray("requests");
        for (int i = b * MAX_BATCH; i < Math.min(texts.size(), (b + 1) * MAX_BATCH); i++) {
            ObjectNode one = requests.addObject().put("model", "models/" + model);
            one.putObject("content").putArray("parts").addObject().put("text", texts.get(i));
            if (dimensions != null) one.put("outputDimensionality", dimensions);
        }
        try {
            return Buffer.buffer(Json.MAPPER.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One batch's vectors, exactly one for each of its {@code requests}, else the ones after would carry the wrong index. */
    static List<JsonNode> vectors(JsonNode n, int requests) throws AnswerShape.Wrong {
        AnswerShape.require(n.path("embeddings").isArray(), "no `embeddings` array");
        List<JsonNode> vectors = new ArrayList<>();
        for (JsonNode e : n.path("embeddings")) {
            AnswerShape.require(e.path("values").isArray(), "an embedding has no `values` array");
            vectors.add(e.path("values"));
        }
        AnswerShape.require(vectors.size() == requests, vectors.size() + " embeddings for " + requests + " requests");
        return vectors;
    }

    /** The batches' vectors one after the other, each with its index in the input. */
    static EmbeddingResponse joined(List<List<JsonNode>> batches, String model) {
        List<EmbeddingResponse.Item> items = new ArrayList<>();
        for (List<JsonNode> b : batches) {
            for (JsonNode v : b) items.add(new EmbeddingResponse.Item(items.size(), v));
        }
        return new EmbeddingResponse(model, items, null);
    }
}
