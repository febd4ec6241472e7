package dev.switchboard.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.AnswerShape;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.UpstreamAnswers;
import dev.switchboard.provider.UpstreamAuth;
import dev.switchboard.provider.UpstreamHttp;
import dev.switchboard.provider.Windowed;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Vertex AI's text embeddings ({@code text-embedding-005}, {@code text-multilingual-embedding-002},
 * {@code gemini-embedding-001}): {@code POST …/models/{model}:predict} with {@code {"instances":[{"content":…}],
 * "parameters":{"outputDimensionality":N}}}, answered {@code {"predictions":[{"embeddings":{"values":[…],
 * "statistics":{"token_count":n}}}]}}. OpenAI's input as a string or a list of strings; token arrays have no Vertex
 * form and are a 400. The vectors come back as floats; the edge writes base64 when the client asked for it.
 *
 * <p>A list goes in as many calls as the model's limits need ({@link PredictBatches}), at most {@link Windowed#EMBED_WIDTH} at
 * once: in sequence, a 2,048-text list for gemini-embedding-001 (one text a call) would take 2,048 round trips one
 * after the other; all at once, 2,048 requests would land on the model's per-minute quota in the same instant and
 * most would come back 429. The answers are joined in input order and their token counts summed; any call's failure
 * is the request's (a client cannot use part of a list).
 */
final class VertexEmbeddings {
    private final Deployment deployment;
    private final UpstreamHttp.Endpoint endpoint;
    private final String path;
    private final MultiMap baseHeaders;
    private final UpstreamAuth auth;
    private final UpstreamHttp http;

    VertexEmbeddings(Deployment d, UpstreamHttp.Endpoint endpoint, String path, MultiMap baseHeaders, UpstreamAuth auth,
                     UpstreamHttp http) {
        this.deployment = d;
        this.endpoint = endpoint;
        this.path = path;
        this.baseHeaders = baseHeaders;
        this.auth = auth;
        this.http = http;
    }

    /** One call's embeddings, in its instances' order, and the tokens Vertex counted for them. */
    private record Part(List<JsonNode> vectors, int tokens) {}

    Future<EmbeddingResponse> embed(EmbeddingRequest request, CallOptions options) {
        List<String> texts;
        try {
            texts = texts(request);
        } catch (GatewayException e) {
            return Future.failedFuture(e);
        }
        List<PredictBatches.Batch> batches = PredictBatches.of(texts, PredictBatches.maxInstances(deployment.model()));
        // one deadline for all the request's calls: each is given the time left of it
        long deadline = Windowed.deadline(options.timeoutOr(deployment.timeout()));
        return Windowed.run(batches.size(), Windowed.EMBED_WIDTH, i -> predict(texts, batches.get(i), request.dimensions(),
                        deadline, options).recover(e -> Future.failedFuture(Windowed.inBatch(e, batches.get(i).start(), batches.get(i).end()))),
                Windowed.RETRY_ONCE, Windowed.pause(http.vertx(), deadline), (e, answered) -> Windowed.billed(e, tokens(answered))).map(this::joined);
    }

    /** The tokens Vertex counted for the calls that answered (null for one that did not). */
    private static int tokens(List<Part> answered) {
        int tokens = 0;
        for (Part p : answered) if (p != null) tokens += p.tokens();
        return tokens;
    }

    private Future<Part> predict(List<String> texts, PredictBatches.Batch batch, Integer dimensions, long deadline,
                                 CallOptions options) {
        Buffer body = body(texts, batch, dimensions);
        return auth.sign(MultiMap.caseInsensitiveMultiMap().addAll(baseHeaders))
                .compose(h -> Windowed.withinDeadline(deadline, endpoint.name(), left -> http.send(endpoint, path, h, body, left, options)))
                .compose(resp -> UpstreamAnswers.read(resp, endpoint, http.buffers(), (r, b) -> {
                    if (r.statusCode() == 401) auth.refused();
                    return VertexErrors.forGoogle(deployment.id()).decode(r, b);
                },
                        http.scrubber(), b -> part(Json.read(b), batch.size())));
    }

    private List<String> texts(EmbeddingRequest r) {
        JsonNode input = r.input();
        if (input.isTextual()) return List.of(input.asText());
        List<String> texts = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            if (!input.get(i).isTextual()) {
                throw GatewayException.badRequest("Vertex AI embeds text only: input[" + i + "] is a token array, which "
                        + deployment.id() + " cannot take. Send the text instead.", "input");
            }
            texts.add(input.get(i).asText());
        }
        return texts;
    }

    private static Buffer body(List<String> texts, PredictBatches.Batch batch, Integer dimensions) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode instances = body.putArray("instances");
        for (int i = batch.start(); i < batch.end(); i++) instances.addObject().put("content", texts.get(i));
        if (dimensions != null) body.putObject("parameters").put("outputDimensionality", dimensions);
        try {
            return Buffer.buffer(Json.MAPPER.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree we built always serializes
        }
    }

    /** One call's answer: exactly one prediction an instance, or the vectors after it would carry the wrong index. */
    private static Part part(JsonNode n, int instances) throws AnswerShape.Wrong {
        AnswerShape.require(n.path("predictions").isArray(), "no `predictions` array");
        List<JsonNode> vectors = new ArrayList<>();
        int tokens = 0;
        for (JsonNode p : n.path("predictions")) {
            JsonNode values = p.path("embeddings").path("values");
            AnswerShape.require(values.isArray(), "a prediction has no `embeddings.values` array");
            vectors.add(values);
            tokens += p.path("embeddings").path("statistics").path("token_count").asInt();
        }
        AnswerShape.require(vectors.size() == instances, vectors.size() + " predictions for " + instances + " instances");
        return new Part(vectors, tokens);
    }

    /** The calls' embeddings one after the other, each with its index in the input, and their tokens summed. */
    private EmbeddingResponse joined(List<Part> parts) {
        List<EmbeddingResponse.Item> items = new ArrayList<>();
        int tokens = 0;
        for (Part p : parts) {
            for (JsonNode v : p.vectors()) items.add(new EmbeddingResponse.Item(items.size(), v));
            tokens += p.tokens();
        }
        return new EmbeddingResponse(deployment.model(), items, new Usage(tokens, 0, 0, 0, 0));
    }
}
