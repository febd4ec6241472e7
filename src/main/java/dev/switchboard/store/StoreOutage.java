package dev.switchboard.store;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/**
 * What an operator reads of one store's outage (PostgreSQL or SQLite, Redis): one WARN when it starts to fail and one
 * INFO when it answers again, each one line without a stack trace. QA found a Redis outage logged as ERRORs with Netty
 * stack traces beside the cache's WARN, and each PostgreSQL termination as repeated JDBC stack traces: noise that hid
 * the one line that mattered. The failures themselves are still handled (and counted) by whoever met them; this only
 * says that the store is away, and when it is back. Thread-safe; {@link #answered} is a volatile read when all is well,
 * so it may sit on a request path.
 */
public final class StoreOutage {
    private final Logger log;
    private final String store;
    private final String meanwhile;
    /** When the outage began (epoch ms), 0 while the store answers. */
    private final AtomicLong downSince = new AtomicLong();
    private final AtomicReference<String> firstCause = new AtomicReference<>();

    /**
     * @param store     the store as logs name it ({@code PostgreSQL at host:5432/db}, {@code Redis at host:6379})
     * @param meanwhile what the gateway does while it is away, said in the WARN
     */
    public StoreOutage(Logger log, String store, String meanwhile) {
        this.log = log;
        this.store = store;
        this.meanwhile = meanwhile;
    }

    /** The store failed some work: the first failure of an outage is logged (WARN), later ones are not. */
    public void failed(Throwable cause) {
        if (downSince.get() != 0) return;
        if (downSince.compareAndSet(0, Math.max(1, System.currentTimeMillis()))) {
            String why = describe(cause);
            firstCause.set(why);
            log.warn("{} is failing ({}); {}. One line says when it answers again", store, why, meanwhile);
        }
    }

    /** The store did some work: the end of an outage is logged (INFO). */
    public void answered() {
        long since = downSince.get();
        if (since == 0) return;
        if (downSince.compareAndSet(since, 0)) {
            log.info("{} answers again, after {} ms (it failed with: {})", store, Math.max(0, System.currentTimeMillis() - since),
                    firstCause.get());
        }
    }

    /** Whether the store is taken for away now (failed, and has not answered since). */
    public boolean failing() { return downSince.get() != 0; }

    /** The innermost message (a driver's or Netty's own words), one line, never a stack trace. */
    static String describe(Throwable t) {
        String best = null;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) best = c.getMessage();
            else if (best == null) best = c.getClass().getSimpleName();
        }
        if (best == null) return "unknown";
        best = best.strip().replaceAll("\\s+", " ");
        return DatabaseLocation.mask(best.length() > 200 ? best.substring(0, 200) + "…" : best);
    }
}
