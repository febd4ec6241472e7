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
        }
        if (req.containsKey("stream_options") && !Boolean.TRUE.equals(req.getBoolean("stream"))) {
            return "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
        }
        if (req.containsKey("max_tokens") && req.containsKey("max_completion_tokens")) {
            return "Setting 'max_tokens' and 'max_completion_tokens' at the same time is not supported.";
        }
        return null;
    }
}
