package dev.switchboard.govern;

import java.util.Map;

/**
 * Per-key request, token and concurrency limits. The gateway runs {@link LocalRateLimiter} (in memory, one
 * gateway); sharing limits across several gateways (Redis) is another implementation of this interface.
 */
public interface RateLimiter {

    /** A key's limits; null fields are unlimited. */
    record Limits(Long rpm, Long tpm, Long maxParallel) {
        public static final Limits NONE = new Limits(null, null, null);

        boolean any() { return rpm != null || tpm != null || maxParallel != null; }
    }

    /**
     * Admits one request of {@code estimatedTokens} (counted against tpm up front).
     *
     * @throws dev.switchboard.model.GatewayException 429 with {@code retry-after} when a limit is reached
     */
    Permit acquire(String keyId, Limits limits, long estimatedTokens, long nowNanos);

    /** Forgets a deleted key's state. */
    void forget(String keyId);

    /** An admitted request: released exactly once, with its real token count when known. */
    interface Permit {
        Permit NONE = new Permit() {
            @Override public void release(long actualTokens, long nowNanos) {}
            @Override public Map<String, String> headers() { return Map.of(); }
        };

        /** @param actualTokens the call's real total tokens, or -1 when unknown (the estimate stands) */
        void release(long actualTokens, long nowNanos);

        /** {@code x-ratelimit-*} headers for the answer (what remains of each limit the key has). */
        Map<String, String> headers();

        /** {@link #headers()} added to {@code into}, in their order, without a map of their own. */
        default void putHeaders(Map<String, String> into) { into.putAll(headers()); }
    }
}
