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

    /** The deployment a client-closed call was calling when the client left; null when none was called yet. */
    public static String calledDeployment(Throwable t) {
        return isClientClosed(t) ? ((GatewayException) t).headers().get(CALLED_HEADER) : null;
    }

    private static final String CALLED_HEADER = "x-switchboard-model";

    /** Whether {@code t} is the failure of a call whose client left. */
    public static boolean isClientClosed(Throwable t) {
        return t instanceof GatewayException g && g.kind() == ErrorKind.CLIENT_CLOSED;
    }
}
