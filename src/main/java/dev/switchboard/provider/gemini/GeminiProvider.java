package dev.switchboard.provider.gemini;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.Secret;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.EmbeddingProvider;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.RetryAfter;
import dev.switchboard.provider.UpstreamAnswers;
import dev.switchboard.provider.UpstreamAuth;
import dev.switchboard.provider.UpstreamHttp;
import dev.switchboard.provider.Windowed;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.time.Duration;

/**
 * Google's Gemini API: {@code generateContent} / {@code streamGenerateContent?alt=sse}, on AI Studio (key in
 * {@code x-goog-api-key}) or, through {@link GeminiProviderFactory#onTarget}, on Vertex AI; on AI Studio also
 * embeddings ({@code batchEmbedContents}, see {@link GeminiEmbeddings}).
 */
final class GeminiProvider implements Provider, EmbeddingProvider {
    static final String DEFAULT_BASE = "https://generativelanguage.googleapis.com";

    private final Deployment deployment;
    private final UpstreamHttp http;
    private final UpstreamHttp.Endpoint endpoint;
    private final MultiMap baseHeaders;
    private final UpstreamAuth auth;
    private final String secret;
    private final GeminiRequestEncoder encoder;
    private final String chatPath;
    private final String streamPath;
    private final String embedPath;

    GeminiProvider(Deployment d, GeminiTarget target, UpstreamHttp http) {
        this.deployment = d;
        this.http = http;
        this.endpoint = target.endpoint();
        this.secret = target.secret();
        this.encoder = new GeminiRequestEncoder(d);
        this.chatPath = target.chatPath();
        this.streamPath = target.streamPath();
        this.embedPath = target.embedPath();
        this.baseHeaders = target.baseHeaders();
        this.auth = target.auth();
    }

    @Override
    public boolean limitsToolNames() { return true; }

    @Override
    public java.util.Set<String> unsupportedParams() { return dev.switchboard.provider.UnsupportedParams.GEMINI; }

    /** A model before Gemini 2.5 (2.0, 1.5, Gemma) is sent no thinkingConfig: the request's thinking reaches it as nothing. */
    @Override
    public boolean dropsThinking(ChatRequest r) { return encoder.dropsThinking(r); }

    @Override
    public java.util.List<dev.switchboard.provider.ParamConflict> conflicts(ChatRequest r) {
        return dev.switchboard.provider.StopSequences.overLimit(r, dev.switchboard.provider.StopSequences.GEMINI, "Gemini");
    }

    /** AI Studio: the deployment's api_base (or Google's), {@code /v1beta/models/…}, the key in {@code x-goog-api-key}. */
    static GeminiTarget aiStudio(Deployment d, Secret key) {
        UpstreamHttp.Endpoint endpoint = UpstreamHttp.Endpoint.parse(d.apiBase() != null ? d.apiBase() : DEFAULT_BASE, d.id());
        String secret = key == null ? null : key.reveal();
        // An api_base may already name the API version (…/v1beta); otherwise v1beta, as Google's SDKs use.
        String versioned = endpoint.pathPrefix().matches(".*/v1(beta\\d*|alpha)?$") ? "" : "/v1beta";
        // the model may be a caller's text (a gemini/* wildcard): a plain Google model id, as one segment
        String model = dev.switchboard.provider.ModelIds.pathSegment(d, d.model(), dev.switchboard.provider.ModelIds.GOOGLE);
        return new GeminiTarget(endpoint, endpoint.pathFor(versioned + "/models/" + model + ":generateContent"),
                endpoint.pathFor(versioned + "/models/" + model + ":streamGenerateContent") + "?alt=sse",
                UpstreamHttp.baseHeaders(d.headers(), "x-goog-api-key", secret), UpstreamAuth.NONE, secret,
                endpoint.pathFor(versioned + "/models/" + model + ":batchEmbedContents"));
    }

    @Override
    public Future<ChatResponse> chat(ChatRequest request, CallOptions options) {
        return UpstreamAnswers.encodeThen(() -> body(request), body -> send(chatPath, body, options.timeoutOr(deployment.timeout()), options)
                .compose(resp -> UpstreamAnswers.read(resp, endpoint, http.buffers(), this::error, http.scrubber(),
                        b -> GeminiResponseDecoder.response(GeminiAnswerShape.response(Json.read(b)), deployment.model()))));
    }

    @Override
    public Future<ChatStream> stream(ChatRequest request, CallOptions options) {
        return UpstreamAnswers.encodeThen(() -> body(request), body -> send(streamPath, body,
                options.timeoutOr(deployment.streamIdleTimeout()), options).compose(resp -> UpstreamAnswers.stream(resp, endpoint, http.buffers(), this::error,
                http.scrubber(), () -> new GeminiStream(resp, endpoint, http.scrubber(), deployment.id(), deployment.model(), secret,
                candidates(request)).forRequest(options.requestId()))));
    }

    /** How many candidates the request asks for ({@code n}, sent as candidateCount). */
    private static int candidates(ChatRequest request) {
        com.fasterxml.jackson.databind.JsonNode n = request.extra().get("n");
        return n != null && n.canConvertToInt() ? n.asInt() : 1;
    }

    @Override
    public Future<EmbeddingResponse> embed(EmbeddingRequest request, CallOptions options) {
        if (embedPath == null) {
            return Future.failedFuture(GatewayException.badRequest("Model '" + request.model() + "' (" + deployment.id()
                    + ") does not support embeddings.", "model"));
        }
        java.util.List<String> texts;
        try {
            texts = GeminiEmbeddings.texts(request, deployment.id());
        } catch (GatewayException e) {
            return Future.failedFuture(e);
        }
        int batches = GeminiEmbeddings.batches(texts.size());
        // one deadline for all the request's calls: each is given the time left of it
        long deadline = Windowed.deadline(options.timeoutOr(deployment.timeout()));
        return Windowed.run(batches, Windowed.EMBED_WIDTH, b -> {
            int from = b * GeminiEmbeddings.MAX_BATCH, to = Math.min(texts.size(), from + GeminiEmbeddings.MAX_BATCH);
            Buffer body = GeminiEmbeddings.body(texts, b, request.dimensions(), deployment.model());
            return Windowed.withinDeadline(deadline, endpoint.name(), left -> send(embedPath, body, left, options))
                    .compose(resp -> UpstreamAnswers.read(resp, endpoint, http.buffers(), this::error, http.scrubber(),
                            answer -> GeminiEmbeddings.vectors(Json.read(answer), to - from)))
                    .recover(e -> Future.failedFuture(Windowed.inBatch(e, from, to)));
            // Google counts no tokens: a failed list's answered batches go on its attempt's row as their share of the
            // input's characters, which the gateway charges at that share of its estimate (marked estimated)
        }, Windowed.RETRY_ONCE, Windowed.pause(http.vertx(), deadline),
                (e, answered) -> Windowed.billedShare(e, answeredShare(texts, answered)))
                .map(parts -> GeminiEmbeddings.joined(parts, deployment.model()));
    }

    /** The characters of the texts whose batches answered, as a share of all the texts' characters. */
    static double answeredShare(java.util.List<String> texts, java.util.List<?> answered) {
        long all = 0, billed = 0;
        for (int i = 0; i < texts.size(); i++) {
            int chars = texts.get(i).length();
            all += chars;
            int batch = i / GeminiEmbeddings.MAX_BATCH;
            if (batch < answered.size() && answered.get(batch) != null) billed += chars;
        }
        return all == 0 ? 0 : (double) billed / all;
    }

    private GatewayException error(HttpClientResponse resp, Buffer body) {
        if (resp.statusCode() == 401) auth.refused();
        return GeminiErrorDecoder.decode(resp.statusCode(), body, RetryAfter.of(resp), deployment.id(), secret);
    }

    private Buffer body(ChatRequest request) {
        dev.switchboard.provider.ResponsesBuiltInTools.refuse(request, deployment.id());
        try {
            return Buffer.buffer(Json.MAPPER.writeValueAsBytes(encoder.encode(request)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Future<HttpClientResponse> send(String path, Buffer body, Duration timeout, CallOptions options) {
        return auth.sign(MultiMap.caseInsensitiveMultiMap().addAll(baseHeaders))
                .compose(headers -> http.send(endpoint, path, headers, body, timeout, options));
    }
}
