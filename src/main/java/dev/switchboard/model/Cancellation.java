package dev.switchboard.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The signal that nobody waits for a call's answer any more: the edge cancels it when the client's connection
 * closes (or the response is closed) before the answer is complete. The router checks it before every attempt,
 * retry and fallback; the upstream HTTP layer registers a listener that resets the request in flight, so a
 * provider stops generating (and billing) for a client that is gone.
 *
 * <p>Thread-safe: the edge cancels on the server's event loop while the upstream request may live on another.
 * Listeners run once, on the thread that cancels (or at once, on the registering thread, when already cancelled).
 */
public final class Cancellation {
    /** A call nobody can cancel (internal calls, tests); registering on it costs nothing. */
    public static final Cancellation NEVER = new Cancellation(false);

    private static final Runnable NOTHING = () -> {};

    private final boolean cancellable;
    private List<Runnable> listeners;
    private boolean cancelled;
    /** Why the gateway itself cancelled the call ({@link #stop}); null when the client left. */
    private GatewayException stopReason;

    private Cancellation(boolean cancellable) { this.cancellable = cancellable; }

    public static Cancellation create() { return new Cancellation(true); }

    public synchronized boolean cancelled() { return cancelled; }

    /** Cancels and runs the listeners, once; later calls do nothing. A listener that throws does not stop the others. */
    public void cancel() {
        List<Runnable> run;
        synchronized (this) {
            if (!cancellable || cancelled) return;
            cancelled = true;
            run = listeners;
            listeners = null;
        }
        if (run == null) return;
        RuntimeException first = null;
        for (Runnable r : run) {
            try {
                r.run();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    /**
     * Cancels the call for the gateway's own reason (its shutdown drain ran out), not because the client left: the
     * same listeners run (the router stops, the upstream request is reset), and whoever settles the call reads the
     * reason ({@link #stopReason}) to record the gateway's error rather than a 499. Does nothing once cancelled.
     */
    public void stop(GatewayException reason) {
        synchronized (this) {
            if (!cancellable || cancelled) return;
            stopReason = reason;
        }
        cancel();
    }

    /** The gateway's reason when it stopped the call ({@link #stop}); null when it was not stopped, or the client left. */
    public synchronized GatewayException stopReason() { return stopReason; }

    /**
     * Runs {@code listener} when the call is cancelled, or now when it already is.
     *
     * @return removes the listener again (once the work it would stop is over), so a long call does not keep
     *     listeners of attempts long finished
     */
    public Runnable onCancel(Runnable listener) {
        synchronized (this) {
            if (!cancellable) return NOTHING;
            if (!cancelled) {
                if (listeners == null) listeners = new ArrayList<>(2);
                listeners.add(listener);
                return () -> remove(listener);
            }
        }
        listener.run();
        return NOTHING;
    }

    private synchronized void remove(Runnable listener) {
        if (listeners != null) listeners.remove(listener);
    }

    /** The error code of the failure a call the gateway stopped ends with ({@link #gatewayStopping}). */
    public static final String GATEWAY_STOPPED_CODE = "gateway_shutting_down";

    /**
     * The reason for {@link #stop} when the gateway shuts down: a 503 (OpenAI's {@code server_error}, Anthropic's
     * {@code overloaded_error}), which the SDKs treat as worth a retry, as it is: the request can be served again once
     * the gateway is back, or by another instance.
     */
    public static GatewayException gatewayStopping(String message) {
        return new GatewayException(ErrorKind.UNAVAILABLE, 503, message, null, GATEWAY_STOPPED_CODE, null, null).asGatewayStop();
    }

    /**
     * The failure a call cancelled this way ends with, wherever it is noticed (the upstream request's reset, a send
     * refused): the gateway's reason when it stopped the call, else the client's leaving.
     */
    public GatewayException failure() {
        GatewayException stop = stopReason();
        return stop != null ? stop : clientClosed();
    }

    /** Whether {@code t} ends a call that was cancelled (its client left, or the gateway stopped it): no upstream's fault. */
    public static boolean isCancellation(Throwable t) {
        // the gateway's stop by identity: an upstream Switchboard's own 503 gateway_shutting_down is that upstream's failure
        return isClientClosed(t) || t instanceof GatewayException g && g.isGatewayStop();
    }

    /** The error a call ends with when its client left: status 499 (nginx's "client closed request"). */
    public static GatewayException clientClosed() {
        return GatewayException.of(ErrorKind.CLIENT_CLOSED, "The client closed the connection before the answer was complete.");
    }

    /**
     * {@link #clientClosed()} after {@code deployment} was called: the deployment rides along (in a header that is
     * never sent, the client being gone) so the ledger can price the prompt that deployment received.
     */
    public static GatewayException clientClosed(String deployment) {
        GatewayException e = clientClosed();
        return deployment == null ? e : e.withHeaders(java.util.Map.of(CALLED_HEADER, deployment));
    }

    /**
     * The gateway's {@code stop} reason as the failure of a call that was calling {@code deployment} then (null when
     * none): the deployment rides along as {@link #clientClosed(String)}'s does, so the ledger prices the prompt it
     * received; here the header goes out with the 503 (it names the model called, as on any answer).
     */
    public static GatewayException stopped(GatewayException stop, String deployment) {
        return deployment == null ? stop : stop.withHeaders(java.util.Map.of(CALLED_HEADER, deployment));
    }

    /**
     * The deployment a cancelled call (its client left, or the gateway stopped it) was calling then; null when none
     * was called yet.
     */
    public static String calledDeployment(Throwable t) {
        return isCancellation(t) ? ((GatewayException) t).headers().get(CALLED_HEADER) : null;
    }

    private static final String CALLED_HEADER = "x-switchboard-model";

    /** Whether {@code t} is the failure of a call whose client left. */
    public static boolean isClientClosed(Throwable t) {
        return t instanceof GatewayException g && g.kind() == ErrorKind.CLIENT_CLOSED;
    }
}
