package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's Responses API ({@code POST /v1/responses}) as the simulator speaks it, for the gateway's pass-through to
 * OpenAI deployments: the answer is the same {@link SimReply} as chat's (the input items read as chat messages), as a
 * Response object or its typed event stream with sequence numbers. Offered a {@code web_search} tool, the model
 * "searches" first: a {@code web_search_call} item precedes the answer, which only OpenAI's own API produces.
 */
final class ResponsesSim {
    private ResponsesSim() {}

    /** The 400 message for a request the real API refuses, or null. */
    static String invalid(JsonObject req) {
        if (!(req.getValue("model") instanceof String)) return "Missing required parameter: 'model'.";
        Object input = req.getValue("input");
        if (!(input instanceof String) && !(input instanceof JsonArray)) return "Missing required parameter: 'input'.";
        if (req.getValue("messages") != null) return "Unknown parameter: 'messages'.";
        return null;
    }

    /** OpenAI's refusal of a request: its status, message, code and param. */
    record Refusal(int status, String message, String code, String param) {
        Refusal(int status, String message, String code) { this(status, message, code, null); }
    }

    /**
     * OpenAI's refusal of an input item's {@code call_id} over 64 characters, or null: a Gemini-signed id
     * ({@code call_…__thought__<signature>}) a conversation brings from Gemini is one, which the gateway must shorten.
     */
    static Refusal longCallId(JsonObject req) {
        if (!(req.getValue("input") instanceof JsonArray items)) return null;
        for (int i = 0; i < items.size(); i++) {
            if (items.getValue(i) instanceof JsonObject item && item.getValue("call_id") instanceof String id && id.length() > 64) {
                String param = "input[" + i + "].call_id";
                return new Refusal(400, "Invalid '" + param + "': string too long. Expected a string with maximum length 64, but got a"
                        + " string with length " + id.length() + " instead.", "string_above_max_length", param);
            }
        }
        return null;
    }

    /**
     * OpenAI's refusal of a {@code reasoning} input item it did not produce, or null. This simulator's model makes no
     * reasoning items, so each one is another's: an {@code encrypted_content} that is not OpenAI's (its Fernet tokens
     * begin {@code gAAAA}) cannot be verified (400 {@code invalid_encrypted_content}, as OpenAI answers Codex CLI), and
     * one without it names an item OpenAI never stored (404, with the {@code store: false} sentence when it is off).
     */
    static Refusal foreignReasoning(JsonObject req) {
        if (!(req.getValue("input") instanceof JsonArray items)) return null;
        for (Object o : items) {
            if (!(o instanceof JsonObject item) || !"reasoning".equals(item.getValue("type"))) continue;
            Object id = item.getValue("id");
            Object encrypted = item.getValue("encrypted_content");
            if (encrypted instanceof String e) {
                if (!e.startsWith("gAAAA")) return new Refusal(400, "The encrypted content for item " + id
                        + " could not be verified. Reason: Encrypted content could not be decrypted or parsed.", "invalid_encrypted_content");
            } else {
                return new Refusal(404, "Item with id '" + id + "' not found." + (Boolean.FALSE.equals(req.getValue("store"))
                        ? " Items are not persisted when `store` is set to false. Try again with `store` set to true, or remove this item from your input."
                        : ""), null);
            }
        }
        return null;
    }

    /** The request as chat messages and function tools, which {@link SimReply} reads. */
    static JsonObject asChat(JsonObject req) {
        JsonArray messages = new JsonArray();
        if (req.getValue("instructions") instanceof String s) messages.add(new JsonObject().put("role", "system").put("content", s));
        Object input = req.getValue("input");
        if (input instanceof String s) messages.add(new JsonObject().put("role", "user").put("content", s));
        else {
            for (Object o : (JsonArray) input) {
                JsonObject item = (JsonObject) o;
                String type = item.getString("type", "message");
                switch (type) {
                    case "message" -> messages.add(new JsonObject().put("role", item.getString("role")).put("content", text(item.getValue("content"))));
                    case "function_call_output", "custom_tool_call_output" ->
                            messages.add(new JsonObject().put("role", "tool").put("content", text(item.getValue("output"))));
                    case "function_call", "custom_tool_call" -> messages.add(new JsonObject().put("role", "assistant").put("content", ""));
                    default -> { }
                }
            }
        }
        JsonArray tools = new JsonArray();
        if (req.getValue("tools") instanceof JsonArray ts) {
            for (Object o : ts) {
                JsonObject t = (JsonObject) o;
                if ("function".equals(t.getString("type"))) {
                    tools.add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", t.getString("name"))
                            .put("description", t.getValue("description")).put("parameters", t.getJsonObject("parameters"))));
                } else if ("custom".equals(t.getString("type"))) { // a custom tool: answered with free-form text
                    tools.add(new JsonObject().put("type", "custom").put("custom", new JsonObject().put("name", t.getString("name"))));
                }
            }
        }
        JsonObject chat = new JsonObject().put("messages", messages).put("model", req.getValue("model"));
        if (!tools.isEmpty()) chat.put("tools", tools);
        if (req.getValue("max_output_tokens") instanceof Number n) chat.put("max_completion_tokens", n);
        return chat;
    }

    private static String text(Object content) {
        if (content instanceof String s) return s;
        StringBuilder sb = new StringBuilder();
        if (content instanceof JsonArray parts) {
            for (Object p : parts) if (p instanceof JsonObject part && part.getValue("text") instanceof String t) sb.append(t);
        }
        return sb.toString();
    }

    static boolean searches(JsonObject req) {
        if (!(req.getValue("tools") instanceof JsonArray ts)) return false;
        for (Object o : ts) if (o instanceof JsonObject t && String.valueOf(t.getString("type")).startsWith("web_search")) return true;
        return false;
    }

    /**
     * The answer in the request's {@code text.format} {@code json_schema}: a JSON object valid against a simple schema (each
     * property, nested objects' too, a value of its type; an enum's first value), as structured outputs answer, so a
     * client's {@code responses.parse} can be tried end to end. Any other answer as it was.
     */
    static SimReply structured(JsonObject req, SimReply reply) {
        if (reply.toolName() != null || reply.truncated() || !(req.getValue("text") instanceof JsonObject text)
                || !(text.getValue("format") instanceof JsonObject format) || !"json_schema".equals(format.getValue("type"))
                || !(format.getValue("schema") instanceof JsonObject schema)) return reply;
        String json = String.valueOf(sample(schema));
        return new SimReply(json, null, null, reply.promptTokens(), SimReply.tokens(json), false);
    }

    private static Object sample(JsonObject schema) {
        if (schema.getValue("enum") instanceof JsonArray values && !values.isEmpty()) return values.getValue(0);
        Object t = schema.getValue("type");
        if (t instanceof JsonArray types) t = types.stream().filter(x -> !"null".equals(x)).findFirst().orElse("null");
        return switch (String.valueOf(t)) {
            case "object" -> {
                JsonObject out = new JsonObject();
                if (schema.getValue("properties") instanceof JsonObject props) {
                    props.forEach(e -> out.put(e.getKey(), e.getValue() instanceof JsonObject p ? sample(p) : null));
                }
                yield out;
            }
            case "array" -> new JsonArray();
            case "integer", "number" -> 1;
            case "boolean" -> true;
            case "null" -> null;
            default -> "Ada";
        };
    }

    /** The output items of the answer. */
    static JsonArray output(SimReply reply, boolean searched, String id) {
        JsonArray out = new JsonArray();
        String status = reply.truncated() ? "incomplete" : "completed"; // as OpenAI marks an item cut at the limit, a call's too
        if (searched) out.add(new JsonObject().put("id", "ws_" + id).put("type", "web_search_call").put("status", "completed")
                .put("action", new JsonObject().put("type", "search").put("query", "simulated search")));
        if (reply.toolName() != null && reply.customTool()) {
            out.add(new JsonObject().put("id", "ctc_" + id).put("type", "custom_tool_call").put("status", status).put("call_id", "call_sim001")
                    .put("name", reply.toolName()).put("input", reply.toolArguments()));
        } else if (reply.toolName() != null) {
            out.add(new JsonObject().put("id", "fc_" + id).put("type", "function_call").put("status", status)
                    .put("call_id", "call_sim001").put("name", reply.toolName()).put("arguments", reply.toolArguments()));
        } else {
            out.add(message(id, reply.text(), status));
        }
        return out;
    }

    private static JsonObject message(String id, String text, String status) {
        JsonArray content = new JsonArray();
        if (text != null) content.add(new JsonObject().put("type", "output_text").put("text", text).put("annotations", new JsonArray())
                .put("logprobs", new JsonArray()));
        return new JsonObject().put("id", "msg_" + id).put("type", "message").put("status", status).put("role", "assistant")
                .put("content", content);
    }

    static JsonObject response(JsonObject req, String id, String model, String status, JsonArray output, SimReply reply, int cached) {
        JsonObject r = new JsonObject().put("id", "resp_" + id).put("object", "response").put("created_at", System.currentTimeMillis() / 1000)
                .put("status", status).putNull("error").putNull("incomplete_details").put("instructions", req.getValue("instructions"))
                .put("max_output_tokens", req.getValue("max_output_tokens")).put("model", model).put("output", output)
                .put("parallel_tool_calls", req.getValue("parallel_tool_calls", true))
                .put("previous_response_id", req.getValue("previous_response_id"))
                .put("reasoning", new JsonObject().putNull("effort").putNull("summary")).put("store", req.getValue("store", true))
                .put("temperature", req.getValue("temperature", 1.0)).put("text", req.getValue("text", new JsonObject()
                        .put("format", new JsonObject().put("type", "text"))))
                .put("tool_choice", req.getValue("tool_choice", "auto")).put("tools", req.getValue("tools", new JsonArray()))
                .put("top_p", req.getValue("top_p", 1.0)).put("truncation", "disabled")
                .put("metadata", req.getValue("metadata", new JsonObject()));
        if (status.equals("completed")) r.put("completed_at", System.currentTimeMillis() / 1000);
        if (reply.truncated()) r.put("status", "incomplete").put("incomplete_details", new JsonObject().put("reason", "max_output_tokens"));
        if (!status.equals("in_progress")) {
            r.put("usage", new JsonObject().put("input_tokens", reply.promptTokens())
                    .put("input_tokens_details", new JsonObject().put("cached_tokens", cached).put("cache_write_tokens", 0))
                    .put("output_tokens", reply.completionTokens())
                    .put("output_tokens_details", new JsonObject().put("reasoning_tokens", 0))
                    .put("total_tokens", reply.promptTokens() + reply.completionTokens()));
        }
        return r;
    }

    /** The event stream: created, in_progress, each item added / filled / done, completed; SSE frames with event lines. */
    static List<String> events(JsonObject req, String id, String model, SimReply reply, boolean searched, int cached) {
        List<JsonObject> events = new ArrayList<>();
        events.add(new JsonObject().put("type", "response.created").put("response", response(req, id, model, "in_progress", new JsonArray(), reply, cached)));
        events.add(new JsonObject().put("type", "response.in_progress").put("response", response(req, id, model, "in_progress", new JsonArray(), reply, cached)));
        JsonArray output = output(reply, searched, id);
        for (int i = 0; i < output.size(); i++) {
            JsonObject item = output.getJsonObject(i);
            String itemId = item.getString("id");
            switch (item.getString("type")) {
                case "message" -> {
                    events.add(new JsonObject().put("type", "response.output_item.added").put("output_index", i).put("item", message(id, null, "in_progress")));
                    JsonObject empty = new JsonObject().put("type", "output_text").put("text", "").put("annotations", new JsonArray()).put("logprobs", new JsonArray());
                    events.add(part("response.content_part.added", itemId, i).put("part", empty));
                    String text = reply.text();
                    for (int at = 0; at < text.length(); at += 8) {
                        events.add(part("response.output_text.delta", itemId, i).put("delta", text.substring(at, Math.min(text.length(), at + 8)))
                                .put("logprobs", new JsonArray()));
                    }
                    events.add(part("response.output_text.done", itemId, i).put("text", text).put("logprobs", new JsonArray()));
                    events.add(part("response.content_part.done", itemId, i).put("part", item.getJsonArray("content").getJsonObject(0)));
                }
                case "function_call" -> {
                    events.add(new JsonObject().put("type", "response.output_item.added").put("output_index", i)
                            .put("item", item.copy().put("arguments", "").put("status", "in_progress")));
                    events.add(new JsonObject().put("type", "response.function_call_arguments.delta").put("item_id", itemId)
                            .put("output_index", i).put("delta", item.getString("arguments")));
                    events.add(new JsonObject().put("type", "response.function_call_arguments.done").put("item_id", itemId)
                            .put("output_index", i).put("name", item.getString("name")).put("arguments", item.getString("arguments")));
                }
                case "custom_tool_call" -> {
                    events.add(new JsonObject().put("type", "response.output_item.added").put("output_index", i)
                            .put("item", item.copy().put("input", "").put("status", "in_progress")));
                    String input = item.getString("input");
                    for (int at = 0; at < input.length(); at += 8) {
                        events.add(new JsonObject().put("type", "response.custom_tool_call_input.delta").put("item_id", itemId)
                                .put("output_index", i).put("delta", SimChunks.piece(input, at)));
                    }
                    events.add(new JsonObject().put("type", "response.custom_tool_call_input.done").put("item_id", itemId)
                            .put("output_index", i).put("input", input));
                }
                default -> events.add(new JsonObject().put("type", "response.output_item.added").put("output_index", i)
                        .put("item", item.copy().put("status", "in_progress")));
            }
            events.add(new JsonObject().put("type", "response.output_item.done").put("output_index", i).put("item", item));
        }
        JsonObject done = response(req, id, model, "completed", output, reply, cached);
        events.add(new JsonObject().put("type", done.getString("status").equals("completed") ? "response.completed" : "response.incomplete")
                .put("response", done));
        List<String> frames = new ArrayList<>(events.size());
        for (int n = 0; n < events.size(); n++) {
            JsonObject e = events.get(n).put("sequence_number", n);
            frames.add(SimStream.namedFrame(e.getString("type"), e.encode()));
        }
        return frames;
    }

    private static JsonObject part(String type, String itemId, int index) {
        return new JsonObject().put("type", type).put("item_id", itemId).put("output_index", index).put("content_index", 0);
    }
}
