package dev.switchboard.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.RelayedRequest;
import java.util.Iterator;
import java.util.Map;

/**
 * Whether a client's chat body may go to an OpenAI-style provider as written: every top-level member is either one
 * {@code provider.openai.OpenAiRequestEncoder} would write back JSON-equal from the decoded records, or one it leaves
 * out (a modelled field set to null, an empty {@code tools} or {@code stop}, {@code metadata} without {@code store}),
 * and {@code model}, {@code stream} and {@code stream_options} are the provider's to write. Anything the encoder would
 * change (a string {@code stop}, a lone text part, a dropped {@code reasoning_content}, a {@code cache_control} a
 * flavor may drop, a tool call without its {@code type}, a key twice, ...) makes the body not relayable, and the
 * canonical encoding is sent as before. {@code OpenAiRequestRelayTest} holds the two sides together.
 *
 * <p>One pass over the bytes finds the top-level members and counts the keys (every member has one colon outside a
 * string); the tree is the one the decoder already read, and Jackson accepted the bytes, so the scan trusts the syntax
 * but gives up on anything it does not expect (another encoding, an escaped top-level key).
 */
final class RequestRelayShape {
    private RequestRelayShape() {}

    /** @return the relay, or null when the canonical encoding would differ from the body beyond the provider's fields */
    static RelayedRequest of(byte[] b, ObjectNode n, int treeFields) {
        int[] spans = new int[2 * n.size()];
        int kept = 0;
        int colons = 0;
        int limit = RelayedRequest.NO_LIMIT;
        int i = ws(b, 0);
        if (i >= b.length || b[i] != '{') return null;
        i = ws(b, i + 1);
        if (i < b.length && b[i] == '}') return null; // no messages: the decoder refused it already
        while (true) {
            if (i >= b.length || b[i] != '"') return null;
            int keyStart = i;
            int keyEnd = string(b, i);
            if (keyEnd < 0) return null;
            String key = key(b, keyStart + 1, keyEnd - 1);
            if (key == null) return null;
            i = ws(b, keyEnd);
            if (i >= b.length || b[i] != ':') return null;
            colons++;
            i = ws(b, i + 1);
            int valueEnd;
            if (i >= b.length) return null;
            if (b[i] == '"') valueEnd = string(b, i);
            else if (b[i] == '{' || b[i] == '[') {
                long end = container(b, i);
                if (end < 0) return null;
                valueEnd = (int) end;
                colons += (int) (end >>> 32);
            } else valueEnd = scalar(b, i);
            if (valueEnd < 0) return null;
            JsonNode v = n.get(key);
            if (v == null) return null;
            switch (member(key, v, n)) {
                case KEEP -> {
                    if (kept == spans.length) return null; // more members than the tree: a key twice
                    spans[kept++] = keyStart;
                    spans[kept++] = valueEnd;
                    if (key.equals("max_tokens") || key.equals("max_completion_tokens")) {
                        if (limit != RelayedRequest.NO_LIMIT) return null; // the encoder writes one of the two
                        limit = key.equals("max_tokens") ? RelayedRequest.MAX_TOKENS : RelayedRequest.MAX_COMPLETION_TOKENS;
                    }
                }
                case SKIP -> { }
                case CHANGED -> { return null; }
            }
            i = ws(b, valueEnd);
            if (i >= b.length) return null;
            if (b[i] == '}') break;
            if (b[i] != ',') return null;
            i = ws(b, i + 1);
        }
        if (ws(b, i + 1) != b.length || colons != treeFields) return null;
        return new RelayedRequest(b, kept == spans.length ? spans : java.util.Arrays.copyOf(spans, kept), limit);
    }

    private enum Fate { KEEP, SKIP, CHANGED }

    private static Fate member(String key, JsonNode v, ObjectNode n) {
        switch (key) {
            case "model", "stream", "stream_options" -> { return Fate.SKIP; } // the provider writes these
            case "messages" -> {
                for (JsonNode m : v) if (!message(m)) return Fate.CHANGED;
                return Fate.KEEP;
            }
            default -> { }
        }
        if (!OpenAiRequestDecoder.isModelled(key)) return Fate.KEEP; // an unknown field: carried as it is
        if (v.isNull()) return Fate.SKIP; // the encoder writes nothing for a modelled null
        return switch (key) {
            case "tools" -> {
                if (v.isEmpty()) yield Fate.SKIP;
                for (JsonNode t : v) if (!tool(t)) yield Fate.CHANGED;
                yield Fate.KEEP;
            }
            case "tool_choice" -> v.isTextual() || functionChoice(v) ? Fate.KEEP : Fate.CHANGED;
            case "response_format" -> {
                String type = v.get("type").textValue();
                yield v.size() == (type.equals("json_schema") ? 2 : 1) ? Fate.KEEP : Fate.CHANGED;
            }
            // integers as integer literals: the encoder writes 5 for 5.0, which a strict server reads differently
            case "max_tokens", "max_completion_tokens", "seed" -> v.isIntegralNumber() ? Fate.KEEP : Fate.CHANGED;
            case "stop" -> !v.isArray() ? Fate.CHANGED : v.isEmpty() ? Fate.SKIP : Fate.KEEP;
            case "metadata" -> {
                if (v.isEmpty()) yield Fate.SKIP;
                JsonNode store = n.get("store");
                if (store == null || !store.asBoolean()) yield Fate.SKIP; // OpenAI takes metadata only on stored completions
                for (JsonNode x : v) if (!x.isTextual()) yield Fate.CHANGED;
                for (String k : dev.switchboard.model.GatewayMetadata.KEYS) if (v.has(k)) yield Fate.CHANGED; // the gateway's own
                yield Fate.KEEP;
            }
            default -> Fate.KEEP; // parallel_tool_calls, temperature, top_p, user: validated, written back as they are
        };
    }

    private static boolean message(JsonNode m) {
        JsonNode content = m.get("content");
        if (content == null) return false; // the encoder writes "" or null
        JsonNode calls = m.get("tool_calls");
        boolean hasCalls = calls != null && !calls.isNull() && !calls.isEmpty();
        for (Iterator<Map.Entry<String, JsonNode>> it = m.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            switch (f.getKey()) {
                case "role" -> { }
                case "content" -> {
                    if (v.isNull()) {
                        if (!hasCalls) return false;
                    } else if (v.isArray()) {
                        if (v.isEmpty()) return false;
                        if (v.size() == 1 && "text".equals(v.get(0).path("type").textValue())) return false; // goes as a string
                        boolean tool = "tool".equals(m.path("role").textValue());
                        for (JsonNode p : v) {
                            if (!part(p)) return false;
                            // an image or file a tool returned moves to a user turn after it (ToolAttachments)
                            if (tool && !"text".equals(p.path("type").textValue())) return false;
                        }
                    }
                }
                case "name", "refusal", "tool_call_id" -> { if (v.isNull()) return false; }
                case "tool_calls" -> {
                    if (!hasCalls) return false;
                    for (JsonNode c : v) if (!toolCall(c)) return false;
                }
                // dropped (thinking_blocks are Claude's alone), or moved onto a part
                case "reasoning_content", "thinking_blocks", "cache_control" -> { return false; }
                default -> { } // an unknown field: carried as it is
            }
        }
        return true;
    }

    private static boolean part(JsonNode p) {
        return switch (p.get("type").textValue()) {
            case "text" -> p.size() == 2;
            case "image_url" -> {
                JsonNode iu = p.get("image_url");
                if (p.size() != 2 || !iu.isObject()) yield false;
                JsonNode detail = iu.get("detail");
                yield iu.size() == (detail == null ? 1 : 2) && (detail == null || !detail.isNull());
            }
            // file, input_audio and other parts: written back as the client sent them, but for a cache_control a flavor may drop
            default -> !p.has("cache_control");
        };
    }

    private static boolean toolCall(JsonNode c) {
        // a custom tool's call ({"type":"custom","custom":{…}}) has no function: never relayed, the encoder writes it
        if (!(c.get("function") instanceof ObjectNode f)) return false;
        JsonNode args = f.get("arguments");
        return c.size() == 3 && "function".equals(c.path("type").textValue())
                && f.size() == 2 && args != null && args.isTextual();
    }

    private static boolean tool(JsonNode t) {
        if (t.size() != 2 || !"function".equals(t.path("type").textValue())) return false;
        for (Iterator<Map.Entry<String, JsonNode>> it = t.get("function").properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            switch (f.getKey()) {
                case "name" -> { }
                case "description", "parameters" -> { if (f.getValue().isNull()) return false; }
                case "strict" -> { if (!f.getValue().isBoolean()) return false; }
                default -> { return false; } // the encoder writes only these four
            }
        }
        return true;
    }

    private static boolean functionChoice(JsonNode c) {
        JsonNode f = c.get("function");
        return c.size() == 2 && "function".equals(c.path("type").textValue()) && f.size() == 1;
    }

    /** A top-level key without escapes, or null (an escaped key could spell a modelled one). */
    private static String key(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] == '\\' || b[i] < 0) return null;
        String known = known(b, from, to);
        return known != null ? known : new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The chat fields the decoder models, made once: a body's keys are nearly always among them. */
    private static final String[] KNOWN = OpenAiRequestDecoder.chatFields().toArray(String[]::new);

    /** The known field these ASCII bytes spell, or null (then the key is a new String, as every key was before). */
    static String known(byte[] b, int from, int to) {
        int length = to - from;
        next:
        for (String k : KNOWN) {
            if (k.length() != length) continue;
            for (int i = 0; i < length; i++) if (b[from + i] != k.charAt(i)) continue next;
            return k;
        }
        return null;
    }

    private static int ws(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) i++;
        return i;
    }

    /** The offset after the string starting at {@code i}, or -1. */
    private static int string(byte[] b, int i) {
        for (i++; i < b.length; i++) {
            if (b[i] == '\\') i++;
            else if (b[i] == '"') return i + 1;
        }
        return -1;
    }

    private static int scalar(byte[] b, int i) {
        int start = i;
        while (i < b.length && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n'
                && b[i] != '\r' && b[i] != '\t') i++;
        return i > start ? i : -1;
    }

    /** The offset after the object or array starting at {@code i} in the low half, its colons in the high; or -1. */
    private static long container(byte[] b, int i) {
        int depth = 0;
        long colons = 0;
        for (; i < b.length; i++) {
            byte c = b[i];
            if (c == '"') {
                i = string(b, i);
                if (i < 0) return -1;
                i--;
            } else if (c == ':') colons++;
            else if (c == '{' || c == '[') depth++;
            else if (c == '}' || c == ']') {
                if (--depth == 0) return (colons << 32) | (i + 1);
            }
        }
        return -1;
    }
}
