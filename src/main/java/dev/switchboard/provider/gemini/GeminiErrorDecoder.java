package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.RetryAfter;
import dev.switchboard.provider.UpstreamErrors;
import io.vertx.core.buffer.Buffer;

/**
 * Google's error shape, {@code {"error":{"code","message","status","details"}}}; a RetryInfo detail's
 * {@code retryDelay} ("30s") becomes retry-after, and an ErrorInfo detail with reason {@code API_KEY_INVALID}
 * (Google's answer to a wrong key, status 400) becomes an authentication error.
 */
public final class GeminiErrorDecoder {
    private GeminiErrorDecoder() {}

    public static GatewayException decode(int status, Buffer body, Long retryAfterHeader, String deploymentId, String secret) {
        try {
            return fromBody(status, Json.read(body), retryAfterHeader, deploymentId, secret, false);
        } catch (Exception notJson) {
            return UpstreamErrors.fromPlainBody(status, body, retryAfterHeader, deploymentId, secret);
        }
    }

    /**
     * An error chunk in a stream Google had answered with HTTP 200 ({@code data: {"error":{"code":500,…}}}): mapped by
     * its code, but worded as an error event in a 200 stream, never as an HTTP status Google did not send.
     */
    static GatewayException inStream(JsonNode n, String deploymentId, String secret) {
        return fromBody(n.path("error").path("code").asInt(502), n, null, deploymentId, secret, true);
    }

    private static GatewayException fromBody(int status, JsonNode n, Long retryAfterHeader, String deploymentId, String secret,
                                             boolean inStream) {
        JsonNode e = n.path("error");
        String message = Json.text(e, "message");
        Long retry = retryAfterHeader;
        boolean badKey = false;
        for (JsonNode d : e.path("details")) {
            String delay = Json.text(d, "retryDelay");
            if (delay != null && delay.endsWith("s")) {
                Long wait = RetryAfter.seconds(delay.substring(0, delay.length() - 1), java.time.Instant.now());
                if (wait != null) retry = wait;
            }
            badKey |= "API_KEY_INVALID".equals(Json.text(d, "reason"));
        }
        if (badKey) {
            // Google says 400 INVALID_ARGUMENT, but the request is fine and the deployment's key is not: the same
            // authentication error OpenAI's and Anthropic's 401 give, so routing falls back instead of blaming the client.
            return inStream ? UpstreamErrors.inStream(401, message, null, null, "invalid_api_key", retry, deploymentId, secret)
                    : UpstreamErrors.fromStatus(401, message, null, null, "invalid_api_key", retry, deploymentId, secret);
        }
        String code = message != null && message.contains("exceeds the maximum number of tokens") ? "context_length_exceeded"
                : status == 429 ? "rate_limit_exceeded" : null;
        return inStream ? UpstreamErrors.inStream(status, message, Json.text(e, "status"), null, code, retry, deploymentId, secret)
                : UpstreamErrors.fromStatus(status, message, Json.text(e, "status"), null, code, retry, deploymentId, secret);
    }
}
