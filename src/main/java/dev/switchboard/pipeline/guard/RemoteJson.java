package dev.switchboard.pipeline.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.UpstreamAnswers;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/**
 * One JSON POST to a remote guardrail service (Aporia, Lakera) through the gateway's own upstream client: never blocks
 * the event loop, bounded by the guardrail's {@code timeout}, reset when the client leaves, the answer scanned for keys.
 * Any failure (no connection, a timeout, a non-2xx status, a body that is not JSON) fails the request: guardrails fail
 * closed, as LiteLLM's raise. Messages name the guardrail and the server, never a header (its key is one).
 */
final class RemoteJson {
    private final String guardrail;
    private final UpstreamHttp http;
    private final UpstreamHttp.Endpoint endpoint;
    private final String path;
    private final String keyHeader;
    private final String keyValue;
    private final Duration timeout;

    RemoteJson(String guardrail, UpstreamHttp http, String baseUrl, String path, String keyHeader, String keyValue, Duration timeout) {
        this.guardrail = guardrail;
        this.http = http;
        this.endpoint = UpstreamHttp.Endpoint.parse(baseUrl, "guardrail " + guardrail);
        this.path = endpoint.pathFor(path);
        this.keyHeader = keyHeader;
        this.keyValue = keyValue;
        this.timeout = timeout;
    }

    Future<JsonNode> post(ObjectNode body, CallOptions call) {
        Buffer buf = Buffer.buffer(body.toString());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .set("content-type", "application/json")
                .set("accept", "application/json")
                .set("user-agent", "switchboard/0.1");
        if (keyValue != null) headers.set(keyHeader, keyValue);
        return http.send(endpoint, path, headers, buf, timeout, call)
                .recover(t -> Future.failedFuture(UpstreamHttp.networkFailure(t, endpoint)))
                .compose(resp -> UpstreamAnswers.read(resp, endpoint, http.buffers(),
                        (r, b) -> GatewayException.of(ErrorKind.UPSTREAM, "HTTP " + r.statusCode() + " from " + endpoint.name()),
                        http.scrubber(), b -> Json.read(b)))
                .recover(t -> Future.failedFuture(Blocks.failedToRespond(guardrail, t)));
    }
}
