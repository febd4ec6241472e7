package dev.switchboard.edge;

import java.nio.charset.StandardCharsets;

/** The bytes around a data-only SSE event ({@code data: …\n\n}), shared by the encoders that write relayed events. */
public final class SseFrames {
    private SseFrames() {}

    public static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
}
