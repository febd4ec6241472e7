package dev.switchboard.provider.azure;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.EmbeddingProvider;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.RetryAfter;
import dev.switchboard.provider.UpstreamAnswers;
import dev.switchboard.provider.UpstreamHttp;
import dev.switchboard.provider.openai.OpenAiWire;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.time.Duration;

/**
 * Azure OpenAI and Azure AI Foundry: OpenAI's wire format ({@link OpenAiWire}) at Azure's URLs ({@link AzureUrls})
 * with Azure's credentials ({@link AzureAuth}) and Azure's errors and content filter ({@link AzureErrorDecoder}).
 */
final class AzureProvider implements Provider, EmbeddingProvider {
    private final Deployment deployment;
    private final AzureUrls urls;
    private final AzureAuth auth;
    private final OpenAiWire wire;
    private final UpstreamHttp http;
    /** The headers of the last credential seen: a fixed one is built once, an Entra token once per token. */
    private volatile Prepared prepared;

    private record Prepared(String value, MultiMap headers) {}

    AzureProvider(Deployment d, AzureUrls urls, AzureAuth auth, OpenAiWire wire, UpstreamHttp http) {
        this.deployment = d;
        this.urls = urls;
        this.auth = auth;
        this.wire = wire;
        this.http = http;
    }

    @Override
    public boolean limitsToolNames() { return true; }

    /** The same encoder as {@code openai/}, so the same drop ({@code OpenAiRequestEncoder.dropsThinking}). */
    @Override
    public boolean dropsThinking(ChatRequest r) { return wire.dropsThinking(r); }

    /** Azure OpenAI takes OpenAI's request, its 4 stop sequences at most included; Foundry's other models keep their own. */
    @Override
    public java.util.List<dev.switchboard.provider.ParamConflict> conflicts(ChatRequest r) {
        if (!"azure".equals(deployment.provider()) || r.stop().isEmpty()) return java.util.List.of();
        return dev.switchboard.provider.StopSequences.overLimit(r, dev.switchboard.provider.StopSequences.OPENAI,
                "Azure OpenAI's Chat Completions API");
    }

    /** Azure OpenAI serves OpenAI's models with OpenAI's request shape, allowed_tools included; Foundry's others may not. */
    @Override
    public boolean takesAllowedTools() { return "azure".equals(deployment.provider()); }

    /** Azure OpenAI serves OpenAI's models, custom tools included; Foundry's others may not. */
    @Override
    public boolean takesCustomTools() { return "azure".equals(deployment.provider()); }

    @Override
    public Future<ChatResponse> chat(ChatRequest request, CallOptions options) {
        return UpstreamAnswers.encodeThen(() -> wire.chatBody(request, false), body ->
                post(urls.chat(), body, "application/json", options.timeoutOr(deployment.timeout()), options)
                        .compose(resp -> UpstreamAnswers.read(resp, urls.endpoint(), http.buffers(), this::error, http.scrubber(),
                                wire::chatAnswer))
                        .compose(answer -> AzureErrorDecoder.unlessFiltered(answer, deployment.id())));
    }

    @Override
    public Future<ChatStream> stream(ChatRequest request, CallOptions options) {
        return UpstreamAnswers.encodeThen(() -> wire.chatBody(request, true), body ->
                post(urls.chat(), body, "text/event-stream", options.timeoutOr(deployment.streamIdleTimeout()), options)
                        .compose(resp -> UpstreamAnswers.stream(resp, urls.endpoint(), http.buffers(), this::error, http.scrubber(),
                                () -> wire.stream(resp, urls.endpoint(), http.scrubber(), auth.current()))));
    }

    @Override
    public Future<EmbeddingResponse> embed(EmbeddingRequest request, CallOptions options) {
        return post(urls.embeddings(), wire.embeddingsBody(request), "application/json", options.timeoutOr(deployment.timeout()), options)
                .compose(resp -> UpstreamAnswers.read(resp, urls.endpoint(), http.buffers(), this::error, http.scrubber(),
                        wire::embeddingsAnswer));
    }

    private Future<HttpClientResponse> post(String path, Buffer body, String accept, Duration idle, CallOptions options) {
        return auth.header().compose(h -> http.send(urls.endpoint(), path,
                MultiMap.caseInsensitiveMultiMap().addAll(headers(h)).set("accept", accept), body, idle, options));
    }

    private MultiMap headers(AzureAuth.Header h) {
        Prepared p = prepared;
        if (p != null && p.value().equals(h.value())) return p.headers();
        MultiMap m = UpstreamHttp.baseHeaders(deployment.headers(), h.name(), h.value());
        prepared = new Prepared(h.value(), m);
        return m;
    }

    private GatewayException error(HttpClientResponse resp, Buffer body) {
        return AzureErrorDecoder.decode(resp.statusCode(), body, RetryAfter.of(resp), deployment.id(), auth.current());
    }
}
