package dev.switchboard.model;

/**
 * A whole (non-streamed) upstream answer that is already in a client dialect's exact shape, kept beside its
 * canonical {@link ChatResponse} so an edge of that dialect writes the upstream's bytes (its key runs already masked)
 * instead of encoding the canonical records again: the non-stream counterpart of {@link RelayedEvent}. Only the usage
 * object is written by the edge, since it carries the gateway's own numbers ({@code usage.cost}, the details).
 *
 * <p>The stages keep reading the canonical answer; one that changes it (a guardrail rewriting a tool call, say) builds
 * a new {@link ChatResponse}, which carries no relay, so the client gets the canonical encoding of what was changed.
 *
 * @param dialect   the dialect of the bytes ({@link RelayedEvent#OPENAI_CHAT})
 * @param body      the upstream's answer (not to be changed)
 * @param start     where the answer's JSON object begins in {@code body}
 * @param usageFrom where the value of the answer's {@code usage} member begins (its {@code {})
 * @param usageTo   where that value ends (exclusive)
 * @param end       where the answer's JSON object ends (exclusive): what follows it is not written
 */
public record RelayedAnswer(String dialect, byte[] body, int start, int usageFrom, int usageTo, int end) {
    public RelayedAnswer {
        if (!(start <= usageFrom && usageFrom < usageTo && usageTo <= end && end <= body.length)) {
            throw new IllegalArgumentException("usage range outside the answer");
        }
    }

    public boolean is(String d) { return dialect.equals(d); }
}
