package dev.switchboard.govern;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A virtual key's secret: made here, shown once, stored only as its SHA-256. A key is {@code sk-sb-} and 43
 * base64url characters (256 random bits), so a stolen hash or a guessed prefix gets nobody anywhere, and the
 * prefix tells Switchboard's keys from the placeholder keys apps send to a gateway without a master key.
 */
public final class KeySecrets {
    public static final String PREFIX = "sk-sb-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private KeySecrets() {}

    public static String newKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A stable id for a key's identity in the ledger (unchanged by rotation): {@code key_} and 24 hex digits. */
    public static String newKeyId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "key_" + HexFormat.of().formatHex(b);
    }

    /** The stored form: SHA-256 of the key, hex (LiteLLM's {@code token}). */
    public static String hash(String key) {
        return HexFormat.of().formatHex(SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether a presented value is a key hash (64 hex digits) rather than a key. */
    public static boolean looksLikeHash(String s) {
        return s != null && s.length() == 64 && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    /** What lists show of a key: {@code sk-sb-...abcd}. */
    public static String mask(String key) {
        return key.substring(0, PREFIX.length()) + "..." + key.substring(key.length() - 4);
    }

    /** Two hashes compared in constant time. */
    public static boolean sameHash(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
