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
        return UpstreamErrors.fromStatus(status, message, type, param, code, retryAfter, deploymentId, secret);
    }

    /** An {@code {"error":…}} object sent as an SSE event in the middle of a stream. */
    static GatewayException midStream(JsonNode error, String deploymentId, String secret) {
        String message = error.isObject() ? Json.text(error, "message") : error.asText();
        return UpstreamErrors.inStream(502, message, Json.text(error, "type"), null, Json.text(error, "code"),
                deploymentId, secret);
    }
}
