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

    Future<EmbeddingResponse> embed(EmbeddingRequest request, CallOptions options) {
        return UpstreamAnswers.encodeThen(() -> body(request), body -> auth.sign(MultiMap.caseInsensitiveMultiMap().addAll(baseHeaders))
                .compose(h -> http.send(endpoint, path, h, body, options.timeoutOr(deployment.timeout()), options))
                .compose(resp -> UpstreamAnswers.read(resp, endpoint, http.buffers(), (r, b) -> {
                    if (r.statusCode() == 401) auth.refused();
                    return VertexErrors.forGoogle(deployment.id()).decode(r, b);
                },
                        http.scrubber(), b -> response(Json.read(b)))));
    }

    private Buffer body(EmbeddingRequest r) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode instances = body.putArray("instances");
        JsonNode input = r.input();
        if (input.isTextual()) {
            instances.addObject().put("content", input.asText());
        } else {
            for (int i = 0; i < input.size(); i++) {
                if (!input.get(i).isTextual()) {
                    throw GatewayException.badRequest("Vertex AI embeds text only: input[" + i + "] is a token array, which "
                            + deployment.id() + " cannot take. Send the text instead.", "input");
                }
                instances.addObject().put("content", input.get(i).asText());
            }
        }
        if (r.dimensions() != null) body.putObject("parameters").put("outputDimensionality", r.dimensions());
        try {
            return Buffer.buffer(Json.MAPPER.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private EmbeddingResponse response(JsonNode n) throws AnswerShape.Wrong {
        AnswerShape.require(n.path("predictions").isArray(), "no `predictions` array");
        List<EmbeddingResponse.Item> items = new ArrayList<>();
        int tokens = 0;
        for (JsonNode p : n.path("predictions")) {
            JsonNode values = p.path("embeddings").path("values");
            AnswerShape.require(values.isArray(), "a prediction has no `embeddings.values` array");
            items.add(new EmbeddingResponse.Item(items.size(), values));
            tokens += p.path("embeddings").path("statistics").path("token_count").asInt();
        }
        return new EmbeddingResponse(deployment.model(), items, new Usage(tokens, 0, 0, 0, 0));
    }
}
