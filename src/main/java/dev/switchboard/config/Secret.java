package dev.switchboard.config;

/**
 * A credential from the config. Its {@link #toString()} is masked, so a key that reaches a log line, an
 * exception message or an admin answer by mistake still does not leak; only {@link #reveal()} gives the value,
 * and only the code that sets an upstream auth header calls it.
 */
public final class Secret {
    private final String value;
    /** The value's UTF-8 bytes, made once: {@link #matches} runs for every request with the master key. */
    private final byte[] bytes;

    public Secret(String value) {
        this.value = value;
        this.bytes = value == null ? null : value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public String reveal() { return value; }

    /** The last four characters at most, for telling keys apart: {@code ****abcd}. */
    public String masked() {
        return value.length() >= 16 ? "****" + value.substring(value.length() - 4) : "****";
    }

    /** Constant-time comparison, so a key cannot be guessed by timing. */
    public boolean matches(String candidate) {
        return candidate != null && bytes != null && java.security.MessageDigest.isEqual(
                bytes, candidate.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public String toString() { return masked(); }
}
