package dev.switchboard.model;

/**
 * A client's OpenAI chat body that an OpenAI-style provider may send on as written, with only {@code model} (and on a
 * stream {@code stream} and {@code stream_options}) written by the gateway: the OpenAI edge attaches it when every
 * other top-level member is one the canonical encoding would write back JSON-equal (docs/architecture.md, "Performance
 * notes", 2026-12-01 22:40). {@link ChatRequest} keeps it only while its fields are the decoded ones: any copy with
 * other fields drops it.
 *
 * <p>It carries no meaning of its own: two requests equal in their fields are equal whether one is relayable or not.
 *
 * @param body        the client's body as read (the edge's own copy; nobody changes it)
 * @param spans       start and end offsets in {@code body} of each top-level member to send as it is ({@code "key":value})
 * @param outputLimit which output-token field the body carries: {@link #NO_LIMIT}, {@link #MAX_TOKENS} or
 *                    {@link #MAX_COMPLETION_TOKENS}; the provider relays only when it would write the same name
 */
public record RelayedRequest(byte[] body, int[] spans, int outputLimit) {
    public static final int NO_LIMIT = 0;
    public static final int MAX_TOKENS = 1;
    public static final int MAX_COMPLETION_TOKENS = 2;

    /** The bytes the kept members take, commas not counted. */
    public int memberBytes() {
        int n = 0;
        for (int i = 0; i < spans.length; i += 2) n += spans[i + 1] - spans[i];
        return n;
    }

    @Override
    public boolean equals(Object o) { return o instanceof RelayedRequest; }

    @Override
    public int hashCode() { return 0; }

    @Override
    public String toString() { return "RelayedRequest[" + spans.length / 2 + " members]"; }
}
