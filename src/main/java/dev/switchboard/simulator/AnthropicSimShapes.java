package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Reading an Anthropic request: its text, its breakpoints and the prefix they mark (tools → system → messages). */
final class AnthropicSimShapes {
    private AnthropicSimShapes() {}

    static String text(JsonArray blocks) {
        StringBuilder sb = new StringBuilder();
        for (Object o : blocks) if (o instanceof JsonObject b && "text".equals(b.getString("type"))) sb.append(b.getString("text"));
        return sb.toString();
    }

    static int breakpoints(Object n) {
        int c = 0;
        if (n instanceof JsonObject o) {
            if (o.containsKey("cache_control")) c++;
            for (var e : o) c += breakpoints(e.getValue());
        } else if (n instanceof JsonArray a) {
            for (Object x : a) c += breakpoints(x);
        }
        return c;
    }

    /**
     * The breakpoints that take one of Anthropic's four slots: every block-level marker, and the top-level
     * {@code cache_control} (automatic caching) unless the last cacheable block already has a marker of the same lifetime
     * (then it adds nothing).
     */
    static int slots(JsonObject req) {
        int n = 0;
        for (var e : req) if (!e.getKey().equals("cache_control")) n += breakpoints(e.getValue());
        if (req.getValue("cache_control") instanceof JsonObject cc) {
            JsonObject last = lastCacheable(req);
            if (!(last != null && last.getValue("cache_control") instanceof JsonObject own && ttl(own).equals(ttl(cc)))) n++;
        }
        return n;
    }

    /** Anthropic's 400 for a top-level cache_control whose lifetime differs from the last cacheable block's own marker. */
    static String automaticRefusal(JsonObject req) {
        if (!(req.getValue("cache_control") instanceof JsonObject cc)) return null;
        JsonObject last = lastCacheable(req);
        if (last != null && last.getValue("cache_control") instanceof JsonObject own && !ttl(own).equals(ttl(cc))) {
            return "cache_control: the automatic cache breakpoint (ttl " + ttl(cc) + ") falls on a block that already has cache_control"
                    + " with ttl " + ttl(own) + ".";
        }
        return null;
    }

    private static String ttl(JsonObject cc) { return cc.getValue("ttl") instanceof String s ? s : "5m"; }

    /** The last block of the last message past thinking and empty text; null for a string content or none. */
    private static JsonObject lastCacheable(JsonObject req) {
        if (!(req.getValue("messages") instanceof JsonArray messages)) return null;
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (!(messages.getValue(i) instanceof JsonObject m)) continue;
            Object c = m.getValue("content");
            if (c instanceof String s) {
                if (s.isBlank()) continue;
                return null;
            }
            if (!(c instanceof JsonArray blocks)) continue;
            for (int j = blocks.size() - 1; j >= 0; j--) {
                if (!(blocks.getValue(j) instanceof JsonObject b)) continue;
                String type = b.getString("type", "");
                if (type.equals("thinking") || type.equals("redacted_thinking")) continue;
                if (type.equals("text") && b.getString("text", "").isBlank()) continue;
                return b;
            }
        }
        return null;
    }

    /** Everything up to and including the last block with cache_control, in the API's cache order; null without one. */
    static String cachedPrefix(JsonObject req) { return prefix(req, false); }

    /**
     * The part of {@link #cachedPrefix} up to the last breakpoint with {@code "ttl": "1h"}: Anthropic counts the tokens
     * written up to such a breakpoint as 1-hour cache writes ({@code ephemeral_1h_input_tokens}, billed at twice the input
     * price), the rest as 5-minute ones. Null without one.
     */
    static String hourPrefix(JsonObject req) { return prefix(req, true); }

    private static String prefix(JsonObject req, boolean hourOnly) {
        StringBuilder all = new StringBuilder();
        int end = -1;
        JsonArray tools = req.getJsonArray("tools");
        if (tools != null) for (Object t : tools) end = append(all, (JsonObject) t, end, hourOnly);
        Object system = req.getValue("system");
        if (system instanceof String s) all.append("text:").append(s).append('\n');
        else if (system instanceof JsonArray blocks) for (Object b : blocks) end = append(all, (JsonObject) b, end, hourOnly);
        for (Object o : req.getJsonArray("messages")) {
            JsonObject m = (JsonObject) o;
            all.append(m.getString("role")).append(':');
            Object c = m.getValue("content");
            if (c instanceof String s) all.append("text:").append(s).append('\n');
            else for (Object b : (JsonArray) c) end = append(all, (JsonObject) b, end, hourOnly);
        }
        // automatic caching: a top-level cache_control marks the request's last block (the whole prompt, here)
        if (req.getValue("cache_control") instanceof JsonObject cc && (!hourOnly || "1h".equals(cc.getValue("ttl")))) end = all.length();
        return end < 0 ? null : all.substring(0, end);
    }

    /** Appends a block by its content, not its JSON spelling: the real cache keys on tokens, not key order. */
    private static int append(StringBuilder all, JsonObject block, int end, boolean hourOnly) {
        boolean marked = block.containsKey("cache_control") && (!hourOnly || (block.getValue("cache_control") instanceof JsonObject cc
                && "1h".equals(cc.getValue("ttl"))));
        if ("text".equals(block.getString("type"))) {
            all.append("text:").append(block.getString("text")).append('\n');
        } else {
            java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>(block.getMap());
            sorted.remove("cache_control");
            all.append(new JsonObject(new java.util.LinkedHashMap<>(sorted)).encode()).append('\n');
        }
        return marked ? all.length() : end;
    }
}
