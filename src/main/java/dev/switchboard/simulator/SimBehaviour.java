package dev.switchboard.simulator;

/**
 * How the simulator answers one request: normally, or with an injected fault.
 *
 * @param status            0 for a normal answer; otherwise answer this HTTP status with a provider-style error
 * @param retryAfterSeconds sent as retry-after with an error status, when above 0
 * @param firstByteDelayMs  wait before the status line (a slow first byte)
 * @param chunkDelayMs      wait between streamed events
 * @param cutAfterChunks    above 0: close the connection after this many stream events (a cut stream)
 * @param streamRepeat      repeat the answer text this many times (a long stream, for cancellation tests)
 * @param blockReason       non-null: refuse the prompt itself with this reason (so far only Gemini plays it:
 *                          {@code promptFeedback.blockReason} and no candidates)
 */
public record SimBehaviour(int status, long retryAfterSeconds, long firstByteDelayMs, long chunkDelayMs,
                           int cutAfterChunks, int streamRepeat, String blockReason) {
    public static final SimBehaviour NORMAL = new SimBehaviour(0, 0, 0, 0, 0, 1, null);

    public static SimBehaviour status(int status) { return new SimBehaviour(status, 0, 0, 0, 0, 1, null); }

    public static SimBehaviour rateLimited(long retryAfterSeconds) {
        return new SimBehaviour(429, retryAfterSeconds, 0, 0, 0, 1, null);
    }

    public static SimBehaviour slowFirstByte(long ms) { return new SimBehaviour(0, 0, ms, 0, 0, 1, null); }

    public static SimBehaviour cutAfter(int chunks) { return new SimBehaviour(0, 0, 0, 0, chunks, 1, null); }

    public static SimBehaviour longSlowStream(long chunkDelayMs, int repeat) {
        return new SimBehaviour(0, 0, 0, chunkDelayMs, 0, repeat, null);
    }

    /** @param reason Gemini's BlockReason: SAFETY, OTHER, BLOCKLIST, PROHIBITED_CONTENT, IMAGE_SAFETY */
    public static SimBehaviour promptBlocked(String reason) { return new SimBehaviour(0, 0, 0, 0, 0, 1, reason); }

    /** Azure's content filter stops the completion itself: {@code finish_reason: content_filter} (Azure only). */
    public static SimBehaviour completionFiltered() { return new SimBehaviour(0, 0, 0, 0, 0, 1, AzureSim.COMPLETION_FILTERED); }
}
