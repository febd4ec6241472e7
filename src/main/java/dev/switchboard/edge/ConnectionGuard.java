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
 */
final class ConnectionGuard {
    private final Vertx vertx;
    private final long idleMillis;
    private final Map<HttpConnection, State> connections = new IdentityHashMap<>();

    private static final class State {
        int inFlight;
        long timer = -1;
    }

    ConnectionGuard(Vertx vertx, long idleMillis) {
        this.vertx = vertx;
        this.idleMillis = idleMillis;
    }

    /** A new connection: it has until the idle time to complete a request head. */
    void opened(HttpConnection conn) {
        State s = new State();
        connections.put(conn, s);
        conn.closeHandler(v -> {
            State gone = connections.remove(conn);
            if (gone != null && gone.timer >= 0) vertx.cancelTimer(gone.timer);
        });
        arm(conn, s);
    }

    /** A request arrived (its head is complete): no idle close while it, or any other on this connection, runs. */
    void requestStarted(HttpServerRequest req) {
        HttpConnection conn = req.connection();
        State s = connections.get(conn);
        if (s == null) return;
        s.inFlight++;
        if (s.timer >= 0) {
            vertx.cancelTimer(s.timer);
            s.timer = -1;
        }
        req.response().endHandler(v -> {
            if (--s.inFlight == 0 && connections.containsKey(conn)) arm(conn, s);
        });
    }

    private void arm(HttpConnection conn, State s) {
        s.timer = vertx.setTimer(idleMillis, t -> {
            s.timer = -1;
            if (s.inFlight == 0) conn.close();
        });
    }
}
