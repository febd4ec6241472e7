package dev.switchboard.pipeline.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.GuardrailBlock;

/**
 * The errors a guardrail answers with, as LiteLLM raises them, so a client written against LiteLLM sees the same:
 * <ul>
 *   <li>a violation ({@code HTTPException(400, detail={"error": "Violated guardrail policy", …})}): status 400, the
 *       detail object as the message (LiteLLM puts the dict there), {@code code} "400";</li>
 *   <li>a guardrail's own exception ({@code GuardrailRaisedException}, tool_permission on an answer): status 400,
 *       "Guardrail raised an exception, Guardrail: NAME, Message: …";</li>
 *   <li>a remote guardrail that does not answer: the request fails (fail closed), 500 as LiteLLM's unhandled exception,
 *       naming the guardrail and why, never its key.</li>
 * </ul>
 * Each block is marked with a {@link GuardrailBlock} (filled in by the stage with the mode and the call made) so the
 * ledger and the request log record it as blocked.
 */
final class Blocks {
    static final ObjectMapper JSON = new ObjectMapper();

    private Blocks() {}

    /** LiteLLM's detail object: {@code {"error": "Violated guardrail policy", <field>: <response>}}. */
    static ObjectNode detail(String field, JsonNode response) {
        ObjectNode d = JSON.createObjectNode().put("error", "Violated guardrail policy");
        if (field != null) d.set(field, response);
        return d;
    }

    static GatewayException violation(ObjectNode detail, String guardrail) {
        return new GatewayException(ErrorKind.BAD_REQUEST, 400, detail.toString(), null, "400", null, null)
                .blockedBy(new GuardrailBlock(guardrail, null, null, null));
    }

    static GatewayException raised(String guardrail, String message) {
        return new GatewayException(ErrorKind.BAD_REQUEST, 400, "Guardrail raised an exception, Guardrail: " + guardrail
                + ", Message: " + message, null, "400", null, null).blockedBy(new GuardrailBlock(guardrail, null, null, null));
    }

    /** The remote guardrail failed to answer (down, timed out, an error status): the request fails with 500. */
    static GatewayException failedToRespond(String guardrail, Throwable cause) { return failedToRespond(guardrail, cause, 500); }

    /** The same with another status (Bedrock's own error status, which LiteLLM passes on). */
    static GatewayException failedToRespond(String guardrail, Throwable cause, int status) {
        if (cause instanceof GatewayException g && g.block() != null) return g; // a block, not a failure
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new GatewayException(status >= 500 ? ErrorKind.INTERNAL : ErrorKind.forClientStatus(status), status,
                "Guardrail '" + guardrail + "' failed to respond: " + why, null, "guardrail_failed_to_respond", null, null);
    }
}
