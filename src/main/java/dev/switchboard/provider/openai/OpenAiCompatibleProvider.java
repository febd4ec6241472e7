package dev.switchboard.provider.openai;

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
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.time.Duration;

/** OpenAI's API and every server that speaks it (Ollama, vLLM, llama.cpp, OpenRouter, Groq, DeepSeek, …). */
final class OpenAiCompatibleProvider implements Provider, EmbeddingProvider {
    private final Deployment deployment;
    private final UpstreamHttp http;
    private static final String CHAT = "/chat/completions";
    private final UpstreamHttp.Endpoint endpoint;
    /** The chat path on this deployment's server, made once: every chat call sends to it. */
    private final String chatPath;
    /** The headers of a call that reads JSON and of one that reads a stream: built once, only read after (UpstreamHttp). */
    private final MultiMap jsonHeaders;
    private final MultiMap streamHeaders;
    private final String secret;
    private final OpenAiRequestEncoder encoder;
    /** The fields this service rejects ({@link OpenAiFlavor#refuses}). */
    private final java.util.Set<String> refuses;
    private final OpenAiResponseDecoder decoder;
    private final OpenAiChatDecoder chatDecoder;
    private final Duration timeout;
    private final Duration streamTimeout;
    /** OpenAI itself (not the compatible servers): Responses-API requests are passed through to its /responses. */
    private final boolean responsesApi;
    /** OpenAI's own endpoint (no api_base, or one of OpenAI's hosts), not a compatible server (vLLM) named {@code openai/}. */
    private final boolean openAiItself;
    /** Whether Anthropic's cache_control reaches this service (the flavor's rule, as on chat). */
    private final boolean forwardsCacheControl;
    /** {@link Deployment#id()}, made once: it concatenates, and every stream names its deployment. */
    private final String deploymentId;

    /**
     * @param defaultHeaders headers sent unless the deployment's {@code extra_headers} name them (in any case): OpenRouter's
     *                       app attribution ({@link OpenAiCompatibleFactory#attribution})
     */
    OpenAiCompatibleProvider(Deployment d, OpenAiFlavor flavor, Secret key, UpstreamHttp http, java.util.Map<String, String> defaultHeaders) {
        this.deployment = d;
        this.deploymentId = d.id();
        this.http = http;
        this.endpoint = UpstreamHttp.Endpoint.parse(flavor.baseUrl(d.apiBase()), d.id());
        this.chatPath = endpoint.pathFor(CHAT);
        this.secret = key == null ? null : key.reveal();

        this.refuses = flavor.refuses();
        this.decoder = new OpenAiResponseDecoder(d.model());
        this.chatDecoder = new OpenAiChatDecoder(d.model(), UsageRules.of(flavor.prefix()));
        this.timeout = d.timeout();
        this.streamTimeout = d.streamIdleTimeout();
        this.responsesApi = flavor.prefix().equals("openai");
        this.openAiItself = responsesApi && openAiHost(endpoint.host());
        this.forwardsCacheControl = flavor.forwardsCacheControl();
        // a system message mid-conversation stays in place for OpenAI itself only (see OpenAiRequestEncoder.systemInPlace)
        this.encoder = new OpenAiRequestEncoder(d, flavor, flavor.wire().systemInConversation() && openAiItself);
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>(defaultHeaders);
        // a deployment's header comes after a default of the same name in any case: baseHeaders sets them in order
        headers.putAll(d.headers());
        MultiMap base = UpstreamHttp.baseHeaders(headers, "authorization", secret == null ? null : "Bearer " + secret);
        this.jsonHeaders = UpstreamHttp.prehashed(MultiMap.caseInsensitiveMultiMap().addAll(base).set("accept", "application/json"));
        this.streamHeaders = UpstreamHttp.prehashed(MultiMap.caseInsensitiveMultiMap().addAll(base).set("accept", "text/event-stream"));
    }

    /** Whether {@code host} is OpenAI's own API ({@code api.openai.com} or one of its subdomains), not a compatible server. */
    static boolean openAiHost(String host) {
        return host.equals("api.openai.com") || host.endsWith(".api.openai.com");
    }

    private MultiMap headers(String accept) {
        return switch (accept) {
            case "application/json" -> jsonHeaders;
            case "text/event-stream" -> streamHeaders;
            default -> MultiMap.caseInsensitiveMultiMap().addAll(jsonHeaders).set("accept", accept);
        };
    }

    @Override
    public java.util.Set<String> unsupportedParams() { return refuses; }

    /** OpenAI itself takes at most 4 stop sequences; other OpenAI-compatible servers keep their own limits. */
    @Override
    public java.util.List<dev.switchboard.provider.ParamConflict> conflicts(ChatRequest r) {
        if (!responsesApi || r.stop().isEmpty()) return java.util.List.of();
        return dev.switchboard.provider.StopSequences.overLimit(r, dev.switchboard.provider.StopSequences.OPENAI,
                "OpenAI's Chat Completions API");
    }

    @Override
    public boolean limitsToolNames() { return true; }

    /** OpenAI itself; the compatible servers do not know {@code allowed_tools}. */
    @Override
    public boolean takesAllowedTools() { return responsesApi; }

    /** OpenAI itself; the compatible servers (vLLM, Ollama, OpenRouter, ...) do not know custom tools. */
    @Override
    public boolean takesCustomTools() { return responsesApi; }

    @Override
    public boolean dropsThinking(ChatRequest request) { return !passesThrough(request) && encoder.dropsThinking(request); }

    @Override
    public Future<ChatResponse> chat(ChatRequest request, CallOptions options) {
        if (passesThrough(request)) {
            return read(post("/responses", responsesBody(request, false), "application/json", options.timeoutOr(timeout), options),
                    b -> OpenAiResponsesDecoder.response(Json.read(b), deployment.model()));
        }
        return UpstreamAnswers.encodeThen(() -> chatBody(request, false), body -> read(post(CHAT, body, "application/json",
                options.timeoutOr(timeout), options), this::answer));
    }

    @Override
    public Future<ChatStream> stream(ChatRequest request, CallOptions options) {
        if (passesThrough(request)) {
            return post("/responses", responsesBody(request, true), "text/event-stream", options.timeoutOr(streamTimeout), options)
                    .compose(resp -> UpstreamAnswers.stream(resp, endpoint, http.buffers(), this::error, http.scrubber(),
                            () -> new OpenAiResponsesStream(resp, endpoint, http.scrubber(), deploymentId, deployment.model(), secret).forRequest(options.requestId())));
        }
        return UpstreamAnswers.encodeThen(() -> chatBody(request, true), body -> post(CHAT, body, "text/event-stream",
                options.timeoutOr(streamTimeout), options).compose(resp -> UpstreamAnswers.stream(resp, endpoint, http.buffers(), this::error, http.scrubber(),
                        () -> new OpenAiStream(resp, chatDecoder, endpoint, http.scrubber(), deploymentId, secret).forRequest(options.requestId()))));
    }

    /** A whole chat answer; one whose finish reason says the generation failed is that failure (see FinishReasons). */
    private ChatResponse answer(byte[] body) throws java.io.IOException {
        try {
            return dev.switchboard.provider.ToolCallIds.filled(chatDecoder.response(body));
        } catch (FinishReasons.Failed e) {
            // the provider bills a failed generation: its usage goes with the failure, to the attempt's ledger row
            throw e.error(deploymentId).billed(chatDecoder.usageOf(body));
        }
    }

    /** A Responses-API request to OpenAI goes to its own endpoint as the client wrote it. */
    private boolean passesThrough(ChatRequest request) {
        return responsesApi && request.raw() != null && request.raw().is(dev.switchboard.model.RawJson.OPENAI_RESPONSES);
    }

    /** The client's Responses body as {@link ResponsesPassThrough} makes it for this deployment. */
    private Buffer responsesBody(ChatRequest request, boolean stream) {
        return Buffer.buffer(ResponsesPassThrough.body((com.fasterxml.jackson.databind.node.ObjectNode) request.raw().body(),
                deployment.model(), stream, openAiItself, forwardsCacheControl).toString());
    }

    /** The chat body; a Responses-API request with a built-in tool cannot be translated to it (400 naming the tool). */
    private Buffer chatBody(ChatRequest request, boolean stream) {
        dev.switchboard.provider.ResponsesBuiltInTools.refuse(request, deploymentId);
        return encoder.chat(request, stream);
    }

    @Override
    public Future<EmbeddingResponse> embed(EmbeddingRequest request, CallOptions options) {
        return read(post("/embeddings", encoder.embeddings(request), "application/json", options.timeoutOr(timeout), options),
                body -> decoder.embeddings(Json.read(body)));
    }

    private Future<HttpClientResponse> post(String path, Buffer body, String accept, Duration idle, CallOptions options) {
        return http.send(endpoint, CHAT.equals(path) ? chatPath : endpoint.pathFor(path), headers(accept), body, idle, options);
    }

    /** The answer {@code sent} brings, read and decoded: one future for the call (see {@link UpstreamAnswers#readAnswer}). */
    private <T> Future<T> read(Future<HttpClientResponse> sent, UpstreamAnswers.BodyDecoder<T> decode) {
        return UpstreamAnswers.readAnswer(sent, endpoint, http.buffers(), this::error, http.scrubber(), decode);
    }

    private GatewayException error(HttpClientResponse resp, Buffer body) {
        return OpenAiErrorDecoder.decode(resp.statusCode(), body, RetryAfter.of(resp), deploymentId, secret);
    }
}
