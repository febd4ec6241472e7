package dev.switchboard.model;

import java.nio.charset.StandardCharsets;

/**
 * Tool-call ids as an Anthropic-format upstream is sent them. Anthropic (and Bedrock's Converse) take {@code tool_use}
 * ids (and a {@code tool_result}'s {@code tool_use_id}) of {@code ^[a-zA-Z0-9_-]+$} only, in the history too, while other
 * providers' ids may hold other characters: Kimi K2 on vLLM and Moonshot's API give {@code functions.get_weather:0}.
 * The client is shown the provider's id as it is, whatever its dialect: Kimi K2 needs its own id format back in the
 * history (vllm-project/vllm#46344; normalised ids break its tool calling), and a longer id may pass OpenAI's 40-character
 * limit. Only a request to an Anthropic-format upstream (a Claude {@code /model} switch, a fallback to Claude) has such an
 * id mapped: each character outside the set as {@code _} and, when anything changed, {@code _} and 8 hex digits of the
 * original's SHA-256, so two ids that map alike stay apart. The same id maps the same way every time and no state is kept,
 * so a {@code tool_use} and its {@code tool_result} still match. Ids already in the set, Gemini's signature-carrying ones
 * included ({@code provider.ToolCallIds}: base64url), are unchanged.
 *
 * <p>Mistral takes ids of exactly nine letters and digits only ("Tool call id was toolu_… but must be a-z, A-Z, 0-9, with
 * a length of 9", a 400), so a conversation begun on Claude or OpenAI (a fallback, Claude Code's {@code /model} switch)
 * has its ids mapped on the way to a Mistral upstream only, by {@link #forMistral}, in the same way: stateless, the same
 * every time, Mistral's own ids unchanged (so nothing needs mapping back).
 */
public final class ToolUseIds {
    private ToolUseIds() {}

    /** The id as an Anthropic-format upstream takes it; null stays null, an id in the set is returned as is. */
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

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    /** Mistral's id length: exactly nine characters of {@code [a-zA-Z0-9]}. */
    static final int MISTRAL_LENGTH = 9;

    /**
     * The id as Mistral takes it: itself when it is already nine letters and digits (Mistral's own), else nine base-62
     * digits of its SHA-256 (62^9, about 10^16 values: two ids of one conversation meeting is not a practical concern).
     * Null stays null.
     */
    public static String forMistral(String id) {
        if (id == null || isMistralId(id)) return id;
        byte[] h = sha256(id);
        char[] out = new char[MISTRAL_LENGTH];
        long bits = java.nio.ByteBuffer.wrap(h).getLong() >>> 1; // 63 bits: more than nine base-62 digits need (53.6)
        for (int i = 0; i < MISTRAL_LENGTH; i++) {
            out[i] = BASE62[(int) (bits % 62)];
            bits /= 62;
        }
        return new String(out);
    }

    private static boolean isMistralId(String id) {
        if (id.length() != MISTRAL_LENGTH) return false;
        for (int i = 0; i < MISTRAL_LENGTH; i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) return false;
        }
        return true;
    }

    private static boolean allowed(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
    }

    private static String hash8(String id) {
        return java.util.HexFormat.of().formatHex(sha256(id), 0, 4);
    }

    private static byte[] sha256(String id) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
