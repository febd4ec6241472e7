package dev.switchboard.model;

/**
 * A stream whose upstream has answered (so it can no longer fall back once {@link #awaitFirstEvent} said so) but that
 * delivers nothing until {@link #start} is called: the caller writes its response headers first, then starts it.
 */
public interface ChatStream {
    /**
     * Calls {@code then} once the stream may be taken as answered, before {@link #start}: with null when the upstream's
     * first event has arrived and is no error (it is held, and delivered first by {@code start}); with the failure
     * when the stream failed before that (an error as its first event, a body that ended or broke, {@code stream_timeout}
     * of silence), its upstream request then reset and the stream not to be started. Nothing has reached the client
     * then, so the router treats that failure as the attempt's, as it would the same error sent as an HTTP status:
     * retried, cooled down, fallen back from. Called at most once; a stream that cannot tell says answered at once.
     */
    default void awaitFirstEvent(java.util.function.Consumer<Throwable> then) { then.accept(null); }

    /** Begins delivering into {@code sink}; called at most once. */
    void start(ChunkSink sink);

    /** The client went away: stop the upstream request. Safe to call at any time, more than once. */
    void cancel();

    /**
     * The answer's usage when it is known before the first chunk (a response-cache replay), else null: an Anthropic
     * client's {@code message_start} carries the prompt's count, as Anthropic's does. A stream that wraps another
     * answers with the inner one's.
     */
    default Usage knownUsage() { return null; }

    /**
     * What the provider has reported of the usage so far, while the stream runs, or null: Anthropic's
     * {@code message_start} gives the prompt's tokens, cache reads and writes before any text; Gemini's every chunk its
     * counts so far. A stream the client leaves before the final usage is recorded on these counts where they exist (a
     * large cached prompt priced at its cache-read price, not as fresh input by the gateway's estimate). Read from
     * another thread than the stream's. A stream that wraps another answers with the inner one's.
     */
    default Usage usageSoFar() { return null; }
}
