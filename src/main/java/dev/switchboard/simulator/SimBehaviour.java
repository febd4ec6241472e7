package dev.switchboard.simulator;

/**
 * How the simulator answers one request: normally, or with an injected fault.
 *
 * @param status            0 for a normal answer; otherwise answer this HTTP status with a provider-style error
 * @param retryAfterSeconds sent as retry-after with an error status, when above 0
 * @param firstByteDelayMs  wait before the status line (a slow first byte)
 * @param chunkDelayMs      wait between streamed events
 * @param cutAfterChunks    above 0: drop the connection after this many stream events (a cut stream); at or past the
 *                          stream's last event, before that last one
 * @param streamRepeat      repeat the answer text this many times (a long stream, for cancellation tests)
 * @param blockReason       non-null: refuse the prompt itself with this reason (so far only Gemini plays it:
 *                          {@code promptFeedback.blockReason} and no candidates)
 * @param error             which 400 an error status of 400 plays, in each provider's own words: null or
 *                          {@link #CONTEXT_LENGTH} (the prompt is too long), {@link #CONTEXT_LIMIT} (Claude's other
 *                          wording: the prompt fits, but with max_tokens exceeds the window), {@link #CONTENT_POLICY} (the provider's
 *                          safety system refused it), {@link #INVALID_REQUEST} (a plain invalid-request error)
 */
public record SimBehaviour(int status, long retryAfterSeconds, long firstByteDelayMs, long chunkDelayMs,
                           int cutAfterChunks, int streamRepeat, String blockReason, String error) {
    public static final String CONTEXT_LENGTH = "context_length";
    public static final String CONTEXT_LIMIT = "context_limit";
    public static final String CONTENT_POLICY = "content_policy";
    public static final String INVALID_REQUEST = "invalid_request";
    public static final SimBehaviour NORMAL = new SimBehaviour(0, 0, 0, 0, 0, 1, null, null);

    public SimBehaviour(int status, long retryAfterSeconds, long firstByteDelayMs, long chunkDelayMs,
                        int cutAfterChunks, int streamRepeat, String blockReason) {
        this(status, retryAfterSeconds, firstByteDelayMs, chunkDelayMs, cutAfterChunks, streamRepeat, blockReason, null);
    }

    /** A 400 whose body says the prompt is over the context window (what {@code status(400)} also plays). */
    public static SimBehaviour contextLength() { return new SimBehaviour(400, 0, 0, 0, 0, 1, null, CONTEXT_LENGTH); }

    /**
     * Claude's 400 for a prompt that fits its window only without the output limit ("input length and `max_tokens` exceed
     * context limit: …"), on Anthropic, Vertex and Bedrock (Claude 3.7 to 4.1; other providers play {@link #contextLength()}).
     */
    public static SimBehaviour contextLimit() { return new SimBehaviour(400, 0, 0, 0, 0, 1, null, CONTEXT_LIMIT); }

    /** A 400 from the provider's safety system (OpenAI's content_policy_violation, Anthropic's content filtering policy). */
    public static SimBehaviour contentPolicy() { return new SimBehaviour(400, 0, 0, 0, 0, 1, null, CONTENT_POLICY); }

    /** A plain invalid-request 400, about neither the context window nor content. */
    public static SimBehaviour invalidRequest() { return new SimBehaviour(400, 0, 0, 0, 0, 1, null, INVALID_REQUEST); }

    /** The kind of 400 this behaviour plays (context length unless told otherwise). */
    public String errorOr400() { return error == null ? CONTEXT_LENGTH : error; }

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
