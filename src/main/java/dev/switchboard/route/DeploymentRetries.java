package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.GatewayException;
import java.util.random.RandomGenerator;

/**
 * {@code litellm_params.max_retries}: how often a deployment is tried again by itself. LiteLLM passes it to the
 * deployment's OpenAI/Azure client (its router sets 0 by default, doing its own retries), so the SDK retries the same
 * deployment on a 408/409/429/5xx or a connection failure before the router sees one failure; the router's
 * {@code num_retries} and fallbacks then apply as usual. The wait is the OpenAI SDK's: 0.5 s doubling to 8 s, minus up
 * to a quarter of jitter, or the answer's retry-after when it is at most 60 s.
 */
final class DeploymentRetries {
    private static final long INITIAL_NANOS = 500_000_000L, MAX_NANOS = 8_000_000_000L, MAX_RETRY_AFTER_SECONDS = 60;

    private DeploymentRetries() {}

    /** The deployment's {@code max_retries}, 0 when unset. */
    static int of(Deployment d) {
        return d.params().get("max_retries") instanceof Number n ? Math.max(0, n.intValue()) : 0;
    }

    /** @param retry 1 for the first retry */
    static long waitNanos(int retry, Throwable error, RandomGenerator random) {
        if (error instanceof GatewayException g && g.retryAfterSeconds() != null && g.retryAfterSeconds() >= 0
                && g.retryAfterSeconds() <= MAX_RETRY_AFTER_SECONDS) {
            return g.retryAfterSeconds() * 1_000_000_000L;
        }
        long full = Math.min(MAX_NANOS, INITIAL_NANOS << Math.min(retry - 1, 20));
        return (long) (full * (1 - 0.25 * random.nextDouble()));
    }
}
