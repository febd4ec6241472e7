package dev.switchboard.route;

import dev.switchboard.model.CallContext;

/**
 * The attempt that answered a call, attached to the call's context when it answers (beside {@link Target#SERVED}), so
 * that the ledger can time the deployment that served from that attempt's own start: a fallback's failed attempts and
 * the retry waits before it are the request's time, not the serving model's (the dashboard's latency per model).
 */
public interface ServingAttempt {
    CallContext.Key<ServingAttempt> KEY = new CallContext.Key<>(ServingAttempt.class);

    /** The deployment it called, {@code provider/model}. */
    String deployment();

    /** {@link System#nanoTime()} when it was sent. */
    long startedNanos();
}
