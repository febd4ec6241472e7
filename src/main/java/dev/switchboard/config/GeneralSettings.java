package dev.switchboard.config;

/**
 * {@code general_settings}.
 *
 * @param masterKey          the admin/app key; null means "no auth", allowed only on loopback
 * @param databaseUrl        null for the embedded SQLite file
 * @param maxRequestBytes    request bodies above this get 413 (LiteLLM's {@code max_request_size_mb})
 */
public record GeneralSettings(Secret masterKey, String databaseUrl, long maxRequestBytes) {
    public static final long DEFAULT_MAX_REQUEST_BYTES = 10L * 1024 * 1024;
}
