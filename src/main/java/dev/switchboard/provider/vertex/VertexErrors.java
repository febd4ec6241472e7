package dev.switchboard.provider.vertex;

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
 * 429 and {@code overloaded_error} a 503 exactly as on Gemini and Anthropic.
 */
final class VertexErrors {
    private VertexErrors() {}

    static UpstreamAnswers.ErrorDecoder forClaude(String deploymentId) {
        return (resp, body) -> {
            Long retry = RetryAfter.of(resp);
            if (googleShaped(body)) return GeminiErrorDecoder.decode(resp.statusCode(), body, retry, deploymentId, null);
            return AnthropicErrorDecoder.decode(resp.statusCode(), body, retry, deploymentId, null);
        };
    }

    static UpstreamAnswers.ErrorDecoder forGoogle(String deploymentId) {
        return (resp, body) -> GeminiErrorDecoder.decode(resp.statusCode(), body, RetryAfter.of(resp), deploymentId, null);
    }

    /** Google's shape: {@code error.status} (a gRPC code name) or a numeric {@code error.code}, and no top-level type. */
    private static boolean googleShaped(io.vertx.core.buffer.Buffer body) {
        try {
            var n = Json.read(body);
            var e = n.path("error");
            return !n.has("type") && (e.path("status").isTextual() || e.path("code").isNumber());
        } catch (Exception notJson) {
            return false;
        }
    }
}
