package dev.switchboard.provider.vertex;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.RetryAfter;
import dev.switchboard.provider.UpstreamAnswers;
import dev.switchboard.provider.anthropic.AnthropicErrorDecoder;
import dev.switchboard.provider.gemini.GeminiErrorDecoder;

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
        return (resp, body) -> {
            Long retry = RetryAfter.of(resp);
            if (googleShaped(body)) return overloadedWhenUnavailable(GeminiErrorDecoder.decode(resp.statusCode(), body, retry, deploymentId, null));
            return AnthropicErrorDecoder.decode(resp.statusCode(), body, retry, deploymentId, null);
        };
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
    private static boolean googleShaped(io.vertx.core.buffer.Buffer body) {
        try {
            var n = GeminiErrorDecoder.unlisted(Json.read(body));
            var e = n.path("error");
            return !n.has("type") && (e.path("status").isTextual() || e.path("code").isNumber());
        } catch (Exception notJson) {
            return false;
        }
    }
}
