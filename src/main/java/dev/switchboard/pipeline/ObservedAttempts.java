package dev.switchboard.pipeline;

import dev.switchboard.model.CallContext;
import dev.switchboard.observe.RequestObserver;
import dev.switchboard.route.AttemptListener;

/**
 * The router's attempt hooks, for the observer: each attempt a span, each failure a metric by provider, deployment and
 * deployment entry ({@code model_id}).
 */
final class ObservedAttempts implements AttemptListener {
    private final RequestObserver observer;

    ObservedAttempts(RequestObserver observer) { this.observer = observer; }

    @Override
    public void failed(CallContext ctx, int ordinal, String alias, String deployment, dev.switchboard.config.Deployment entry,
                       String modelId, String route, Throwable error, long latencyNanos) {
        observer.attemptFailed(ctx, ordinal, alias, deployment, modelId, route, error, latencyNanos);
    }

    @Override
    public void brokeMidStream(CallContext ctx, int ordinal, String alias, String deployment, dev.switchboard.config.Deployment entry,
                               String modelId, String route, Throwable error, long latencyNanos) {
        observer.attemptBroke(ctx, deployment, modelId, error);
    }

    @Override
    public void answered(CallContext ctx, int ordinal, String alias, String deployment, String modelId, String route,
                         long latencyNanos) {
        observer.attemptAnswered(ctx, ordinal, alias, deployment, modelId, route, latencyNanos);
    }
}
