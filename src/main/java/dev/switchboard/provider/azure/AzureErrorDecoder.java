package dev.switchboard.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.UpstreamErrors;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Azure's errors: OpenAI's {@code {"error":{…}}} envelope, where {@code code} is often the status as text ("401",
 * "429") or a name ({@code DeploymentNotFound}), and a prompt stopped by the content filter is a 400 with
 * {@code code: content_filter} and {@code innererror: {code: ResponsibleAIPolicyViolation, content_filter_result:
 * {hate: {filtered, severity}, …}}}. That 400 gets OpenAI's code for the same failure,
 * {@code content_policy_violation}, which the router reads as a content-policy failure (so
 * {@code content_policy_fallbacks} apply), and its message names Azure's code and the categories filtered. A completion the filter stopped ({@code finish_reason: content_filter}) in a whole answer is the
 * same failure: the caller would otherwise receive a cut answer as a success.
 */
final class AzureErrorDecoder {
    static final String CONTENT_FILTER = "content_filter";
    static final String POLICY_CODE = "content_policy_violation";

    private AzureErrorDecoder() {}

    static GatewayException decode(int status, Buffer body, Long retryAfter, String deploymentId, String secret) {
        JsonNode n;
        try {
            n = Json.read(body);
        } catch (Exception notJson) {
            return UpstreamErrors.fromPlainBody(status, body, retryAfter, deploymentId, secret);
        }
        JsonNode e = n.path("error");
        if (!e.isObject()) {
            String text = e.isTextual() ? e.textValue() : Json.text(n, "message");
            return UpstreamErrors.fromStatus(status, text, null, null, null, retryAfter, deploymentId, secret);
        }
        String message = Json.text(e, "message");
        String code = Json.text(e, "code");
        if (code != null && code.chars().allMatch(Character::isDigit)) code = null; // the status again, as text
        JsonNode inner = e.path("innererror");
        if (CONTENT_FILTER.equals(code) || "ResponsibleAIPolicyViolation".equals(Json.text(inner, "code"))) {
            // OpenAI's code for the same failure, so an OpenAI-dialect client needs no Azure special case
            code = POLICY_CODE;
            String which = filtered(inner.path("content_filter_result"));
            message = (message == null ? "Filtered by Azure's content filter." : message) + " (Azure content_filter"
                    + (which.isEmpty() ? "" : ": " + which) + ")";
        }
        return UpstreamErrors.fromStatus(status, message, Json.text(e, "type"), Json.text(e, "param"), code, retryAfter,
                deploymentId, secret);
    }

    /** The categories a content_filter_result(s) object marks filtered, e.g. "hate (medium), jailbreak". */
    static String filtered(JsonNode results) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> c : results.properties()) {
            JsonNode v = c.getValue();
            if (!v.path("filtered").asBoolean(false)) continue;
            String severity = Json.text(v, "severity");
            out.add(severity == null ? c.getKey() : c.getKey() + " (" + severity + ")");
        }
        return String.join(", ", out);
    }

    /** The answer, or the content-policy failure when Azure's filter stopped a choice. */
    static io.vertx.core.Future<ChatResponse> unlessFiltered(ChatResponse r, String deploymentId) {
        for (Choice c : r.choices()) {
            if (c.finishReason() == FinishReason.CONTENT_FILTER) {
                return io.vertx.core.Future.failedFuture(new GatewayException(ErrorKind.BAD_REQUEST, 400, "The response from " + deploymentId + " was filtered "
                        + "due to the completion triggering Azure OpenAI's content management policy (finish_reason: "
                        + "content_filter).", null, POLICY_CODE, "invalid_request_error", null));
            }
        }
        return io.vertx.core.Future.succeededFuture(r);
    }
}
