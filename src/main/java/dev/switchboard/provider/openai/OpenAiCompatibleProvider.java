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
    private final UpstreamHttp.Endpoint endpoint;
    private final MultiMap baseHeaders;
    private final String secret;
    private final OpenAiRequestEncoder encoder;
    private final OpenAiResponseDecoder decoder;
    private final OpenAiChatDecoder chatDecoder;
    private final Duration timeout;
    private final Duration streamTimeout;

    OpenAiCompatibleProvider(Deployment d, OpenAiFlavor flavor, Secret key, UpstreamHttp http) {
        this.deployment = d;
        this.http = http;
        this.endpoint = UpstreamHttp.Endpoint.parse(d.apiBase() != null ? d.apiBase() : flavor.defaultBase(), d.id());
        this.secret = key == null ? null : key.reveal();
        this.encoder = new OpenAiRequestEncoder(d, flavor);
        this.decoder = new OpenAiResponseDecoder(d.model());
        this.chatDecoder = new OpenAiChatDecoder(d.model());
        this.timeout = d.timeout();
        this.streamTimeout = d.streamIdleTimeout();
        this.baseHeaders = UpstreamHttp.baseHeaders(d.headers(), "authorization", secret == null ? null : "Bearer " + secret);
    }

    private MultiMap headers(String accept) {
        return MultiMap.caseInsensitiveMultiMap().addAll(baseHeaders).set("accept", accept);
    }

    @Override
    public Future<ChatResponse> chat(ChatRequest request, CallOptions options) {
        return post("/chat/completions", encoder.chat(request, false), "application/json", options.timeoutOr(timeout), options)
                .compose(resp -> read(resp, chatDecoder::response));
    }

    @Override
    public Future<ChatStream> stream(ChatRequest request, CallOptions options) {
        return post("/chat/completions", encoder.chat(request, true), "text/event-stream", options.timeoutOr(streamTimeout), options)
                .compose(resp -> UpstreamAnswers.stream(resp, endpoint, http.buffers(), this::error, http.scrubber(),
                        () -> new OpenAiStream(resp, chatDecoder, endpoint, http.scrubber(), deployment.id(), secret)));
    }

    @Override
    public Future<EmbeddingResponse> embed(EmbeddingRequest request, CallOptions options) {
        return post("/embeddings", encoder.embeddings(request), "application/json", options.timeoutOr(timeout), options)
                .compose(resp -> read(resp, body -> decoder.embeddings(Json.read(body))));
    }

    private Future<HttpClientResponse> post(String path, Buffer body, String accept, Duration idle, CallOptions options) {
        return http.send(endpoint, endpoint.pathFor(path), headers(accept), body, idle, options);
    }

    private <T> Future<T> read(HttpClientResponse resp, UpstreamAnswers.BodyDecoder<T> decode) {
        return UpstreamAnswers.read(resp, endpoint, http.buffers(), this::error, http.scrubber(), decode);
    }

    private GatewayException error(HttpClientResponse resp, Buffer body) {
        return OpenAiErrorDecoder.decode(resp.statusCode(), body, RetryAfter.of(resp), deployment.id(), secret);
    }
}
