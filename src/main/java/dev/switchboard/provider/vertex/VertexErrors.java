package dev.switchboard.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.RetryAfter;
import dev.switchboard.provider.UpstreamAnswers;
import dev.switchboard.provider.anthropic.AnthropicErrorDecoder;
import dev.switchboard.provider.gemini.GeminiErrorDecoder;
import io.vertx.core.buffer.Buffer;

/**
 * Errors of Claude on Vertex come in two shapes: Google's front end answers its own refusals (a missing or expired
 * token 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, quota 429 RESOURCE_EXHAUSTED, an unknown model 404) as
 * {@code {"error":{"code","message","status"}}}, while what the model itself refuses passes through in Anthropic's
 * {@code {"type":"error","error":{"type","message"}}}. Each goes to the decoder of its shape, so RESOURCE_EXHAUSTED is a
 * 429 and {@code overloaded_error} a 503 exactly as on Gemini and Anthropic. Google's own 503 UNAVAILABLE in front of
 * Claude ("The model is overloaded", "The service is currently unavailable") is Vertex's word for what Anthropic's API
 * calls {@code overloaded_error}: it is carried as that type, so an Anthropic-dialect client gets Anthropic's 529
 * {@code overloaded_error}, as from Claude on Anthropic, and not a 503 its SDK files under another name. The attempt's
 * records keep the 503 Vertex sent.
 */
final class VertexErrors {
    private static final String OVERLOADED = "overloaded_error";

    private VertexErrors() {}

    static UpstreamAnswers.ErrorDecoder forClaude(String deploymentId) {
        return (resp, body) -> claude(resp.statusCode(), body, RetryAfter.of(resp), deploymentId);
    }

    /**
     * One error answer of Claude on Vertex, by its shape. Parsed once and unwrapped from the one-element list the
     * streaming method may send, so Anthropic's decoder reads the error object itself, not the list around it (where it
     * found no type and no message).
     */
    static GatewayException claude(int status, Buffer body, Long retry, String deploymentId) {
        JsonNode n = Json.readOrNull(body.getBytes());
        if (n == null) return AnthropicErrorDecoder.decode(status, body, retry, deploymentId, null); // a plain-text body
        n = Json.unlisted(n);
        if (googleShaped(n)) return overloadedWhenUnavailable(GeminiErrorDecoder.decode(status, body, retry, deploymentId, null));
        return AnthropicErrorDecoder.decode(status, n, retry, deploymentId, null);
    }

    /** Google's UNAVAILABLE (503) as Anthropic's overloaded_error, keeping the status, message and retry Vertex gave. */
    static GatewayException overloadedWhenUnavailable(GatewayException e) {
        if (e.kind() != ErrorKind.UNAVAILABLE || e.attemptStatus() != 503) return e;
        return e.withUpstreamType(OVERLOADED); // every other field as it was (headers, billed usage, …)
    }

    static UpstreamAnswers.ErrorDecoder forGoogle(String deploymentId) {
        return (resp, body) -> GeminiErrorDecoder.decode(resp.statusCode(), body, RetryAfter.of(resp), deploymentId, null);
    }

    /** Google's shape: {@code error.status} (a gRPC code name) or a numeric {@code error.code}, and no top-level type. */
    private static boolean googleShaped(JsonNode n) {
        JsonNode e = n.path("error");
        return !n.has("type") && (e.path("status").isTextual() || e.path("code").isNumber());
    }
}
