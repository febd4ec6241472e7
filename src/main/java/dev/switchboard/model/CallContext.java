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
 */
public record CallContext(String requestId, Caller caller, long startedNanos, Map<String, String> hints) {
    public static final String HINT_PREFIX = "x-switchboard-";

    public CallContext {
        hints = hints == null ? Map.of() : hints;
    }

    public String hint(String name) { return hints.get(name); }
}
