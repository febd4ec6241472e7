package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.Deployment;
import dev.switchboard.config.Secret;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.UpstreamAnswers;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.time.Duration;

/** Anthropic's Messages API ({@code POST /v1/messages}, key in {@code x-api-key}). */
final class AnthropicProvider implements Provider {
    private final Deployment deployment;
    private final UpstreamHttp http;
    private final UpstreamHttp.Endpoint endpoint;
    private final MultiMap baseHeaders;
    private final String secret;
    private final AnthropicRequestEncoder encoder;
    private final AnthropicCacheInjector injector;

    AnthropicProvider(Deployment d, Secret key, UpstreamHttp http) {
        this.deployment = d;
        this.http = http;
        this.endpoint = UpstreamHttp.Endpoint.parse(d.apiBase() != null ? d.apiBase() : AnthropicModels.DEFAULT_BASE, d.id());
        this.secret = key == null ? null : key.reveal();
        this.encoder = new AnthropicRequestEncoder(d);
        this.injector = AnthropicCacheInjector.from(d.params().get("cache_control_injection_points"));
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        h.set("content-type", "application/json");
        h.set("anthropic-version", AnthropicModels.API_VERSION);
        h.set("user-agent", "switchboard/0.1");
        if (secret != null) h.set("x-api-key", secret);
        d.headers().forEach(h::set);
        this.baseHeaders = h;
    }

    @Override
    public Future<ChatResponse> chat(ChatRequest request, CallOptions options) {
        Buffer body;
        try {
            body = body(request, false);
        } catch (GatewayException e) {
            return Future.failedFuture(e);
        }
        return send(request, body, "application/json", timeout(options, deployment.timeout()))
                .compose(resp -> UpstreamAnswers.read(resp, endpoint, this::error, b -> AnthropicResponseDecoder.response(Json.read(b))));
    }

    @Override
    public Future<ChatStream> stream(ChatRequest request, CallOptions options) {
        Buffer body;
        try {
            body = body(request, true);
        } catch (GatewayException e) {
            return Future.failedFuture(e);
        }
        Duration streamTimeout = deployment.streamTimeout() != null ? deployment.streamTimeout() : deployment.timeout();
        return send(request, body, "text/event-stream", timeout(options, streamTimeout)).compose(resp -> UpstreamAnswers.stream(resp,
                this::error, () -> new AnthropicStream(resp, endpoint, deployment.id(), deployment.model(), secret)));
    }

    private Buffer body(ChatRequest request, boolean stream) {
        ObjectNode json = encoder.encode(request, stream);
        injector.apply(json);
        try {
            return Buffer.buffer(Json.MAPPER.writeValueAsBytes(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree we built always serializes
        }
    }

    private Future<HttpClientResponse> send(ChatRequest request, Buffer body, String accept, Duration timeout) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(baseHeaders).set("accept", accept);
        if (request.raw() != null) {
            String beta = request.raw().headers().get("anthropic-beta");
            if (beta != null) headers.set("anthropic-beta", beta); // the client's beta features, passed on
        }
        return http.send(endpoint, endpoint.pathFor("/v1/messages"), headers, body, timeout);
    }

    private static Duration timeout(CallOptions options, Duration deploymentDefault) {
        return options.timeout() != null ? options.timeout() : deploymentDefault;
    }

    private GatewayException error(HttpClientResponse resp, Buffer body) {
        return AnthropicErrorDecoder.decode(resp.statusCode(), body, resp.getHeader("retry-after"), deployment.id(), secret);
    }
}
