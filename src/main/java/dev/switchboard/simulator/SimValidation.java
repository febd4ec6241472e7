package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** The request checks OpenAI's chat endpoint makes, with its wording, so a gateway bug shows up as a 400. */
final class SimValidation {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private SimValidation() {}

    /** @return the error message, or null when the request is valid */
    static String chat(JsonObject req) {
        if (!(req.getValue("model") instanceof String)) return "you must provide a model parameter";
        if (!(req.getValue("messages") instanceof JsonArray messages)) return "'messages' is a required property";
        if (messages.isEmpty()) return "[] is too short - 'messages'";
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.getValue(i) instanceof JsonObject m)) return "Invalid type for 'messages[" + i + "]'";
            if (!ROLES.contains(m.getString("role"))) return "Invalid value: '" + m.getValue("role") + "'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.";
            if ("tool".equals(m.getString("role")) && m.getString("tool_call_id") == null) return "Missing parameter 'tool_call_id': messages with role 'tool' must have a 'tool_call_id'.";
            Object c = m.getValue("content");
            if (c == null && !"assistant".equals(m.getString("role"))) return "Invalid value for 'content': expected a string, got null.";
            if (c != null && !(c instanceof String) && !(c instanceof JsonArray)) return "Invalid type for 'messages[" + i + "].content'";
            if (c instanceof JsonArray parts) {
                for (int p = 0; p < parts.size(); p++) {
                    String bad = fileData(parts.getValue(p), "messages[" + i + "].content[" + p + "].file");
                    if (bad != null) return bad;
                }
            }
        }
        if (req.getValue("user") instanceof String user && user.length() > 64) {
            return "Invalid 'user': string too long. Expected a string with maximum length 64, but got a string with length "
                    + user.length() + " instead.";
        }
        Object stream = req.getValue("stream");
        if (stream != null && !(stream instanceof Boolean)) return "Invalid type for 'stream': expected a boolean, but got " + kind(stream) + " instead.";
        Object options = req.getValue("stream_options");
        if (options != null && !(options instanceof JsonObject)) return "Invalid type for 'stream_options': expected an object, but got " + kind(options) + " instead.";
        Object tools = req.getValue("tools");
        if (tools != null && !(tools instanceof JsonArray)) return "Invalid type for 'tools': expected an array, but got " + kind(tools) + " instead.";
        if (tools instanceof JsonArray list) {
            for (int i = 0; i < list.size(); i++) {
                // a function, or a custom (free-form) tool: {"type":"custom","custom":{"name","description","format"}}
                String kind = list.getValue(i) instanceof JsonObject o && "custom".equals(o.getValue("type")) ? "custom" : "function";
                if (!(list.getValue(i) instanceof JsonObject t) || !(t.getValue(kind) instanceof JsonObject)) {
                    return "Missing required parameter: 'tools[" + i + "]." + kind + "'.";
                }
                String name = t.getJsonObject(kind).getString("name", "");
                if (name.length() > 64) {
                    return "Invalid 'tools[" + i + "]." + kind + ".name': string too long. Expected a string with maximum length 64, "
                            + "but got a string with length " + name.length() + " instead.";
                }
            }
        }
        for (String f : new String[] {"tool_choice", "parallel_tool_calls"}) {
            if (req.getValue(f) != null && !(tools instanceof JsonArray list && !list.isEmpty())) {
                return "Invalid value for '" + f + "': '" + f + "' is only allowed when 'tools' are specified.";
            }
        }
        if (req.containsKey("stream_options") && !Boolean.TRUE.equals(req.getBoolean("stream"))) {
            return "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
        }
        // gpt-4o and gpt-4o-mini write at most 16,384 tokens, and OpenAI refuses a larger limit in these words
        Object limit = req.containsKey("max_completion_tokens") ? req.getValue("max_completion_tokens") : req.getValue("max_tokens");
        if (limit instanceof Number n && n.longValue() > 16_384 && String.valueOf(req.getValue("model")).startsWith("gpt-4o")) {
            return "max_tokens is too large: " + n + ". This model supports at most 16384 completion tokens, whereas you provided "
                    + n + ".";
        }
        Object n = req.getValue("n");
        if (n instanceof Number c && (c.longValue() < 1 || c.longValue() > 128)) { // the spec's range, in OpenAI's words
            return "Invalid 'n': integer " + (c.longValue() < 1 ? "below minimum value. Expected a value >= 1" : "above maximum value. "
                    + "Expected a value <= 128") + ", but got " + c + " instead.";
        }
        if (req.containsKey("max_tokens") && req.containsKey("max_completion_tokens")) {
            return "Setting 'max_tokens' and 'max_completion_tokens' at the same time is not supported.";
        }
        // OpenAI's reasoning models (o-series, gpt-5) take the output limit as max_completion_tokens only
        String model = String.valueOf(req.getValue("model"));
        if (req.containsKey("max_tokens") && (model.startsWith("o1") || model.startsWith("o3") || model.startsWith("o4")
                || model.startsWith("gpt-5"))) {
            return "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.";
        }
        return null;
    }

    /**
     * OpenAI's file parts take PDFs only: inline data of another type is its 400, in its words. Inline data needs a
     * {@code filename} too: without one OpenAI's 400 names {@code file_id}, as it does (reported by the openai-agents and
     * LangChain.js SDKs, which now always send a name).
     */
    private static String fileData(Object part, String file) {
        if (!(part instanceof JsonObject p) || !"file".equals(p.getString("type")) || !(p.getValue("file") instanceof JsonObject f)
                || !(f.getValue("file_data") instanceof String data)) return null;
        if (!(f.getValue("filename") instanceof String)) return "Missing required parameter: '" + file + ".file_id'.";
        if (!data.startsWith("data:")) return null;
        String at = file + ".file_data";
        int end = data.indexOf(';') > 0 ? data.indexOf(';') : data.indexOf(',');
        String mime = end > 5 ? data.substring(5, end) : "";
        if (mime.equals("application/pdf")) return null;
        return "Invalid file data: '" + at + "'. Expected a base64-encoded data URL with an application/pdf MIME type (e.g. "
                + "'data:application/pdf;base64,SGVsbG8sIFdvcmxkIQ=='), but got unsupported MIME type '" + mime + "'.";
    }

    /** The {@code code} OpenAI gives the refusal {@link #chat} words: a string over its maximum length has its own. */
    static String code(String message) {
        return message.contains("string too long") ? "string_above_max_length"
                : message.startsWith(UNSUPPORTED) ? "unsupported_parameter"
                : message.startsWith(MISSING) ? "missing_required_parameter" : null;
    }

    private static final String UNSUPPORTED = "Unsupported parameter: '";
    private static final String MISSING = "Missing required parameter: '";

    /**
     * The {@code param} OpenAI names with the refusal {@link #chat} words ("Invalid 'user': …" names user,
     * "Unsupported parameter: 'max_tokens' …" max_tokens), or null.
     */
    static String param(String message) {
        for (String lead : new String[] {"Invalid '", UNSUPPORTED, MISSING}) {
            int end = message.startsWith(lead) ? message.indexOf('\'', lead.length()) : -1;
            if (end > lead.length()) return message.substring(lead.length(), end);
        }
        return null;
    }

    /**
     * Embeddings input in one of OpenAI's four shapes (CreateEmbeddingRequest), with the API's answer otherwise.
     * @return the error message, or null when the input is valid
     */
    static String embeddingInput(Object input) {
        String invalid = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";
        if (input instanceof String s) return s.isEmpty() ? invalid : null;
        if (!(input instanceof JsonArray a) || a.isEmpty()) return invalid;
        Object first = a.getValue(0);
        for (Object item : a) {
            boolean ok = first instanceof String ? item instanceof String s && !s.isEmpty()
                    : first instanceof JsonArray ? item instanceof JsonArray t && !t.isEmpty() && t.stream().allMatch(SimValidation::token)
                    : token(item);
            if (!ok) return invalid;
        }
        return null;
    }

    private static boolean token(Object o) {
        return (o instanceof Integer || o instanceof Long) && ((Number) o).longValue() >= 0 && ((Number) o).longValue() <= Integer.MAX_VALUE;
    }

    private static String kind(Object o) {
        return o instanceof String ? "a string" : o instanceof Number ? "a number" : o instanceof Boolean ? "a boolean"
                : o instanceof JsonArray ? "an array" : "an object";
    }
}
