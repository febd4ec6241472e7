package dev.switchboard.config;

/**
 * Where the master key and the database URL came from, worded for the start's log and {@code check}
 * ({@code general_settings.master_key (line 4)}, {@code LITELLM_MASTER_KEY (environment)}); never the values.
 * Null for a setting that is not set anywhere.
 */
public record SettingSources(String masterKey, String databaseUrl) {
    public static final SettingSources NONE = new SettingSources(null, null);
}
