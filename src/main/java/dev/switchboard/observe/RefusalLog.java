package dev.switchboard.observe;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log line of a request refused before it was read as a call (a key that does not authenticate, a body that is not
 * a request): one line a refusal, at INFO for the first {@value #PER_WINDOW} of each minute and at DEBUG after that, so
 * a client sending wrong keys or garbage as fast as it can (a DoS surface: no key is needed) cannot flood the log. The
 * first INFO line of a minute that follows a quieted one says how many went to DEBUG meanwhile; the metric
 * {@code switchboard_requests_total} counts every one.
 *
 * <p>The line says the request id, the status and the gateway's own error code answered, the route, the key's id when
 * it authenticated and the client's address: never the body, a header, a key or an error message (which may quote
 * the body).
 */
final class RefusalLog {
    static final int PER_WINDOW = 10;
    static final long WINDOW_NANOS = 60_000_000_000L;
    private static final Logger log = LoggerFactory.getLogger("switchboard.refused");

    private final LongSupplier nanos;
    /** Guarded by this: the window's start, the INFO lines in it, and the refusals sent to DEBUG since the last INFO. */
    private long windowStart;
    private int inWindow;
    private long quieted;
    private boolean started;

    RefusalLog(LongSupplier nanos) { this.nanos = nanos; }

    void refused(String requestId, String keyId, int status, String error, String where, String address) {
        long quietedBefore = admit();
        if (quietedBefore < 0 && !log.isDebugEnabled()) return; // the flood's usual case: nothing to format
        where = where == null ? null : dev.switchboard.model.LogSafe.text(where.length() > 80 ? where.substring(0, 80) + "..." : where);
        if (quietedBefore >= 0) {
            if (quietedBefore > 0) {
                log.info("request {}: refused before it was read as a call: {} {} on {} (key {}, from {}); {} more such "
                        + "refusals were logged at DEBUG since the last line", requestId, status, error, where,
                        keyId == null ? "none" : keyId, address, quietedBefore);
            } else {
                log.info("request {}: refused before it was read as a call: {} {} on {} (key {}, from {})", requestId, status,
                        error, where, keyId == null ? "none" : keyId, address);
            }
        } else {
            log.debug("request {}: refused before it was read as a call: {} {} on {} (key {}, from {})", requestId, status,
                    error, where, keyId == null ? "none" : keyId, address);
        }
    }

    /**
     * Whether this refusal is logged at INFO: the refusals quieted since the last INFO line (0 or more) when it is, -1
     * when it goes to DEBUG.
     */
    synchronized long admit() {
        long now = nanos.getAsLong();
        if (!started || now - windowStart >= WINDOW_NANOS) {
            started = true;
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= PER_WINDOW) {
            quieted++;
            return -1;
        }
        inWindow++;
        long q = quieted;
        quieted = 0;
        return q;
    }
}
