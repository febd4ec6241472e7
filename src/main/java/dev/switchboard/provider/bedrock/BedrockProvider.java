package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.AnswerShape;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.EmbeddingProvider;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.RetryAfter;
import dev.switchboard.provider.UpstreamAnswers;
import dev.switchboard.provider.UpstreamHttp;
import dev.switchboard.provider.Windowed;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * AWS Bedrock's runtime API: {@code POST /model/{modelId}/converse} and {@code /converse-stream} for chat,
 * {@code /invoke} for embeddings, each signed with SigV4 (or carrying a Bedrock API key as a bearer token). The call
 * itself goes through the gateway's own {@link UpstreamHttp}, like every provider's, so timeouts, cancellation,
 * pooling and key scrubbing are the same; only the signature comes from the AWS SDK.
 */
final class BedrockProvider implements Provider, EmbeddingProvider, dev.switchboard.provider.TokenCounter {
    private static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

    private final Deployment deployment;
    private final BedrockAuth auth;
    private final BedrockCredentials credentials;
    private final UpstreamHttp http;
    private final UpstreamHttp.Endpoint endpoint;
    private final String modelId;
    /** The id the family rules are read from: an application inference profile's base_model ({@link BedrockModels#foundationId}). */
    private final String foundationId;
    private final String modelPath;
    private final BedrockRequestEncoder encoder;
    private final String secret;
    private final List<dev.switchboard.model.CacheInjectionPoint> injectionPoints;

    BedrockProvider(Deployment d, BedrockAuth auth, UpstreamHttp http, Vertx vertx) {
        this.deployment = d;
        this.auth = auth;
        this.credentials = auth.credentials(vertx, d.id(), http.secrets());
        this.http = http;
        this.endpoint = UpstreamHttp.Endpoint.parse(auth.endpoint(d), d.id());
        this.modelId = BedrockModels.modelId(d.model());
        // the model may be a caller's text (a bedrock/* wildcard): encoding keeps '/' and '?' in the segment, but a
        // whole '.' or '..' stays a dot-segment, and '%' would be decoded: a plain Bedrock id only
        dev.switchboard.provider.ModelIds.require(d, modelId, dev.switchboard.provider.ModelIds.BEDROCK);
        dev.switchboard.provider.ModelIds.require(d, BedrockModels.pathId(d, modelId), dev.switchboard.provider.ModelIds.BEDROCK);
        // The id goes into the path percent-encoded (an ARN or a version suffix has ':' and '/'), as the AWS SDKs send it.
        this.modelPath = "/model/" + SdkHttpUtils.urlEncode(BedrockModels.pathId(d, modelId));
        this.foundationId = BedrockModels.foundationId(d, modelId);
        this.encoder = new BedrockRequestEncoder(d, modelId, foundationId);
        this.secret = auth.secretKey() == null ? null : auth.secretKey().reveal();
        // LiteLLM's cache_control_injection_points, on models that cache: the breakpoints become cachePoint blocks
        this.injectionPoints = BedrockModels.cachesPrompts(foundationId) ? d.cacheInjectionPoints() : List.of();
    }

    @Override
    public List<dev.switchboard.model.CacheInjectionPoint> injectedBreakpoints() { return injectionPoints; }

    @Override
    public boolean limitsToolNames() { return true; }

    @Override
    public java.util.Set<String> unsupportedParams() { return dev.switchboard.provider.UnsupportedParams.BEDROCK_CONVERSE; }

    /**
     * A model other than Claude (Nova, Llama, Mistral, ...) is sent no thinking: the encoder writes Claude's alone, so the
     * request's thinking or effort reaches it as nothing; a Claude drops it where the encoder leaves it off
     * ({@code BedrockRequestEncoder.dropsThinking}).
     */
    @Override
    public boolean dropsThinking(ChatRequest r) { return encoder.dropsThinking(r); }

    @Override
    public java.util.List<dev.switchboard.provider.ParamConflict> conflicts(ChatRequest r) {
        dev.switchboard.provider.ParamConflict none = BedrockRequestEncoder.noneWithToolCalls(r);
        java.util.List<dev.switchboard.provider.ParamConflict> claude = "anthropic".equals(BedrockModels.family(foundationId))
                ? dev.switchboard.provider.ClaudeSampling.conflicts(r, foundationId) : java.util.List.of();
        if (none == null) return claude;
        java.util.List<dev.switchboard.provider.ParamConflict> all = new java.util.ArrayList<>(claude);
        all.add(none);
        return all;
    }

    @Override
    public Future<ChatResponse> chat(ChatRequest request, CallOptions options) {
        return UpstreamAnswers.encodeThen(() -> body(request), body -> send("/converse", "application/json", body,
                options.timeoutOr(deployment.timeout()), options)
                .compose(resp -> UpstreamAnswers.read(resp, endpoint, http.buffers(), this::error, http.scrubber(),
                        b -> BedrockResponseDecoder.response(Json.read(b), modelId, request.stop(), BedrockDocuments.of(request)))));
    }

    /**
     * Bedrock's {@code CountTokens} ({@code POST /model/{id}/count-tokens}) for Claude: the Converse request's prompt
     * fields (messages, system, toolConfig, additionalModelRequestFields) as {@code input.converse}, the count its
     * {@code inputTokens}, free. The foundation model's id, without a cross-region prefix ({@code us.}, {@code global.}):
     * the operation names a foundation model. Other families: null (the caller estimates).
     */
    @Override
    public Future<Integer> countTokens(ChatRequest request, CallOptions options) {
        if (!"anthropic".equals(BedrockModels.family(foundationId))) return Future.succeededFuture(null);
        return UpstreamAnswers.encodeThen(() -> countBody(request), body -> send("/model/"
                        + SdkHttpUtils.urlEncode(BedrockModels.foundationModel(foundationId)) + "/count-tokens", "application/json", body,
                options.timeoutOr(deployment.timeout()), options)
                .compose(resp -> UpstreamAnswers.read(resp, endpoint, http.buffers(), this::error, http.scrubber(), b -> {
                    com.fasterxml.jackson.databind.JsonNode n = Json.read(b).get("inputTokens");
                    // an answer without the count is no count (the caller estimates), not a count of 0
                    if (n == null || !n.canConvertToInt()) throw new java.io.IOException("no inputTokens in the answer");
                    return n.intValue();
                })));
    }

    private static final java.util.Set<String> COUNTED = java.util.Set.of("messages", "system", "toolConfig",
            "additionalModelRequestFields");

    private Buffer countBody(ChatRequest request) {
        ObjectNode converse = encoder.encode(dev.switchboard.model.CacheInjectionPoint.apply(injectionPoints, dev.switchboard.model.CacheInjectionPoint.automatic(request)));
        converse.retain(COUNTED);
        // the effort shapes the answer, not the prompt: a count needs it not, and Converse's CountTokens has no reason to take it
        if (converse.get("additionalModelRequestFields") instanceof ObjectNode extra && extra.remove("output_config") != null
                && extra.isEmpty()) {
            converse.remove("additionalModelRequestFields");
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("input").set("converse", converse);
        return buffer(body);
    }

    @Override
    public Future<ChatStream> stream(ChatRequest request, CallOptions options) {
        return UpstreamAnswers.encodeThen(() -> body(request), body -> send("/converse-stream", EVENT_STREAM, body,
                options.timeoutOr(deployment.streamIdleTimeout()), options)
                .compose(resp -> UpstreamAnswers.stream(resp, endpoint, http.buffers(), this::error, http.scrubber(),
                        () -> new BedrockStream(resp, endpoint, http.scrubber(), deployment.id(), modelId, secret, request.stop(),
                                BedrockDocuments.of(request)).forRequest(options.requestId()))));
    }

    @Override
    public Future<EmbeddingResponse> embed(EmbeddingRequest request, CallOptions options) {
        String kind = BedrockModels.embeddingKind(modelId);
        if (kind == null) {
            return Future.failedFuture(GatewayException.badRequest(deployment.id() + " is not an embedding model Switchboard"
                    + " knows on Bedrock (Titan Text Embeddings, Cohere Embed).", "model"));
        }
        List<String> texts;
        try {
            texts = BedrockEmbeddings.texts(request);
            if (!kind.equals("cohere")) BedrockEmbeddings.checkTitan(request, modelId);
        } catch (GatewayException e) {
            return Future.failedFuture(e);
        }
        // one deadline for all the request's calls: each is given the time left of it
        long deadline = Windowed.deadline(options.timeoutOr(deployment.timeout()));
        if (kind.equals("cohere")) {
            // at most 96 texts a call (Bedrock refuses more): a longer list in batches, joined in input order
            int max = BedrockEmbeddings.COHERE_MAX_TEXTS;
            int batches = (texts.size() + max - 1) / max;
            return Windowed.run(batches, Windowed.EMBED_WIDTH, b -> {
                int from = b * max, to = Math.min(texts.size(), (b + 1) * max);
                return Windowed.withinDeadline(deadline, endpoint.name(), left -> invoke(BedrockEmbeddings.cohere(
                        texts.subList(from, to), request), left, to - from, options))
                        .recover(e -> Future.failedFuture(Windowed.inBatch(e, from, to)));
            }, Windowed.RETRY_ONCE, Windowed.pause(http.vertx(), deadline), (e, answered) -> Windowed.billed(e, tokens(answered))).map(this::cohere);
        }
        // Titan embeds one text a call: a window of calls in flight, not the whole list at once
        return Windowed.run(texts.size(), Windowed.EMBED_WIDTH,
                i -> Windowed.withinDeadline(deadline, endpoint.name(),
                        left -> invoke(BedrockEmbeddings.titan(texts.get(i), request, modelId), left, -1, options))
                        .recover(e -> Future.failedFuture(Windowed.inBatch(e, i, i + 1))),
                Windowed.RETRY_ONCE, Windowed.pause(http.vertx(), deadline), (e, answered) -> Windowed.billed(e, tokens(answered))).map(calls -> {
            List<EmbeddingResponse.Item> items = new ArrayList<>();
            int tokens = 0;
            for (int i = 0; i < calls.size(); i++) {
                JsonNode n = calls.get(i).body();
                items.add(new EmbeddingResponse.Item(i, n.get("embedding")));
                tokens += n.path("inputTextTokenCount").asInt();
            }
            return new EmbeddingResponse(modelId, items, new Usage(tokens, 0, 0, 0, 0));
        });
    }

    /** The input tokens of the calls that answered (null for one that did not), by Bedrock's header or Titan's count. */
    private static int tokens(List<Invoked> answered) {
        int tokens = 0;
        for (Invoked r : answered) {
            if (r != null) tokens += r.inputTokens() > 0 ? r.inputTokens() : r.body().path("inputTextTokenCount").asInt();
        }
        return tokens;
    }

    /** The batches' embeddings one after the other, each with its index in the input, their token counts summed. */
    private EmbeddingResponse cohere(List<Invoked> batches) {
        List<EmbeddingResponse.Item> items = new ArrayList<>();
        int tokens = 0;
        for (Invoked r : batches) {
            JsonNode embeddings = r.body().path("embeddings");
            if (embeddings.isObject()) embeddings = embeddings.path("float"); // embedding_types asked: by type
            for (JsonNode e : embeddings) items.add(new EmbeddingResponse.Item(items.size(), e));
            tokens += r.inputTokens();
        }
        return new EmbeddingResponse(modelId, items, new Usage(tokens, 0, 0, 0, 0));
    }

    /** An InvokeModel answer and the input token count Bedrock reports in its header. */
    private record Invoked(JsonNode body, int inputTokens) {}

    /**
     * @param texts the texts a Cohere call sent, which its answer must hold exactly as many embeddings of (else the
     *              ones after it would carry the wrong index); -1 for Titan's one text
     */
    private Future<Invoked> invoke(ObjectNode body, Duration timeout, int texts, CallOptions options) {
        return send("/invoke", "application/json", buffer(body), timeout, options)
                .compose(resp -> UpstreamAnswers.read(resp, endpoint, http.buffers(), this::error, http.scrubber(), b -> {
                    JsonNode n = Json.read(b);
                    if (texts >= 0) {
                        JsonNode e = n.path("embeddings");
                        if (e.isObject()) e = e.path("float"); // embedding_types asked: by type
                        AnswerShape.require(e.isArray(), "no `embeddings` array");
                        AnswerShape.require(e.size() == texts, e.size() + " embeddings for " + texts + " texts");
                    }
                    String count = resp.getHeader("X-Amzn-Bedrock-Input-Token-Count");
                    return new Invoked(n, count == null ? 0 : Integer.parseInt(count.trim()));
                }));
    }

    private Buffer body(ChatRequest request) {
        dev.switchboard.provider.ResponsesBuiltInTools.refuse(request, deployment.id());
        return buffer(encoder.encode(dev.switchboard.model.CacheInjectionPoint.apply(injectionPoints, dev.switchboard.model.CacheInjectionPoint.automatic(request))));
    }

    private static Buffer buffer(ObjectNode json) {
        try {
            return Buffer.buffer(Json.MAPPER.writeValueAsBytes(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree we built always serializes
        }
    }

    /**
     * Signs (once the credentials are at hand; a cached lookup, or a worker's for the first call) and sends. The
     * deployment's extra headers go on after signing, unsigned, as the SDK's own user agent does.
     */
    private Future<HttpClientResponse> send(String action, String accept, Buffer body, Duration timeout, CallOptions options) {
        String path = endpoint.pathFor(action.startsWith("/model/") ? action : modelPath + action);
        Map<String, String> signed = new LinkedHashMap<>();
        signed.put("content-type", "application/json");
        signed.put("accept", accept);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        signed.forEach(headers::set);
        headers.set("user-agent", "switchboard/0.1");
        if (auth.bearerToken() != null) {
            headers.set("authorization", "Bearer " + auth.bearerToken());
            deployment.headers().forEach(headers::set);
            return http.send(endpoint, path, headers, body, timeout, options);
        }
        return credentials.current().compose(id -> {
            int q = path.indexOf('?');
            BedrockSigner.sign(headers, id, auth.region(), endpoint.ssl(), endpoint.host(), endpoint.port(),
                    q < 0 ? path : path.substring(0, q), signed, body.getBytes());
            deployment.headers().forEach(headers::set);
            return http.send(endpoint, path, headers, body, timeout, options);
        });
    }

    private GatewayException error(HttpClientResponse resp, Buffer body) {
        return BedrockErrorDecoder.decode(resp.statusCode(), resp.getHeader("x-amzn-ErrorType"), body, RetryAfter.of(resp),
                deployment.id(), secret);
    }
}
