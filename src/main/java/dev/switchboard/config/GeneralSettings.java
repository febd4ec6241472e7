package dev.switchboard.config;

/**
 * {@code general_settings}.
 *
 * @param masterKey          the admin/app key; null means "no auth", allowed only on loopback
 * @param databaseUrl        PostgreSQL ({@code postgresql://user:pass@host:5432/db}, or a {@code jdbc:postgresql:} URL);
 *                           null for the embedded SQLite file. May hold a password: never logged as is.
 * @param databasePath       the embedded SQLite file when there is no {@code databaseUrl} ({@code ./switchboard.db})
 * @param maxRequestBytes    request bodies above this get 413 (LiteLLM's {@code max_request_size_mb})
 * @param otel               {@code general_settings.otel} as plain values (validated; env refs resolved), empty when absent
 * @param requestLog         {@code general_settings.request_log} as plain values (validated), empty when absent
 */
public record GeneralSettings(Secret masterKey, String databaseUrl, String databasePath, long maxRequestBytes,
                              java.util.Map<String, Object> otel, java.util.Map<String, Object> requestLog) {
    public static final long DEFAULT_MAX_REQUEST_BYTES = 10L * 1024 * 1024;
    public static final String DEFAULT_DATABASE_PATH = "./switchboard.db";

    public GeneralSettings {
        if (databasePath == null || databasePath.isBlank()) databasePath = DEFAULT_DATABASE_PATH;
        otel = otel == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(otel));
        requestLog = requestLog == null ? java.util.Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(requestLog));
    }

    public GeneralSettings(Secret masterKey, String databaseUrl, String databasePath, long maxRequestBytes) {
        this(masterKey, databaseUrl, databasePath, maxRequestBytes, null, null);
    }

    /** The same settings with another SQLite path (tests give each gateway its own file). */
    public GeneralSettings withDatabasePath(String path) {
        return new GeneralSettings(masterKey, databaseUrl, path, maxRequestBytes, otel, requestLog);
    }
}
