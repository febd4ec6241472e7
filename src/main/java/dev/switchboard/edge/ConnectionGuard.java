package dev.switchboard.edge;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Closes connections that hold no request for {@code idleMillis}: a keep-alive connection left idle between
 * requests, and one whose request head never completes (slowloris: a few header bytes now and then), which a
 * plain idle timeout would never close. A connection with a request in flight is never closed by it, however
 * long the upstream thinks or a stream runs; a body that stalls is {@link BodyReader}'s to time out.
 * One per server verticle: it runs on that verticle's event loop only, so it needs no locking.
 *
 * <p>A request neither cancels nor sets a timer: it only counts itself in and out and notes when the connection went
 * idle. Each connection has at most one timer, which, when it fires, closes the connection if it has been idle for
 * the whole time, or else sets itself again for what is left. (Cancelling and setting a Vert.x timer per request cost
 * two map operations, a scheduled task and a priority-queue insert and removal on every request: see docs/architecture.md,
 * "Performance notes".) A connection is still closed {@code idleMillis} after it went idle.
 */
final class ConnectionGuard {
    private final Vertx vertx;
    private final long idleMillis;
    private final Map<HttpConnection, State> connections = new IdentityHashMap<>();

    private static final class State {
        int inFlight;
        /** When the connection last went idle (System.nanoTime), or when it opened. */
        long idleSinceNanos;
        long timer = -1;
    }

    ConnectionGuard(Vertx vertx, long idleMillis) {
        this.vertx = vertx;
        this.idleMillis = idleMillis;
    }

    /** A new connection: it has until the idle time to complete a request head. */
    void opened(HttpConnection conn) {
        State s = new State();
        s.idleSinceNanos = System.nanoTime();
        connections.put(conn, s);
        conn.closeHandler(v -> {
            State gone = connections.remove(conn);
            if (gone != null && gone.timer >= 0) vertx.cancelTimer(gone.timer);
        });
        arm(conn, s, idleMillis);
    }

    /** A request arrived (its head is complete): no idle close while it, or any other on this connection, runs. */
    void requestStarted(HttpServerRequest req) {
        HttpConnection conn = req.connection();
        State s = connections.get(conn);
        if (s == null) return;
        s.inFlight++;
        req.response().endHandler(v -> {
            if (--s.inFlight == 0) {
                s.idleSinceNanos = System.nanoTime();
                if (s.timer < 0 && connections.containsKey(conn)) arm(conn, s, idleMillis);
            }
        });
    }

    private void arm(HttpConnection conn, State s, long delayMillis) {
        s.timer = vertx.setTimer(Math.max(1, delayMillis), t -> {
            s.timer = -1;
            if (s.inFlight > 0) return; // the end of the last request in flight sets the timer again
            long idleFor = (System.nanoTime() - s.idleSinceNanos) / 1_000_000;
            if (idleFor >= idleMillis) conn.close();
            else arm(conn, s, idleMillis - idleFor);
        });
    }
}
