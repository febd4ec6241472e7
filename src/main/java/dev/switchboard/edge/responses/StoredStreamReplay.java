package dev.switchboard.edge.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

/**
 * A stored Response played back as the API's event stream ({@code GET /v1/responses/{id}?stream=true}, which the SDKs'
 * {@code retrieve(..., stream=True)} reads): {@code response.created}, {@code response.in_progress}, each output item
 * opened, filled in one delta and closed, then {@code response.completed} (or {@code .incomplete} / {@code .failed}, as
 * the response ended). Events numbered from 0; {@code starting_after=N} leaves out those up to N, as OpenAI's resume does.
 */
final class StoredStreamReplay {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Buffer out = Buffer.buffer();
    private final int startingAfter;
    private int sequence;

    private StoredStreamReplay(int startingAfter) { this.startingAfter = startingAfter; }

    static Buffer events(ObjectNode response, int startingAfter) {
        StoredStreamReplay r = new StoredStreamReplay(startingAfter);
        r.play(response);
        return r.out;
    }

    private void play(ObjectNode response) {
        ObjectNode start = response.deepCopy().put("status", "in_progress");
        start.putArray("output");
        start.remove("usage"); // not known yet, as in a live stream's first events
        if (start.has("completed_at")) start.putNull("completed_at");
        event("response.created", F.objectNode().set("response", start));
        event("response.in_progress", F.objectNode().set("response", start));
        JsonNode output = response.path("output");
        for (int i = 0; i < output.size(); i++) {
            if (output.get(i) instanceof ObjectNode item) item(i, item);
        }
        String status = response.path("status").asText("completed");
        String end = switch (status) {
            case "incomplete" -> "response.incomplete";
            case "failed", "cancelled" -> "response.failed"; // a cancelled response ends as OpenAI ends one
            default -> "response.completed";
        };
        event(end, F.objectNode().set("response", response));
    }

    private void item(int index, ObjectNode item) {
        String id = item.path("id").asText();
        ObjectNode opened = item.deepCopy();
        if (opened.has("status")) opened.put("status", "in_progress");
        switch (item.path("type").asText()) {
            case "message" -> {
                opened.putArray("content");
                added(index, opened);
                JsonNode content = item.path("content");
                for (int c = 0; c < content.size(); c++) {
                    JsonNode part = content.get(c);
                    boolean refusal = "refusal".equals(part.path("type").asText());
                    String text = part.path(refusal ? "refusal" : "text").asText();
                    ObjectNode empty = ((ObjectNode) part.deepCopy()).put(refusal ? "refusal" : "text", "");
                    event("response.content_part.added", about(id, index).put("content_index", c).set("part", empty));
                    ObjectNode delta = about(id, index).put("content_index", c).put("delta", text);
                    // the part's log probabilities and citations, as the stream that made it sent them
                    ArrayNode logprobs = part.path("logprobs") instanceof ArrayNode l ? OutputText.eventLogprobs(l) : F.arrayNode();
                    if (!refusal) delta.set("logprobs", logprobs);
                    event(refusal ? "response.refusal.delta" : "response.output_text.delta", delta);
                    JsonNode annotations = part.path("annotations");
                    for (int a = 0; !refusal && a < annotations.size(); a++) {
                        event("response.output_text.annotation.added", about(id, index).put("content_index", c)
                                .put("annotation_index", a).set("annotation", annotations.get(a).deepCopy()));
                    }
                    ObjectNode done = about(id, index).put("content_index", c).put(refusal ? "refusal" : "text", text);
                    if (!refusal) done.set("logprobs", logprobs.deepCopy());
                    event(refusal ? "response.refusal.done" : "response.output_text.done", done);
                    event("response.content_part.done", about(id, index).put("content_index", c).set("part", part.deepCopy()));
                }
            }
            case "function_call" -> {
                opened.put("arguments", "");
                added(index, opened);
                String args = item.path("arguments").asText();
                event("response.function_call_arguments.delta", about(id, index).put("delta", args));
                event("response.function_call_arguments.done", about(id, index).put("name", item.path("name").asText())
                        .put("arguments", args));
            }
            case "custom_tool_call" -> {
                opened.put("input", "");
                added(index, opened);
                String input = item.path("input").asText();
                event("response.custom_tool_call_input.delta", about(id, index).put("delta", input));
                event("response.custom_tool_call_input.done", about(id, index).put("input", input));
            }
            case "reasoning" -> {
                opened.putArray("summary");
                added(index, opened);
                JsonNode summary = item.path("summary");
                for (int s = 0; s < summary.size(); s++) {
                    String text = summary.get(s).path("text").asText();
                    event("response.reasoning_summary_part.added", about(id, index).put("summary_index", s)
                            .set("part", F.objectNode().put("type", "summary_text").put("text", "")));
                    event("response.reasoning_summary_text.delta", about(id, index).put("summary_index", s).put("delta", text));
                    event("response.reasoning_summary_text.done", about(id, index).put("summary_index", s).put("text", text));
                    event("response.reasoning_summary_part.done", about(id, index).put("summary_index", s)
                            .set("part", F.objectNode().put("type", "summary_text").put("text", text)));
                }
            }
            default -> added(index, item); // a built-in tool's call (web_search_call, …): opened and closed whole
        }
        event("response.output_item.done", F.objectNode().put("output_index", index).set("item", item));
    }

    private void added(int index, ObjectNode item) {
        event("response.output_item.added", F.objectNode().put("output_index", index).set("item", item));
    }

    private static ObjectNode about(String itemId, int index) {
        return F.objectNode().put("item_id", itemId).put("output_index", index);
    }

    private void event(String type, ObjectNode body) {
        int n = sequence++;
        if (n <= startingAfter) return;
        ObjectNode e = F.objectNode().put("type", type);
        e.setAll(body);
        e.put("sequence_number", n);
        try {
            out.appendString("event: ").appendString(type).appendString("\ndata: ").appendBytes(MAPPER.writeValueAsBytes(e))
                    .appendString("\n\n");
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }
}
