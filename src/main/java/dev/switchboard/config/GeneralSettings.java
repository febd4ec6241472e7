package dev.switchboard.config;

/**
 * {@code general_settings}.
 *
 * @param masterKey          the admin/app key; null means "no auth", allowed only on loopback
 * @param databaseUrl        PostgreSQL ({@code postgresql://user:pass@host:5432/db}, or a {@code jdbc:postgresql:} URL);
 *                           null for the embedded SQLite file. May hold a password: never logged as is.
 * @param databasePath       the embedded SQLite file when there is no {@code databaseUrl} ({@code ./switchboard.db})
 * @param maxRequestBytes    request bodies above this get 413 (LiteLLM's {@code max_request_size_mb})
 * @param allowedHosts       {@code Host} names served besides loopback ones and IP literals ({@code allowed_hosts};
 *                           lower case, no port; {@code *} turns the check off)
 * @param corsAllowedOrigins browser origins ({@code https://app.example.com}) allowed to call the gateway cross-origin
 *                           ({@code cors_allowed_origins}; {@code *} for any); empty means no CORS at all
 * @param maxBufferedBytes   the bound on bytes buffered across all requests (request bodies and whole upstream
 *                           answers); 0 means derived from the heap ({@code max_buffered_mb})
 * @param otel               {@code general_settings.otel} as plain values (validated; env refs resolved), empty when absent
 * @param requestLog         {@code general_settings.request_log} as plain values (validated), empty when absent
 * @param upstream           how upstreams are connected to ({@code upstream_*}: connections per host, HTTP/2, CAs)
 * @param jwtAuth            JWT auth ({@code enable_jwt_auth} + {@code litellm_jwtauth}) as plain values (validated, the
 *                           environment's JWT_* read), empty when off
 * @param eventLoopTransport the socket transport the event loops run on ({@code event_loop_transport}; default auto: io_uring, else epoll, else NIO)
 * @param requestChecks      {@code enforce_user_param} and {@code reject_clientside_metadata_tags}
 * @param globalMaxParallelRequests LiteLLM's {@code global_max_parallel_requests}: model calls in flight in this gateway at
 *                           most (the next is a 429); null for no limit
 * @param healthChecks      LiteLLM's model health checks ({@code background_health_checks}, {@code health_check_interval},
 *                          {@code health_check_details})
 * @param alerting          LiteLLM's slack and webhook alerting ({@code alerting}, {@code alert_types},
 *                          {@code alert_to_webhook_url}, {@code SLACK_WEBHOOK_URL}, {@code WEBHOOK_URL}): where budget
 *                          alerts are posted
 * @param sources           where the master key and the database URL came from (the config, or LiteLLM's
 *                          {@code LITELLM_MASTER_KEY} / {@code DATABASE_URL}), for the start's log; never the values
 * @param keyRotationGracePeriod LiteLLM's {@code LITELLM_KEY_ROTATION_GRACE_PERIOD}: the {@code grace_period} of a
 *                          {@code /key/regenerate} that gives none (a checked duration, {@code 24h}); null for none
 * @param backgroundThreadNice how far the store writers (ledger, request log, WAL checkpointer) lower their own threads
 *                          at their start: to the process's nice plus this, at most 19 ({@code background_thread_nice},
 *                          0-19; 0 off; null for
 *                          {@link #DEFAULT_BACKGROUND_THREAD_NICE})
 * @param checkKeyModels    whether /key, /team and /user admin calls refuse a {@code models} entry or alias target this
 *                          gateway does not have ({@code check_key_models}, default true; false for a rolling deploy
 *                          where instances behind one balancer have different model lists)
 */
public record GeneralSettings(Secret masterKey, String databaseUrl, String databasePath, long maxRequestBytes,
                              java.util.List<String> allowedHosts, java.util.List<String> corsAllowedOrigins,
                              long maxBufferedBytes, java.util.Map<String, Object> otel,
                              java.util.Map<String, Object> requestLog, UpstreamSettings upstream,
                              java.util.Map<String, Object> jwtAuth, EventLoopTransport eventLoopTransport,
                              RequestChecks requestChecks, Integer globalMaxParallelRequests,
                              HealthCheckSettings healthChecks, AlertingSettings alerting, SettingSources sources,
                              String keyRotationGracePeriod, Integer backgroundThreadNice, boolean checkKeyModels) {
    public static final long DEFAULT_MAX_REQUEST_BYTES = 10L * 1024 * 1024;
    public static final String DEFAULT_DATABASE_PATH = "./switchboard.db";
    /** {@code background_thread_nice} when not set: chosen from the A/B in docs/architecture.md ("Store writers at a lower OS priority"). */
    public static final int DEFAULT_BACKGROUND_THREAD_NICE = 5;
    /** The lowest priority Linux has: the largest {@code background_thread_nice}. */
    public static final int MAX_BACKGROUND_THREAD_NICE = 19;

    public GeneralSettings {
        if (databasePath == null || databasePath.isBlank()) databasePath = DEFAULT_DATABASE_PATH;
        allowedHosts = allowedHosts == null ? java.util.List.of() : java.util.List.copyOf(allowedHosts);
        corsAllowedOrigins = corsAllowedOrigins == null ? java.util.List.of() : java.util.List.copyOf(corsAllowedOrigins);
        otel = otel == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(otel));
        requestLog = requestLog == null ? java.util.Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(requestLog));
        if (upstream == null) upstream = UpstreamSettings.DEFAULTS;
        jwtAuth = jwtAuth == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(jwtAuth));
        if (eventLoopTransport == null) eventLoopTransport = EventLoopTransport.AUTO;
        if (requestChecks == null) requestChecks = RequestChecks.NONE;
        if (healthChecks == null) healthChecks = HealthCheckSettings.DEFAULTS;
        if (alerting == null) alerting = AlertingSettings.NONE;
        if (sources == null) sources = SettingSources.NONE;
        if (backgroundThreadNice == null) backgroundThreadNice = DEFAULT_BACKGROUND_THREAD_NICE;
    }

    /** True when callers may sign in with a JWT. */
    public boolean jwtAuthEnabled() { return !jwtAuth.isEmpty(); }

    /**
     * Every other setting at its default (loopback hosts only, no CORS, a heap-derived bound, …). The one short form:
     * the loader builds the canonical one, {@link #withRequestLog} and {@link #withDatabasePath} copy it, so a new
     * setting is a new component here and in those, not another overload.
     */
    public GeneralSettings(Secret masterKey, String databaseUrl, String databasePath, long maxRequestBytes) {
        this(masterKey, databaseUrl, databasePath, maxRequestBytes, null, null, 0, null, null, null, null, null, null, null,
                null, null, null, null, null, true);
    }

    /**
     * The bound on buffered bytes in effect: {@code max_buffered_mb}, else half of the heap the JVM may grow to
     * (decoding a buffered answer takes about as much again), and never under 64 MiB, so one largest upstream
     * answer always fits.
     */
    public long bufferedBytesBound() {
        if (maxBufferedBytes > 0) return maxBufferedBytes;
        return Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 2);
    }

    /** The same settings with another {@code request_log} (LiteLLM's message-logging switches read into it). */
    public GeneralSettings withRequestLog(java.util.Map<String, Object> log) {
        return new GeneralSettings(masterKey, databaseUrl, databasePath, maxRequestBytes, allowedHosts, corsAllowedOrigins,
                maxBufferedBytes, otel, log, upstream, jwtAuth, eventLoopTransport, requestChecks, globalMaxParallelRequests, healthChecks, alerting, sources,
                keyRotationGracePeriod, backgroundThreadNice, checkKeyModels);
    }

    /** The same settings with another SQLite path (tests give each gateway its own file). */
    public GeneralSettings withDatabasePath(String path) {
        return new GeneralSettings(masterKey, databaseUrl, path, maxRequestBytes, allowedHosts, corsAllowedOrigins,
                maxBufferedBytes, otel, requestLog, upstream, jwtAuth, eventLoopTransport, requestChecks, globalMaxParallelRequests,
                healthChecks, alerting, sources, keyRotationGracePeriod, backgroundThreadNice, checkKeyModels);
    }
}
