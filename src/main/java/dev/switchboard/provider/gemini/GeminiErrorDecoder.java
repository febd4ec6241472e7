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

    /** Where an error object came: an error answer's body, the body of an HTTP 200 answer, or an event of a 200 stream. */
    private enum Where { ANSWER, IN_200_ANSWER, IN_STREAM }

    public static GatewayException decode(int status, Buffer body, Long retryAfterHeader, String deploymentId, String secret) {
        JsonNode n;
        try {
            n = Json.unlisted(Json.read(body));
        } catch (Exception notJson) {
            return UpstreamErrors.fromPlainBody(status, body, retryAfterHeader, deploymentId, secret);
        }
        // A 200 whose body is an error object: the error's own status decides, as for the same error inside a stream (an
        // UNAVAILABLE is an overload, 503, not a 502 "failed (HTTP 200)"), worded as an error in a 200 answer
        if (status == 200) return fromBody(statusOf(n.path("error")), n, retryAfterHeader, deploymentId, secret, Where.IN_200_ANSWER);
        return fromBody(status, n, retryAfterHeader, deploymentId, secret, Where.ANSWER);
    }

    /**
     * An error chunk in a stream Google had answered with HTTP 200 ({@code data: {"error":{"code":500,…}}}): mapped by
     * its code, but worded as an error event in a 200 stream, never as an HTTP status Google did not send.
     */
    static GatewayException inStream(JsonNode n, String deploymentId, String secret) {
        return fromBody(n.path("error").path("code").asInt(502), n, null, deploymentId, secret, Where.IN_STREAM);
    }

    /**
     * The HTTP status a Google error object stands for: its {@code code} when that is an error status, else its
     * {@code status} name by Google's own mapping of gRPC codes to HTTP; 502 for an error that names neither.
     */
    static int statusOf(JsonNode error) {
        int code = error.path("code").asInt(0);
        if (code >= 400 && code <= 599) return code;
        return switch (error.path("status").asText("")) {
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" -> 400;
            case "UNAUTHENTICATED" -> 401;
            case "PERMISSION_DENIED" -> 403;
            case "NOT_FOUND" -> 404;
            case "ABORTED", "ALREADY_EXISTS" -> 409;
            case "RESOURCE_EXHAUSTED" -> 429;
            case "UNAVAILABLE" -> 503;
            case "DEADLINE_EXCEEDED" -> 504;
            default -> 502; // INTERNAL, UNKNOWN, DATA_LOSS, CANCELLED, UNIMPLEMENTED, none: the upstream failed
        };
    }

    private static GatewayException fromBody(int status, JsonNode n, Long retryAfterHeader, String deploymentId, String secret,
                                             Where where) {
        JsonNode e = n.path("error");
        String message = e.isTextual() ? e.textValue() : Json.text(e, "message"); // {"error":"text"} in a 200 too
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
            return error(where, 401, message, null, "invalid_api_key", retry, deploymentId, secret);
        }
        String code = message != null && message.contains("exceeds the maximum number of tokens") ? "context_length_exceeded"
                : status == 429 ? "rate_limit_exceeded" : null;
        return error(where, status, message, Json.text(e, "status"), code, retry, deploymentId, secret);
    }

    private static GatewayException error(Where where, int status, String message, String type, String code, Long retry,
                                          String deploymentId, String secret) {
        return switch (where) {
            case IN_STREAM -> UpstreamErrors.inStream(status, message, type, null, code, retry, deploymentId, secret);
            case IN_200_ANSWER -> UpstreamErrors.inOkAnswer(status, message, type, null, code, retry, deploymentId, secret);
            case ANSWER -> UpstreamErrors.fromStatus(status, message, type, null, code, retry, deploymentId, secret);
        };
    }
}
