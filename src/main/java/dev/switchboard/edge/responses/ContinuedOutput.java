package dev.switchboard.edge.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The output items of a response that the next turn continues from ({@code previous_response_id}): all of them but
 * the calls and other non-message items that did not finish ({@code status} {@code incomplete} or {@code in_progress}).
 *
 * <p>Why: such an item is cut short, a call's {@code arguments} JSON cut mid-stream (its client left, or the output
 * limit struck): sent back upstream it is a call nobody can answer with broken arguments, a provider's 400 (OpenAI's
 * "No tool output found", Claude's {@code tool_use} input that must be an object) or a failed translation, so the whole
 * conversation could not be continued. The Response object keeps it, {@code incomplete}, as OpenAI's schema allows
 * every item's status to be; only the conversation leaves it out. A message cut short stays: its text so far is a
 * valid assistant turn, and a response cut at {@code max_output_tokens} is continued from exactly that text.
 */
final class ContinuedOutput {
    private ContinuedOutput() {}

    /** The items of {@code output} a next turn continues from, in their order. */
    static ArrayNode of(ArrayNode output) {
        ArrayNode kept = JsonNodeFactory.instance.arrayNode(output.size());
        for (JsonNode item : output) {
            if (continued(item)) kept.add(item);
        }
        return kept;
    }

    /** A message, or an item that finished (an item without a status, as a translated reasoning item, counts as finished). */
    static boolean continued(JsonNode item) {
        if ("message".equals(item.path("type").asText())) return true;
        JsonNode status = item.path("status");
        return !status.isTextual() || status.textValue().equals("completed");
    }
}
