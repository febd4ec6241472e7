package dev.switchboard.govern;

import io.vertx.core.Future;

/**
 * Thrown by {@link Governor#admit} when a call would fit in a budget shared with other gateways but not yet in this
 * gateway's grant of it: nothing is reserved, and the caller admits the call again once {@link #ready()} completes
 * (the grant is larger, or the store said there is no more and the call will be refused in memory). Not an error,
 * so no stack trace.
 */
public final class BudgetPending extends RuntimeException {
    /** How many times a call waits for a grant before it is answered 503: contention between gateways, not a budget. */
    public static final int MAX_WAITS = 5;

    private final transient Future<Void> ready;

    BudgetPending(Future<Void> ready) {
        super("waiting for a grant of a shared budget", null, false, false);
        this.ready = ready;
    }

    /** Completes when admitting again is worth it; fails (with the answer for the caller) when the store is unreachable. */
    public Future<Void> ready() { return ready; }

    /** The answer for a call that waited {@link #MAX_WAITS} times and still found its grant taken by others. */
    public static dev.switchboard.model.GatewayException contended() {
        return new dev.switchboard.model.GatewayException(dev.switchboard.model.ErrorKind.UNAVAILABLE, 503,
                "The budget this call is checked against is shared with other gateways, whose calls took what it waited "
                        + "for. Retry shortly.", null, "budget_contended", null, 1L);
    }
}
