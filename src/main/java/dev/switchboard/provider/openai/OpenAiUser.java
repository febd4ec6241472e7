package dev.switchboard.provider.openai;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.RawJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The {@code user} an OpenAI-style provider is sent. OpenAI takes at most 64 characters there (a longer one is its 400
 * {@code string_above_max_length}), and an Anthropic client's {@code metadata.user_id} is often longer: Claude Code sends
 * one on every call, a JSON object of device, account and session ids (150-190 characters). Such an id goes as its
 * SHA-256 in hex, 64 characters, the same for the same id, so OpenAI still tells the client's users apart. An OpenAI
 * client's own {@code user} goes as the client wrote it (its 400 is then OpenAI's answer to what the client sent), and the
 * gateway's end user (ledger, budgets) is the full id either way: only this wire field is hashed.
 */
final class OpenAiUser {
    /** OpenAI's maximum length of {@code user}. */
    static final int MAX_LENGTH = 64;

    private OpenAiUser() {}

    /** What goes in the body's {@code user}; null when the request names no end user. */
    static String of(ChatRequest r) {
        String user = r.user();
        if (user == null || user.length() <= MAX_LENGTH || r.raw() == null || !r.raw().is(RawJson.ANTHROPIC)) return user;
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(user.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
