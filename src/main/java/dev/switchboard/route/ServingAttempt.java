package dev.switchboard.route;

import dev.switchboard.model.CallContext;

/**
 * The attempt that answered a call, attached to the call's context when it answers (beside {@link Target#SERVED}), so
 * that the ledger can time the deployment that served from that attempt's own start: a fallback's failed attempts and
 * the retry waits before it are the request's time, not the serving model's (the dashboard's latency per model); and
 * name the entry that served ({@link #modelId}).
 */
public interface ServingAttempt {
    CallContext.Key<ServingAttempt> KEY = new CallContext.Key<>(ServingAttempt.class);

    /** The deployment it called, {@code provider/model}. */
    String deployment();

    /**
     * The deployment entry it called: its {@code model_info.id}, "" without one (the ledger's {@code model_id}, which
     * tells apart two entries of one {@code provider/model}).
     */
    String modelId();

    /** {@link System#nanoTime()} when it was sent. */
    long startedNanos();
}
