package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.UpstreamErrors;
import io.vertx.core.buffer.Buffer;

/** Reads Anthropic's error shape, {@code {"type":"error","error":{"type","message"}}}, as a status or as a stream event. */
public final class AnthropicErrorDecoder {
    private AnthropicErrorDecoder() {}

    public static GatewayException decode(int status, Buffer body, Long retryAfter, String deploymentId, String secret) {
        try {
            return fromBody(status, Json.read(body), retryAfter, deploymentId, secret);
        } catch (Exception notJson) {
            return UpstreamErrors.fromPlainBody(status, body, retryAfter, deploymentId, secret);
        }
    }

    /** An error answer already parsed (and, on Vertex, taken out of the list a streaming method may wrap it in). */
    public static GatewayException decode(int status, JsonNode n, Long retryAfter, String deploymentId, String secret) {
        return fromBody(status, n, retryAfter, deploymentId, secret);
    }

    /** An {@code error} event in a stream (sent after a 200): its status follows from its type. */
    static GatewayException midStream(JsonNode n, String deploymentId, String secret) {
        int status = statusOf(Json.text(n.path("error"), "type"));
        JsonNode e = n.path("error");
        String type = Json.text(e, "type");
        // worded as an event in the stream, not as an HTTP status the upstream never sent
        return UpstreamErrors.inStream(status, Json.text(e, "message"), type, null, codeFor(type, Json.text(e, "message")),
                deploymentId, secret);
    }

    /** The HTTP status Anthropic answers an error of {@code type} with (its errors page), for an error no status said. */
    private static int statusOf(String type) {
        return switch (type == null ? "" : type) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "timeout_error" -> 504;
            case "overloaded_error" -> 529;
            default -> 500; // api_error and anything new
        };
    }

    static GatewayException fromBody(int status, JsonNode n, Long retryAfter, String deploymentId, String secret) {
        JsonNode e = n.path("error");
        String type = Json.text(e, "type");
        if (status == 200) {
            // an error object in a whole answer sent with HTTP 200 (a proxy or compatible server in front of Claude):
            // mapped by its type, worded as what happened, never as a failure of "HTTP 200"
            return UpstreamErrors.inOkAnswer(statusOf(type), Json.text(e, "message"), type, null,
                    codeFor(type, Json.text(e, "message")), retryAfter, deploymentId, secret);
        }
        // The type decides how the failure is treated (an overload whatever the status, a rate limit sent as a 5xx),
        // but the message and the attempt's records keep the status the upstream sent: a 503 overloaded_error (Claude
        // behind a proxy, a compatible server) is "HTTP 503" in the WARN line and the ledger, never a 529 it did not send.
        int effective = status;
        if ("overloaded_error".equals(type)) effective = 529;
        else if ("rate_limit_error".equals(type) && status >= 500) effective = 429;
        return UpstreamErrors.fromStatus(effective, status, Json.text(e, "message"), type, null,
                codeFor(type, Json.text(e, "message")), retryAfter, deploymentId, secret);
    }

    /** OpenAI-style codes the router and clients know, from Anthropic's type and message. */
    private static String codeFor(String type, String message) {
        // Claude's two wordings: the prompt alone, or the prompt with max_tokens (LiteLLM maps both to a context-window error)
        if (dev.switchboard.model.ContextWindowWords.claudes(message)) return "context_length_exceeded";
        // "Output blocked by content filtering policy": OpenAI's code for a safety refusal, so clients and
        // content_policy_fallbacks see one code whichever provider refused
        if (message != null && message.contains("content filtering policy")) return "content_policy_violation";
        if ("rate_limit_error".equals(type)) return "rate_limit_exceeded";
        return null;
    }
}
