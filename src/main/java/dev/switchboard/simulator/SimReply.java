package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the simulated model "says" to a request, decided deterministically from it: a tool call when tools
 * are offered (and not refused) and the conversation does not already end in a tool result, else text that
 * echoes the last user message and says which attachments (images, documents, audio) the request carried.
 * Like a real model, the text stops at the request's output limit ({@code max_completion_tokens}, else
 * {@code max_tokens}), and at the model's own maximum output when the request names none or a larger one
 * ({@link SimOutputLimits}); {@code truncated} says it did, so each API reports its "length" stop reason. The prompt
 * tokens count the tool definitions as OpenAI counts them ({@link SimToolTokens}). And it stops
 * before the first of the request's stop sequences ({@code stop}) its text holds, without it, as OpenAI, Anthropic and
 * Bedrock do; {@code stopSequence} says which, for the APIs that tell.
 */
record SimReply(String text, String toolName, String toolArguments, int promptTokens, int completionTokens, boolean truncated,
                boolean customTool, String stopSequence) {

    SimReply(String text, String toolName, String toolArguments, int promptTokens, int completionTokens, boolean truncated,
             boolean customTool) {
        this(text, toolName, toolArguments, promptTokens, completionTokens, truncated, customTool, null);
    }

    /**
     * What the model writes to a custom (free-form) tool, and to a string parameter named {@code input} (a custom tool
     * offered as a function by the gateway): several lines, quotes, a backslash and a character outside the BMP, so the
     * text survives only a correct translation both ways.
     */
    static final String FREE_FORM_INPUT = "*** Begin Patch\n*** Add File: hello.txt\n+Hello, \"world\" \\ 🌍\n*** End Patch";

    SimReply(String text, String toolName, String toolArguments, int promptTokens, int completionTokens, boolean truncated) {
        this(text, toolName, toolArguments, promptTokens, completionTokens, truncated, false);
    }

    static SimReply to(JsonObject req, int repeat) {
        JsonArray messages = req.getJsonArray("messages");
        int promptTokens = 0;
        String lastUser = "";
        String lastRole = "";
        String lastContent = "";
        SimAttachments attachments = new SimAttachments();
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = messages.getJsonObject(i);
            Object c = m.getValue("content");
            String text = "";
            if (c instanceof String s) text = s;
            else if (c instanceof JsonArray parts) {
                StringBuilder sb = new StringBuilder();
                for (int p = 0; p < parts.size(); p++) {
                    JsonObject part = parts.getJsonObject(p);
                    if ("text".equals(part.getString("type"))) sb.append(part.getString("text"));
                    else attachments.add(part);
                }
                text = sb.toString();
            }
            promptTokens += 4 + tokens(text);
            // a system message in the conversation (OpenAI's anywhere, Anthropic's mid-conversation ones) is a note to
            // the model, not a turn: the conversation still ends in the user's message or the tool's result before it
            if ("system".equals(m.getString("role")) || "developer".equals(m.getString("role"))) continue;
            lastRole = m.getString("role");
            lastContent = text;
            if ("user".equals(lastRole)) lastUser = text;
        }
        promptTokens += attachments.tokens();
        JsonArray tools = req.getJsonArray("tools");
        promptTokens += SimToolTokens.of(tools); // offered tools are read whether or not the model calls one
        Object choice = req.getValue("tool_choice");
        if (tools != null && !tools.isEmpty() && !"none".equals(choice) && !"tool".equals(lastRole)) {
            JsonObject tool = tools.getJsonObject(0);
            // a named function or custom tool, or OpenAI's allowed_tools (the first of them)
            String wanted = null;
            if (choice instanceof JsonObject named && (named.getJsonObject("function") != null || named.getJsonObject("custom") != null)) {
                wanted = named(named);
            } else if (choice instanceof JsonObject allowed && allowed.getJsonObject("allowed_tools") != null) {
                wanted = named(allowed.getJsonObject("allowed_tools").getJsonArray("tools").getJsonObject(0));
            }
            if (wanted != null) {
                for (int i = 0; i < tools.size(); i++) {
                    if (wanted.equals(named(tools.getJsonObject(i)))) tool = tools.getJsonObject(i);
                }
            }
            boolean custom = "custom".equals(tool.getString("type"));
            String args = custom ? FREE_FORM_INPUT : sampleArguments(tool.getJsonObject("function").getJsonObject("parameters")).encode();
            return new SimReply(null, named(tool), args, promptTokens, tokens(args) + 5, false, custom);
        }
        String text = "tool".equals(lastRole) ? "The tool returned: " + lastContent
                : attachments.describe() + "Hello from the simulator! You said: " + lastUser;
        text = text.repeat(Math.max(1, repeat));
        String stopped = null;
        int at = text.length();
        for (String s : stops(req)) {
            int i = s.isEmpty() ? -1 : text.indexOf(s);
            if (i >= 0 && i < at) {
                at = i;
                stopped = s;
            }
        }
        if (stopped != null) return new SimReply(text.substring(0, at), null, null, promptTokens, tokens(text.substring(0, at)), false,
                false, stopped);
        int limit = outputLimit(req);
        if (tokens(text) > limit) {
            text = text.substring(0, Math.min(text.length(), limit * 4));
            return new SimReply(text, null, null, promptTokens, Math.min(limit, tokens(text)), true);
        }
        return new SimReply(text, null, null, promptTokens, tokens(text), false);
    }

    /**
     * This reply as an OpenAI-style model writes it when the output limit stops it in the middle of a function call: the
     * arguments' first {@code limit × 4} characters (a JSON prefix), finish reason {@code length}. The other APIs' simulators
     * keep whole calls (Anthropic holds a parameter back until it is whole).
     */
    SimReply cutByOutputLimit(JsonObject req) { return cutByOutputLimit(req, false); }

    /** As {@link #cutByOutputLimit(JsonObject)}, a custom tool's free-form input too when {@code customToo} (the Responses API). */
    SimReply cutByOutputLimit(JsonObject req, boolean customToo) {
        int limit = outputLimit(req);
        if (toolName == null || customTool && !customToo || completionTokens <= limit) return this;
        return new SimReply(null, toolName, toolArguments.substring(0, Math.min(toolArguments.length(), limit * 4)), promptTokens,
                limit, true, customTool, null);
    }

    /** The name of a tool, or of a tool choice: a function's, or a custom tool's. */
    private static String named(JsonObject t) {
        JsonObject inner = t.getJsonObject("custom".equals(t.getString("type")) ? "custom" : "function");
        return inner == null ? null : inner.getString("name");
    }

    /** The request's stop sequences in OpenAI's shape ({@code stop}: a string or a list; the other simulators translate theirs). */
    private static java.util.List<String> stops(JsonObject req) {
        Object v = req.getValue("stop");
        if (v instanceof String s) return java.util.List.of(s);
        if (!(v instanceof JsonArray a)) return java.util.List.of();
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Object o : a) if (o instanceof String s) out.add(s);
        return out;
    }

    /**
     * Where the answer stops: the request's output limit in OpenAI's names (the other simulators translate theirs and
     * put the model's id in {@code model}), but never past the model's own maximum output ({@link SimOutputLimits}),
     * which is also the limit when the request names none.
     */
    static int outputLimit(JsonObject req) {
        Object v = req.getValue("max_completion_tokens", req.getValue("max_tokens"));
        int most = SimOutputLimits.of(req.getValue("model") instanceof String m ? m : null);
        return v instanceof Number n && n.intValue() > 0 ? Math.min(n.intValue(), most) : most;
    }

    /** Arguments that satisfy a simple JSON schema: each property gets a value of its type. */
    private static JsonObject sampleArguments(JsonObject schema) {
        JsonObject out = new JsonObject();
        if (schema == null || schema.getJsonObject("properties") == null) return out;
        schema.getJsonObject("properties").forEach(e -> {
            JsonObject p = (JsonObject) e.getValue();
            String type = p.getString("type", "string");
            Object v = switch (type) {
                case "number", "integer" -> 1;
                case "boolean" -> true;
                case "array" -> new JsonArray();
                case "object" -> new JsonObject();
                default -> p.getJsonArray("enum") != null ? p.getJsonArray("enum").getValue(0)
                        : e.getKey().equals("input") ? FREE_FORM_INPUT : "Paris";
            };
            out.put(e.getKey(), v);
        });
        return out;
    }

    static int tokens(String s) { return s == null || s.isEmpty() ? 0 : (s.length() + 3) / 4; }
}
