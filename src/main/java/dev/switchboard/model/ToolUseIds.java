package dev.switchboard.model;

import java.nio.charset.StandardCharsets;

/**
 * Tool-call ids as an Anthropic-dialect client is shown them. Anthropic takes {@code tool_use} ids (and a
 * {@code tool_result}'s {@code tool_use_id}) of {@code ^[a-zA-Z0-9_-]+$} only, in the history too, while other providers'
 * ids may hold other characters: Kimi K2 on vLLM and Moonshot's API give {@code functions.get_weather:0}. A client that
 * sends such a history on to Claude (Claude Code's {@code /model} switch, a fallback to Claude) would be refused, so the
 * Anthropic dialect shows an id from any other provider in that set: each character outside it as {@code _} and, when
 * anything changed, {@code _} and 8 hex digits of the original's SHA-256, so two ids that map alike stay apart. The same id
 * maps the same way every time (streamed or not, replayed from the cache) and no state is kept: the client sends the mapped
 * id back in its {@code tool_use} and {@code tool_result} alike, so the next request to the same upstream matches itself.
 * Ids already in the set, Gemini's signature-carrying ones included ({@code provider.ToolCallIds}: base64url), are unchanged.
 */
public final class ToolUseIds {
    private ToolUseIds() {}

    /** The id as an Anthropic client may send it back; null stays null. */
    public static String forAnthropic(String id) {
        if (id == null) return null;
        StringBuilder out = null;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (allowed(c)) {
                if (out != null) out.append(c);
            } else {
                if (out == null) out = new StringBuilder(id.length() + 9).append(id, 0, i);
                out.append('_');
            }
        }
        return out == null ? id : out.append('_').append(hash8(id)).toString();
    }

    private static boolean allowed(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
    }

    private static String hash8(String id) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
