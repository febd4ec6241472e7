package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.Deployment;
import dev.switchboard.config.Secret;
import dev.switchboard.model.CacheInjectionPoint;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.Attachments;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.ClaudeOutputLimits;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.RetryAfter;
import dev.switchboard.provider.UpstreamAnswers;
import dev.switchboard.provider.UpstreamAuth;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.time.Duration;
import java.util.List;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}, key in {@code x-api-key}), or the same body elsewhere (Claude on
 * Vertex AI) through an {@link AnthropicTarget}.
 */
final class AnthropicProvider implements Provider, dev.switchboard.provider.TokenCounter {
    private final Deployment deployment;
    private final UpstreamHttp http;
    private final AnthropicTarget target;
    private final UpstreamHttp.Endpoint endpoint;
    private final String secret;
    private final AnthropicRequestEncoder encoder;
    private final List<CacheInjectionPoint> injectionPoints;
    private final AnthropicCacheInjector injector;
    /** Whether the target passes on the Files API beta (Vertex AI drops it): the target's, so worked out once. */
    private final boolean filesApi;

    AnthropicProvider(Deployment d, AnthropicTarget target, UpstreamHttp http) {
        this.deployment = d;
        this.http = http;
        this.target = target;
        this.endpoint = target.endpoint();
        this.secret = target.secret();
        this.encoder = new AnthropicRequestEncoder(d);
        this.injectionPoints = d.cacheInjectionPoints();
        this.injector = new AnthropicCacheInjector(injectionPoints);
        this.filesApi = target.betas().apply(Attachments.FILES_API_BETA) != null;
    }

    /** Anthropic's own API: the deployment's api_base (or Anthropic's), {@code /v1/messages}, key in {@code x-api-key}. */
    static AnthropicTarget direct(Deployment d, Secret key) {
        UpstreamHttp.Endpoint endpoint = UpstreamHttp.Endpoint.parse(AnthropicModels.base(d.apiBase()), d.id());
        String secret = key == null ? null : key.reveal();
        String path = endpoint.pathFor("/v1/messages");
        return new AnthropicTarget(endpoint, path, path,
                UpstreamHttp.baseHeaders(d.headers(), "x-api-key", secret).set("anthropic-version", AnthropicModels.API_VERSION),
                UpstreamAuth.NONE, secret, body -> body,
                (resp, body) -> AnthropicErrorDecoder.decode(resp.statusCode(), body, RetryAfter.of(resp), d.id(), secret),
                endpoint.pathFor("/v1/messages/count_tokens"));
    }

    @Override
    public boolean dropsThinking(ChatRequest r) { return encoder.dropsThinking(r); }

    @Override
    public Future<ChatResponse> chat(ChatRequest request, CallOptions options) {
        return UpstreamAnswers.encodeThen(() -> body(request, false), body -> send(request, body, "application/json",
                options.timeoutOr(deployment.timeout()), options)
                .compose(resp -> UpstreamAnswers.read(resp, endpoint, http.buffers(), this::error, http.scrubber(),
                        b -> AnthropicResponseDecoder.response(AnthropicAnswerShape.message(Json.read(b))))));
    }

    @Override
    public Future<ChatStream> stream(ChatRequest request, CallOptions options) {
        return UpstreamAnswers.encodeThen(() -> body(request, true), body -> send(request, body, "text/event-stream",
                options.timeoutOr(deployment.streamIdleTimeout()), options).compose(resp -> UpstreamAnswers.stream(resp, endpoint, http.buffers(),
                this::error, http.scrubber(), () -> new AnthropicStream(resp, endpoint, http.scrubber(), deployment.id(),
                deployment.model(), secret).forRequest(options.requestId()))));
    }

    /**
     * Anthropic's {@code count_tokens}: the request encoded as for a call, less the fields that endpoint refuses (it
     * takes the prompt's: model, messages, system, tools, tool_choice, thinking, mcp_servers); free, and not a call.
     */
    @Override
    public Future<Integer> countTokens(ChatRequest request, CallOptions options) {
        if (target.countPath() == null) return Future.succeededFuture(null);
        return UpstreamAnswers.encodeThen(() -> countBody(request), body -> {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(target.baseHeaders()).set("accept", "application/json");
            String beta = request.raw() == null ? null : target.betas().apply(request.raw().headers().get("anthropic-beta"));
            if (beta != null) headers.set("anthropic-beta", beta);
            return target.auth().sign(headers).compose(signed -> http.send(endpoint, target.countPath(), signed, body,
                            options.timeoutOr(deployment.timeout()), options))
                    .compose(resp -> UpstreamAnswers.read(resp, endpoint, http.buffers(), this::error, http.scrubber(),
                            b -> {
                                com.fasterxml.jackson.databind.JsonNode n = Json.read(b).get("input_tokens");
                                // an answer without the count is no count (the caller estimates), not a count of 0
                                if (n == null || !n.canConvertToInt()) throw new java.io.IOException("no input_tokens in the answer");
                                return n.intValue();
                            }));
        });
    }

    private static final java.util.Set<String> COUNTED = java.util.Set.of("model", "messages", "system", "tools", "tool_choice",
            "thinking", "mcp_servers");

    private Buffer countBody(ChatRequest request) {
        ObjectNode json = encoded(request, false);
        json.retain(COUNTED);
        // Vertex's call bodies name no model (the URL does); its count-tokens body does, as Anthropic's does
        if (!json.has("model")) json.put("model", deployment.model());
        return serialized(json);
    }

    @Override
    public List<CacheInjectionPoint> injectedBreakpoints() { return injectionPoints; }

    @Override
    public Integer outputLimitWhenUnset() { return ClaudeOutputLimits.defaultMaxTokens(deployment.model()); }

    @Override
    public java.util.Set<String> unsupportedParams() { return dev.switchboard.provider.UnsupportedParams.ANTHROPIC; }

    @Override
    public boolean runsAnthropicServerTools() { return true; } // the client's body goes as written

    @Override
    public java.util.List<dev.switchboard.provider.ParamConflict> conflicts(ChatRequest r) {
        return dev.switchboard.provider.ClaudeSampling.conflicts(r, deployment.model());
    }

    private Buffer body(ChatRequest request, boolean stream) { return serialized(encoded(request, stream)); }

    private static Buffer serialized(ObjectNode json) {
        try {
            return Buffer.buffer(Json.MAPPER.writeValueAsBytes(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree we built always serializes
        }
    }

    private ObjectNode encoded(ChatRequest request, boolean stream) {
        dev.switchboard.provider.ResponsesBuiltInTools.refuse(request, deployment.id());
        // a host that drops the Files API beta (Vertex AI) cannot read a file_id: the caller's 400 says so, not the host's
        if (!filesApi) Attachments.noFilesApi(request.messages(), deployment.id());
        boolean rawBody = request.raw() != null && request.raw().is(RawJson.ANTHROPIC);
        // A translated request gets its breakpoints on the canonical messages (LiteLLM's indexes, system
        // messages included: the same ones the cache lint saw); a raw Anthropic body in its own JSON.
        ObjectNode json = encoder.encode(rawBody ? request : CacheInjectionPoint.apply(injectionPoints, request), stream);
        if (rawBody) injector.apply(json);
        return target.adjust().apply(json);
    }

    private Future<HttpClientResponse> send(ChatRequest request, Buffer body, String accept, Duration timeout,
                                            CallOptions options) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(target.baseHeaders()).set("accept", accept);
        if (request.raw() != null) {
            // the client's beta features, passed on as the target takes them (effort itself needs none: Anthropic's docs)
            String beta = target.betas().apply(request.raw().headers().get("anthropic-beta"));
            if (beta != null) headers.set("anthropic-beta", beta);
        }
        String path = "text/event-stream".equals(accept) ? target.streamPath() : target.chatPath();
        return target.auth().sign(headers).compose(signed -> http.send(endpoint, path, signed, body, timeout, options));
    }

    private GatewayException error(HttpClientResponse resp, Buffer body) {
        if (resp.statusCode() == 401) target.auth().refused();
        return target.errors().decode(resp, body);
    }
}
