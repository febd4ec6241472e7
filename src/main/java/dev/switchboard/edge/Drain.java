package dev.switchboard.edge;

import dev.switchboard.model.Cancellation;
import dev.switchboard.model.GatewayException;
import java.time.Duration;

/**
 * The shutdown drain as the streams see it: how long the server lets requests in flight finish, and the moment, a
 * little before the server closes what is left, at which a stream still open is ended by the gateway itself — with the
 * dialect's error event saying the gateway is shutting down, recorded as the gateway's cut (503), not as its client
 * leaving. Without it the drain's end closed those connections bare: the SDKs raised a transport error and the ledger
 * blamed the client (499 {@code client_closed}).
 *
 * <p>One per gateway, shared by every server instance; written once when the stop begins, read by the few streams
 * still open then. Nothing of it runs on the request path.
 */
public final class Drain {
    /**
     * How long before the drain's end the streams still open are ended: time for their last event and for the ledger
     * rows to be queued before the server closes the connections and the ledger is written.
     */
    static final Duration CUT_MARGIN = Duration.ofSeconds(2);

    private volatile Duration length = EdgeServer.DRAIN;
    /** When the open streams are cut (System.nanoTime); 0 before {@link #begin}. */
    private volatile long cutAtNanos;

    /** The drain begins now and lasts {@code length}: the server's shutdown waits that long. */
    void begin(Duration length) {
        this.length = length;
        this.cutAtNanos = System.nanoTime() + length.minus(CUT_MARGIN).toNanos();
    }

    Duration length() { return length; }

    /** Whether the server's stop has begun (a connection's shutdown handler set now would never be called). */
    boolean began() { return cutAtNanos != 0; }

    /**
     * Milliseconds until the streams still open are cut (at least 1). A server stopped without {@link #begin} (Vert.x
     * closed, a test's gateway) drains for the default length from now.
     */
    long millisToCut() {
        long at = cutAtNanos;
        if (at == 0) return length.minus(CUT_MARGIN).toMillis();
        return Math.max(1, (at - System.nanoTime()) / 1_000_000);
    }

    /** The failure that ends a stream the drain cut (a 503, code {@link Cancellation#GATEWAY_STOPPED_CODE}). */
    static GatewayException shuttingDown(Duration length) {
        return Cancellation.gatewayStopping("The gateway is shutting down: this stream was still open when its drain of "
                + length.toSeconds() + " s ran out. Retry the request.");
    }

    /**
     * Makes the drain stop this call if it is still unanswered (no status line written) shortly before the drain runs
     * out: the call fails with the 503 {@link Cancellation#GATEWAY_STOPPED_CODE}, which the client gets in its dialect
     * and the ledger records, where the drain's end closed the connection bare and the ledger blamed the client (499).
     * A stream that starts answering takes the connection's shutdown handler over ({@link SseSink#endsAtDrain}); on
     * HTTP/1.1 a connection carries one call at a time, so the handler is the connection's current call's. The handler
     * is the one lambda a call makes for it; nothing runs unless the server stops.
     */
    void stopsAtCut(io.vertx.core.http.HttpConnection conn, io.vertx.core.http.HttpServerResponse resp, Cancellation cancellation) {
        if (conn == null) return;
        io.vertx.core.Handler<Void> cutLater = v -> {
            io.vertx.core.internal.ContextInternal context = io.vertx.core.internal.ContextInternal.current();
            if (context == null) stopUnanswered(resp, cancellation);
            else context.owner().setTimer(millisToCut(), id -> stopUnanswered(resp, cancellation));
        };
        if (began()) cutLater.handle(null); // Vert.x calls a shutdown handler once, at the stop's start: timed here
        else conn.shutdownHandler(cutLater);
    }

    private void stopUnanswered(io.vertx.core.http.HttpServerResponse resp, Cancellation cancellation) {
        if (resp.headWritten() || resp.closed()) return;
        cancellation.stop(Cancellation.gatewayStopping("The gateway is shutting down: this request was still unanswered "
                + "when its drain of " + length.toSeconds() + " s ran out. Retry the request."));
    }
}
