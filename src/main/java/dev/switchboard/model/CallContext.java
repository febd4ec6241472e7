package dev.switchboard.model;

import java.util.Map;

/**
 * Who is calling and the request's identity, handed to every stage.
 *
 * @param requestId    the {@code x-switchboard-request-id} of this call
 * @param caller       who authenticated
 * @param startedNanos {@link System#nanoTime()} at arrival, for latency
 * @param hints        the client's {@code x-switchboard-*} request headers, keyed by the rest of the name in
 *                     lower case ({@code x-switchboard-tier: smart} → {@code tier=smart}): per-request
 *                     overrides that stages read (timeout, retries, fallbacks, tier)
 * @param cancellation cancelled by the edge when the client leaves before its answer is complete: the router
 *                     stops retrying and falling back, the upstream request in flight is reset
 */
public record CallContext(String requestId, Caller caller, long startedNanos, Map<String, String> hints,
                          Cancellation cancellation) {
    public static final String HINT_PREFIX = "x-switchboard-";

    public CallContext {
        hints = hints == null ? Map.of() : hints;
        cancellation = cancellation == null ? Cancellation.NEVER : cancellation;
    }

    /** A call nobody cancels (internal calls, tests). */
    public CallContext(String requestId, Caller caller, long startedNanos, Map<String, String> hints) {
        this(requestId, caller, startedNanos, hints, Cancellation.NEVER);
    }

    public String hint(String name) { return hints.get(name); }
}
