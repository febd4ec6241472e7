package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.UpstreamErrors;
import io.vertx.core.buffer.Buffer;

/**
 * Reads an error answer of OpenAI's shape ({@code {"error":{"message","type","param","code"}}}) and the
 * variants compatible servers send ({@code {"error":"text"}}, vLLM's {@code {"message":…}},
 * FastAPI's {@code {"detail":…}}).
 */
final class OpenAiErrorDecoder {
    private OpenAiErrorDecoder() {}

    static GatewayException decode(int status, Buffer body, Long retryAfter, String deploymentId, String secret) {
        JsonNode n;
        try {
            n = Json.read(body);
        } catch (Exception notJson) {
            return UpstreamErrors.fromPlainBody(status, body, retryAfter, deploymentId, secret);
        }
        String message = null, type = null, param = null, code = null;
        JsonNode e = n.get("error");
        if (e != null && e.isObject()) {
            message = Json.text(e, "message");
            type = Json.text(e, "type");
            param = Json.text(e, "param");
            code = Json.text(e, "code");
        } else if (e != null && e.isTextual()) {
            message = e.textValue();
        } else {
            message = n.has("message") ? Json.text(n, "message") : Json.text(n, "detail");
        }
        // every field is scrubbed of the key in fromStatus, not here: one place for every provider
        if (status == 200) {
            // an error object in a whole answer sent with HTTP 200 (OpenRouter's {"error":{"code":502,…}}, a compatible
            // server's own): mapped by what the error names, worded as what happened, never as a failure of "HTTP 200"
            return UpstreamErrors.inOkAnswer(statusOf(e), message, type, param, code, retryAfter, deploymentId, secret);
        }
        return UpstreamErrors.fromStatus(status, message, type, param, code, retryAfter, deploymentId, secret);
    }

    /**
     * The HTTP status an OpenAI-style error object stands for when no status said it: its numeric {@code code} when that
     * is an error status (OpenRouter's), else its {@code type} or {@code code} by OpenAI's own pairs of status and type;
     * 502 for one that names neither (the upstream failed).
     */
    static int statusOf(JsonNode error) {
        if (error == null || !error.isObject()) return 502;
        JsonNode c = error.get("code");
        if (c != null && c.canConvertToInt() && c.asInt() >= 400 && c.asInt() <= 599) return c.asInt();
        String code = c != null && c.isTextual() ? c.textValue() : "";
        if (code.equals("rate_limit_exceeded") || code.equals("insufficient_quota")) return 429;
        if (code.equals("context_length_exceeded") || code.equals("content_policy_violation")) return 400;
        return switch (Json.text(error, "type") == null ? "" : Json.text(error, "type")) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "rate_limit_error", "insufficient_quota", "tokens", "requests" -> 429;
            case "server_error" -> 500;
            default -> 502;
        };
    }

    /**
     * An {@code {"error":…}} object sent as an SSE event in a stream: mapped by what it names ({@link #statusOf}), as
     * Anthropic's error events are, so a rate limit sent as a stream's first event is a 429 to the router (a retry after
     * its cool-down, the rate-limit fallbacks) and to the client, not a 502.
     */
    static GatewayException midStream(JsonNode error, String deploymentId, String secret) {
        String message = error.isObject() ? Json.text(error, "message") : error.asText();
        return UpstreamErrors.inStream(statusOf(error), message, Json.text(error, "type"), null, Json.text(error, "code"),
                deploymentId, secret);
    }
}
