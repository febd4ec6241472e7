package dev.switchboard.provider;

import dev.switchboard.config.UpstreamSettings;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WARN line for an upstream request that waited over a second for its connection, saying which wait it was. A
 * request waited for its connection to open when the pool had room for it (the upstream was slow to accept or to
 * finish TLS, or the gateway's event loops were busy); it waited at the per-host limit when the host had as many
 * calls under way as the limit allows as it asked, or got a connection an earlier call gave back, or (HTTP/2) waited
 * for a free stream on an open connection (UpstreamHttp#atLimit). Each line names the settings of the protocol the
 * connection spoke. The line said "the
 * per-host limit is reached, or connecting is slow" for both: under 2,000 streams opening at once on a cold gateway,
 * far below the limit of 2,048, it sent the reader to a setting that was not the cause. Each kind is said at most
 * once a minute, so a connect storm does not hide a limit reached later.
 */
final class ConnectionWaits {
    /** Logged under UpstreamHttp's name, where the line has always been (log filters and alerts keep working). */
    private static final Logger log = LoggerFactory.getLogger(UpstreamHttp.class);
    /** A request that waited this long for a pooled connection waited noticeably (a connect, TLS included, takes less). */
    static final long NOTICED_NANOS = 1_000_000_000L;
    private static final long EVERY_NANOS = 60_000_000_000L;

    private final UpstreamSettings settings;
    private final AtomicLong lastConnect = new AtomicLong(Long.MIN_VALUE / 2);
    private final AtomicLong lastLimit = new AtomicLong(Long.MIN_VALUE / 2);

    ConnectionWaits(UpstreamSettings settings) { this.settings = settings; }

    /**
     * @param display      the deployment and its server, for the log
     * @param waitedNanos  from asking the pool to getting a connection (or failing to)
     * @param stillWaiting requests waiting for a connection now, to any host
     * @param newConnection the wait was for a connection to open (or none was had: the connect failed)
     * @param http2        the connection spoke HTTP/2 (for a failed connect: HTTP/2 would have been offered)
     */
    void waited(String display, long waitedNanos, int stillWaiting, boolean newConnection, boolean http2) {
        if (waitedNanos <= NOTICED_NANOS) return;
        AtomicLong last = newConnection ? lastConnect : lastLimit;
        long now = System.nanoTime();
        long before = last.get();
        if (now - before < EVERY_NANOS || !last.compareAndSet(before, now)) return;
        log.warn(message(display, waitedNanos / 1_000_000, stillWaiting, newConnection, http2));
    }

    String message(String display, long waitedMs, int stillWaiting, boolean newConnection, boolean http2) {
        if (newConnection) {
            String setting = http2
                    ? "general_settings.upstream_http2_connections_per_host (" + settings.http2ConnectionsPerHost() + ")"
                    : "general_settings.upstream_max_connections_per_host (" + settings.maxConnectionsPerHost() + ")";
            return "an upstream request waited " + waitedMs + " ms for a new connection to " + display + " to open (" + stillWaiting
                    + " waiting now, see the metric switchboard_upstream_requests_queued): connecting was slow, the per-host"
                    + " limit was not reached (the upstream was slow to accept the connection or to finish TLS, or the"
                    + " gateway's event loops were busy, e.g. with many connections opening at once on a gateway just"
                    + " started); raising " + setting + " would not help";
        }
        String limit = http2
                ? "HTTP/2: general_settings.upstream_http2_connections_per_host = " + settings.http2ConnectionsPerHost()
                        + " x upstream_http2_streams_per_connection = " + settings.http2StreamsPerConnection()
                        + ", or fewer streams if the server allows fewer): raise them"
                : "HTTP/1.1: general_settings.upstream_max_connections_per_host = " + settings.maxConnectionsPerHost() + "): raise it";
        return "an upstream request waited " + waitedMs + " ms for a free connection to " + display + " (" + stillWaiting
                + " waiting now, see the metric switchboard_upstream_requests_queued): the per-host limit is reached, each"
                + " call beyond it waits for an earlier one to end (the limit, " + limit;
    }
}
