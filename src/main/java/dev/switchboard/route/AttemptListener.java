package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.CallContext;

/**
 * Told of every attempt that failed (each retry and each fallback step, and the last failure of a request that
 * failed entirely), so the ledger can show which provider hiccuped. Called on the event loop: must not block.
 */
public interface AttemptListener {
    AttemptListener NONE = (ctx, ordinal, alias, deployment, entry, modelId, route, error, latencyNanos) -> {};

    /**
     * @param ordinal      1 for the request's first attempt, 2 for the next, …
     * @param alias        the model group it belonged to
     * @param deployment   the deployment that failed, {@code provider/model}
     * @param entry        the deployment itself (a wildcard's: the one made for the requested name), what a billed
     *                     failure is priced by: its id may have no price held any more once the router let its name go
     *                     while the attempt was in flight
     * @param modelId      the entry that failed: its {@code model_info.id}, "" without one (two entries of one
     *                     {@code provider/model} apart)
     * @param route        {@code primary} or {@code fallback:<reason>}: how the request came to this alias
     * @param latencyNanos from its start to its failure
     */
    void failed(CallContext ctx, int ordinal, String alias, String deployment, Deployment entry, String modelId, String route,
                Throwable error, long latencyNanos);

    /**
     * The attempt that answered (for a stream: its status and headers arrived), for the trace's attempt span.
     *
     * @param modelId the entry that answered: its {@code model_info.id}, "" without one
     * @param route {@code primary} or {@code fallback:<reason>}: how the request came to this alias
     */
    default void answered(CallContext ctx, int ordinal, String alias, String deployment, String modelId, String route,
                          long latencyNanos) {}

    /**
     * The stream of the attempt that answered broke after its first byte (upstream; never a client's leaving): a failed
     * attempt for the metrics, the attempt span and the ledger's attempt rows, though nothing could be retried. The
     * parameters are {@link #failed}'s: {@code ordinal} is the answering attempt's number.
     *
     * @param latencyNanos from the attempt's start to the break
     */
    default void brokeMidStream(CallContext ctx, int ordinal, String alias, String deployment, Deployment entry, String modelId,
                                String route, Throwable error, long latencyNanos) {}

    /** Both listeners, in order. */
    static AttemptListener both(AttemptListener first, AttemptListener second) {
        return new AttemptListener() {
            @Override
            public void failed(CallContext ctx, int ordinal, String alias, String deployment, Deployment entry, String modelId,
                               String route, Throwable error, long latencyNanos) {
                first.failed(ctx, ordinal, alias, deployment, entry, modelId, route, error, latencyNanos);
                second.failed(ctx, ordinal, alias, deployment, entry, modelId, route, error, latencyNanos);
            }

            @Override
            public void answered(CallContext ctx, int ordinal, String alias, String deployment, String modelId, String route,
                                 long latencyNanos) {
                first.answered(ctx, ordinal, alias, deployment, modelId, route, latencyNanos);
                second.answered(ctx, ordinal, alias, deployment, modelId, route, latencyNanos);
            }

            @Override
            public void brokeMidStream(CallContext ctx, int ordinal, String alias, String deployment, Deployment entry,
                                       String modelId, String route, Throwable error, long latencyNanos) {
                first.brokeMidStream(ctx, ordinal, alias, deployment, entry, modelId, route, error, latencyNanos);
                second.brokeMidStream(ctx, ordinal, alias, deployment, entry, modelId, route, error, latencyNanos);
            }
        };
    }
}
