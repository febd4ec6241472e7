package dev.switchboard.govern;

import java.util.Map;

/**
 * Per-key request, token and concurrency limits, checked in memory ({@link LocalRateLimiter}). Several gateways on one
 * database share them through {@link SharedRateLimits}, which publishes what this one took ({@link #usage}) and
 * takes off what the others took ({@link #othersUsed}) every {@link Governance#KEY_SYNC_MILLIS}.
 */
public interface RateLimiter {

    /** A key's limits; null fields are unlimited. */
    record Limits(Long rpm, Long tpm, Long maxParallel) {
        public static final Limits NONE = new Limits(null, null, null);

        boolean any() { return rpm != null || tpm != null || maxParallel != null; }
    }

    /**
     * Admits one request that reserves {@code estimatedTokens} of tpm up front (its prompt estimate plus its output
     * limit × n, when it sets one): only when they fit in what is left, or the bucket is full.
     *
     * @throws dev.switchboard.model.GatewayException 429 with {@code retry-after} when a limit is reached
     */
    Permit acquire(String keyId, Limits limits, long estimatedTokens, long nowNanos);

    /**
     * The same for limits that are not a key's (a team's, shared by its keys): {@code who} names them in a refusal
     * ({@code team: red}); {@code id} is at most 64 characters (the shared store's column).
     */
    default Permit acquire(String id, String who, Limits limits, long estimatedTokens, long nowNanos) {
        return acquire(id, limits, estimatedTokens, nowNanos);
    }

    /** Forgets a deleted key's state, its per-model buckets with it (or one bucket by its id). */
    void forget(String keyId);

    /**
     * What this gateway took of one key's limits since it started: requests admitted and tokens taken (estimates, then
     * corrected by the real usage; it may fall).
     */
    record Usage(String keyId, long requests, long tokens) {}

    /** Every key this gateway has served under a limit, as {@link Usage}. */
    default java.util.List<Usage> usage() { return java.util.List.of(); }

    /**
     * What other gateways on the store took of a key's rpm and tpm since they last said: taken off this gateway's
     * buckets now (a debit never takes a bucket below minus a whole limit; a correction may give tokens back).
     */
    default void othersUsed(String keyId, Limits limits, long requests, long tokens, long nowNanos) {}

    /** An admitted request: released exactly once, with its real token count when known. */
    interface Permit {
        Permit NONE = new Permit() {
            @Override public void release(long actualTokens, long nowNanos) {}
            @Override public Map<String, String> headers() { return Map.of(); }
        };

        /** @param actualTokens the call's real total tokens, or -1 when unknown (the estimate stands) */
        void release(long actualTokens, long nowNanos);

        /**
         * Gives everything back, the request too: for a call admitted here and then refused by other limits before it
         * was made (a key's permit when its team's limits refuse), which must not use up the key's rpm.
         */
        default void cancel(long nowNanos) { release(0, nowNanos); }

        /** {@code x-ratelimit-*} headers for the answer (what remains of each limit the key has). */
        Map<String, String> headers();

        /** {@link #headers()} added to {@code into}, in their order, without a map of their own. */
        default void putHeaders(Map<String, String> into) { into.putAll(headers()); }

        /** Both permits, released together; their headers say, of each limit, the one with less left. */
        static Permit both(Permit first, Permit second) {
            if (second == NONE) return first;
            if (first == NONE) return second;
            return new Permit() {
                @Override public void release(long actualTokens, long nowNanos) {
                    try {
                        first.release(actualTokens, nowNanos);
                    } finally {
                        second.release(actualTokens, nowNanos);
                    }
                }

                @Override public void cancel(long nowNanos) {
                    try {
                        first.cancel(nowNanos);
                    } finally {
                        second.cancel(nowNanos);
                    }
                }

                @Override public Map<String, String> headers() {
                    Map<String, String> h = new java.util.LinkedHashMap<>();
                    putHeaders(h);
                    return h;
                }

                /** Of each limit both have (requests, tokens), the one with less left: a client pacing itself by it is not refused. */
                @Override public void putHeaders(Map<String, String> into) {
                    Map<String, String> mine = new java.util.LinkedHashMap<>();
                    Map<String, String> theirs = new java.util.LinkedHashMap<>();
                    first.putHeaders(mine);
                    second.putHeaders(theirs);
                    for (String kind : new String[] {"requests", "tokens"}) {
                        String left = "x-ratelimit-remaining-" + kind, limit = "x-ratelimit-limit-" + kind;
                        Map<String, String> from = mine.containsKey(left) && (!theirs.containsKey(left)
                                || Long.parseLong(mine.get(left)) <= Long.parseLong(theirs.get(left))) ? mine : theirs;
                        if (from.containsKey(left)) {
                            into.put(limit, from.get(limit));
                            into.put(left, from.get(left));
                        }
                    }
                    // headers of their own (a key's per-model x-ratelimit-model_per_key-* and remaining-*-<model>), as they are
                    putOwn(mine, into);
                    putOwn(theirs, into);
                }

                private static void putOwn(Map<String, String> from, Map<String, String> into) {
                    for (Map.Entry<String, String> e : from.entrySet()) {
                        String k = e.getKey();
                        if (!k.equals("x-ratelimit-remaining-requests") && !k.equals("x-ratelimit-limit-requests")
                                && !k.equals("x-ratelimit-remaining-tokens") && !k.equals("x-ratelimit-limit-tokens")) into.put(k, e.getValue());
                    }
                }
            };
        }
    }
}
