package dev.switchboard.provider;

import dev.switchboard.model.Cancellation;
import java.time.Duration;

/**
 * Per-call settings the router passes to a provider, overriding the deployment's own.
 *
 * @param timeout      longest wait for a byte from the upstream (the first byte of a stream included), or null
 *                     for the deployment's {@code timeout} / {@code stream_timeout}
 * @param requestId    the gateway's request id, for the log lines an upstream failure leaves; null outside a request
 * @param cancellation the call's {@link Cancellation}: the upstream request is reset the moment the client leaves
 */
public record CallOptions(Duration timeout, String requestId, Cancellation cancellation) {
    public static final CallOptions DEFAULT = new CallOptions(null);

    public CallOptions {
        cancellation = cancellation == null ? Cancellation.NEVER : cancellation;
    }

    public CallOptions(Duration timeout) { this(timeout, null, Cancellation.NEVER); }

    /** These options for one request: its id in log lines, its cancellation on the upstream request. */
    public CallOptions forRequest(String id, Cancellation c) { return new CallOptions(timeout, id, c); }

    /** This call's timeout, or the deployment's when the call sets none. */
    public Duration timeoutOr(Duration deploymentDefault) {
        return timeout != null ? timeout : deploymentDefault;
    }
}
