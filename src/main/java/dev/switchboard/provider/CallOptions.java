package dev.switchboard.provider;

import java.time.Duration;

/**
 * Per-call settings the router passes to a provider, overriding the deployment's own.
 *
 * @param timeout longest wait for a byte from the upstream (the first byte of a stream included), or null
 *                for the deployment's {@code timeout} / {@code stream_timeout}
 */
public record CallOptions(Duration timeout) {
    public static final CallOptions DEFAULT = new CallOptions(null);

    /** This call's timeout, or the deployment's when the call sets none. */
    public Duration timeoutOr(Duration deploymentDefault) {
        return timeout != null ? timeout : deploymentDefault;
    }
}
