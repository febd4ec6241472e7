package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;

/**
 * Blanks a provider key out of text an upstream sent, before it can reach a client, a log or a trace. An
 * upstream may echo the key it received anywhere (an error's message, type, param or code, a stream event),
 * in another case (some servers upper-case what they quote), or cut off (a server, or our own truncation, may
 * end the text in the middle of the key), so the match ignores case and a long-enough prefix of the key that
 * ends the text is masked too.
 */
public final class KeyScrubber {
    static final String MASK = "****";
    /** Shorter keys would match ordinary words; no provider issues one. */
    private static final int MIN_SECRET = 4;
    /**
     * The shortest key prefix masked at the end of a text. Shorter prefixes are the public format ({@code sk-},
     * {@code AIza}), reveal nothing, and would blank ordinary words that end a message.
     */
    static final int MIN_TAIL_PREFIX = 6;

    private KeyScrubber() {}

    /** {@code text} with every occurrence of {@code secret} (any case) and a trailing key prefix masked. */
    public static String text(String text, String secret) {
        if (text == null || secret == null || secret.length() < MIN_SECRET) return text;
        return maskTail(replaceIgnoringCase(text, secret), secret);
    }

    /**
     * Scrubs, then cuts to {@code max} characters, then masks a key prefix the cut left at the end: cutting
     * first would leave a key straddling the cut as a prefix no whole-key match finds.
     */
    public static String cut(String text, String secret, int max) {
        if (text == null) return null;
        String scrubbed = secret == null || secret.length() < MIN_SECRET ? text : replaceIgnoringCase(text, secret);
        if (scrubbed.length() > max) scrubbed = scrubbed.substring(0, max);
        return secret == null || secret.length() < MIN_SECRET ? scrubbed : maskTail(scrubbed, secret);
    }

    /** The same node when no string in it (value or field name) holds the key; otherwise a scrubbed copy. */
    public static JsonNode json(JsonNode node, String secret) {
        if (node == null || secret == null || secret.length() < MIN_SECRET || !holds(node, secret)) return node;
        return copy(node, secret);
    }

    private static boolean holds(JsonNode n, String secret) {
        if (n.isTextual()) return !text(n.textValue(), secret).equals(n.textValue());
        if (n.isArray()) {
            for (JsonNode e : n) if (holds(e, secret)) return true;
        } else if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                if (!text(e.getKey(), secret).equals(e.getKey()) || holds(e.getValue(), secret)) return true;
            }
        }
        return false;
    }

    private static JsonNode copy(JsonNode n, String secret) {
        if (n.isTextual()) return TextNode.valueOf(text(n.textValue(), secret));
        if (n.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode(n.size());
            for (JsonNode e : n) a.add(copy(e, secret));
            return a;
        }
        if (n.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                o.set(text(e.getKey(), secret), copy(e.getValue(), secret));
            }
            return o;
        }
        return n; // numbers, booleans, null: a key is none of these
    }

    private static String replaceIgnoringCase(String text, String secret) {
        int n = secret.length();
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i + n <= text.length(); ) {
            if (text.regionMatches(true, i, secret, 0, n)) {
                if (out == null) out = new StringBuilder(text.length());
                out.append(text, copied, i).append(MASK);
                i += n;
                copied = i;
            } else {
                i++;
            }
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /** Masks the longest proper prefix of the key (at least {@link #MIN_TAIL_PREFIX} long) that ends the text. */
    private static String maskTail(String text, String secret) {
        int longest = Math.min(secret.length() - 1, text.length());
        for (int len = longest; len >= MIN_TAIL_PREFIX; len--) {
            if (text.regionMatches(true, text.length() - len, secret, 0, len)) {
                return text.substring(0, text.length() - len) + MASK;
            }
        }
        return text;
    }
}
