package dev.switchboard.model;

/**
 * Who is calling and the request's identity, handed to every stage.
 *
 * @param requestId    the {@code x-switchboard-request-id} of this call
 * @param caller       who authenticated
 * @param startedNanos {@link System#nanoTime()} at arrival, for latency
 */
public record CallContext(String requestId, Caller caller, long startedNanos) {}
