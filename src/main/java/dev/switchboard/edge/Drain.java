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
}
