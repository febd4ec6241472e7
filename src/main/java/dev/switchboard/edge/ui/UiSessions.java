package dev.switchboard.edge.ui;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The dashboard's login sessions, held in this process only: a session id is 32 random bytes (base64url) that the
 * browser keeps in an {@code HttpOnly}, {@code SameSite=Strict} cookie; the master key itself is never stored in the
 * browser. A session lasts {@link #TTL_MILLIS} from login (not extended by use) and ends at logout; a restart logs
 * everyone out. At most {@link #MAX_SESSIONS} live at once: past that the oldest is dropped.
 */
public final class UiSessions {
    static final long TTL_MILLIS = 12 * 3_600_000L;
    static final int MAX_SESSIONS = 1_000;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Long> expiresAt = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    /**
     * Whether a CSV download of the Requests view is being sent (UiRoutes): one at a time in the process. Here because
     * this object is the dashboard's one state shared by every server instance (each event loop has its own UiRoutes,
     * and a flag of its own let one download run per event loop).
     */
    final java.util.concurrent.atomic.AtomicBoolean csvDownload = new java.util.concurrent.atomic.AtomicBoolean();

    public UiSessions(LongSupplier clock) { this.clock = clock; }

    /** A new session; its id goes in the cookie. */
    String create() {
        long now = clock.getAsLong();
        purge(now);
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        expiresAt.put(id, now + TTL_MILLIS);
        return id;
    }

    boolean valid(String id) {
        if (id == null) return false;
        Long until = expiresAt.get(id);
        if (until == null) return false;
        if (until <= clock.getAsLong()) {
            expiresAt.remove(id);
            return false;
        }
        return true;
    }

    void end(String id) {
        if (id != null) expiresAt.remove(id);
    }

    int size() { return expiresAt.size(); }

    private void purge(long now) {
        expiresAt.values().removeIf(until -> until <= now);
        while (expiresAt.size() >= MAX_SESSIONS) {
            String oldest = null;
            long min = Long.MAX_VALUE;
            for (Iterator<Map.Entry<String, Long>> it = expiresAt.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Long> e = it.next();
                if (e.getValue() < min) {
                    min = e.getValue();
                    oldest = e.getKey();
                }
            }
            if (oldest == null) break;
            expiresAt.remove(oldest);
        }
    }
}
