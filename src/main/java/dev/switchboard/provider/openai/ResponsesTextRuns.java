package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.KeyScrubber;

/**
 * The running key scans of one Responses-API event stream ({@link OpenAiResponsesStream}): every {@code response.*.delta}
 * event's {@code delta} text goes through the run of the text a client assembles it into, so a key the upstream streams
 * in pieces of up to 7 characters (which no scan of one event sees) is masked from its 8th character, as in the other
 * streams ({@link KeyScrubber.Runs}). The masked text is written into the event itself: the tree is what a Responses
 * client is relayed and what the canonical delta is read from.
 *
 * <p>The channels, as clients join the pieces: the output text is one text across its parts and message items (the
 * SDKs' {@code output_text} joins them, a chat-dialect reader one {@code content}), as are the refusal, the reasoning
 * summary and the reasoning text; a function call's arguments (JSON, scanned inside its strings only), a custom tool's
 * input and any other streamed text (a built-in tool's code, an MCP call's arguments, event types added later) are one
 * text per output item ({@code output_index}), so two items streamed side by side do not break each other's runs.
 *
 * <p>The {@code *.done} events and {@code response.completed} carry the whole texts; the event scan of the stream's
 * bytes ({@link dev.switchboard.provider.SseRelay}) sees a key there in one piece and masks all of it, which covers
 * every character the running scans masked in the deltas (and the up to 7 first ones they could not).
 * One per stream, not thread-safe (a stream's events come in order).
 */
final class ResponsesTextRuns {
    private static final int TEXT = 0, REFUSAL = 1, SUMMARY = 2, REASONING = 3, ARGUMENTS = 4, INPUT = 5, OTHER = 6;
    private final KeyScrubber.Runs runs;

    ResponsesTextRuns(KeyScrubber.Runs runs) {
        this.runs = runs;
    }

    /**
     * Masks the key runs of {@code event}'s streamed text ({@code delta} of a {@code *.delta} event), runs begun in
     * earlier events included, in place; other events are left as they are.
     *
     * @param type the event's type
     * @param sent the event's data as the upstream sent it when the event scan masked some of it (its running scan must
     *             read the characters a mask hid), else null: the event is as sent
     */
    void mask(String type, JsonNode event, byte[] sent) {
        if (!type.endsWith(".delta") || !(event instanceof ObjectNode e) || !(e.get("delta") instanceof com.fasterxml.jackson.databind.node.TextNode d)) {
            return;
        }
        String now = d.textValue();
        long channel = channel(type, e);
        boolean json = type.endsWith("_arguments.delta"); // a function call's or an MCP call's arguments: JSON
        String original = sent == null ? null : sentDelta(sent);
        String masked = original == null ? runs.next(channel, json, now)
                : KeyScrubber.withMasks(now, runs.next(channel, json, original));
        if (!masked.equals(now)) e.put("delta", masked);
    }

    private static String sentDelta(byte[] sent) {
        JsonNode n = Json.readOrNull(sent);
        return n != null && n.get("delta") instanceof com.fasterxml.jackson.databind.node.TextNode d ? d.textValue() : null;
    }

    private static long channel(String type, ObjectNode e) {
        return switch (type) {
            case "response.output_text.delta" -> KeyScrubber.channel(0, TEXT);
            case "response.refusal.delta" -> KeyScrubber.channel(0, REFUSAL);
            case "response.reasoning_summary_text.delta" -> KeyScrubber.channel(0, SUMMARY);
            case "response.reasoning_text.delta" -> KeyScrubber.channel(0, REASONING);
            default -> {
                int item = e.path("output_index").asInt(-1);
                yield switch (type) {
                    case "response.function_call_arguments.delta" -> KeyScrubber.channel(item, ARGUMENTS);
                    case "response.custom_tool_call_input.delta" -> KeyScrubber.channel(item, INPUT);
                    default -> KeyScrubber.channel(item, OTHER + (type.hashCode() & 0x3fffffff));
                };
            }
        };
    }
}
