package dev.switchboard.edge.responses;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.GatewayException;
import dev.switchboard.pipeline.BackgroundEvents;
import dev.switchboard.pipeline.BackgroundRuns;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Where a streamed background response's call writes: every chunk is encoded as the Responses stream
 * ({@link ResponsesStreamEncoder}) into the response's {@link BackgroundEvents}, which its followers
 * ({@link EventFollower}: the creating client, clients resuming it) write out at their own pace. The upstream is never
 * paused for a client — none of them owns the call — and a client leaving changes nothing.
 *
 * <p>The stream ends once: completed or incomplete (the encoder's final Response object is stored), failed (stored as
 * failed), or cancelled ({@code response.failed} holding the cancelled response, which the cancel stored).
 */
final class BackgroundStream implements ChunkSink {
    private final ResponsesStreamEncoder encoder;
    private final BackgroundEvents events;
    private final BackgroundRuns.Run run;
    private final GatewayException stopped;
    private final Consumer<GatewayException> onFailed;
    private final Runnable onEnded;
    private boolean ended;

    /**
     * @param stopped  the error the stream ends with when the gateway's stop settled the run
     * @param onFailed stores the failed response (the stream broke, and no cancel or stop came first)
     * @param onEnded  after the last event: the event stream's retention starts, the run is forgotten
     */
    BackgroundStream(ResponsesStreamEncoder encoder, BackgroundEvents events, BackgroundRuns.Run run, GatewayException stopped,
                     Consumer<GatewayException> onFailed, Runnable onEnded) {
        this.encoder = encoder;
        this.events = events;
        this.run = run;
        this.stopped = stopped;
        this.onFailed = onFailed;
        this.onEnded = onEnded;
    }

    /** The first event ({@code response.created}, queued), before any provider is asked. */
    synchronized void begin() {
        append(encoder.queued());
        events.publish();
    }

    @Override
    public synchronized void chunk(ChatChunk chunk) {
        if (!ended) append(encoder.chunk(chunk));
    }

    @Override
    public void flush() { events.publish(); }

    @Override
    public void end() {
        synchronized (this) {
            if (ended) return;
            ended = true;
            try {
                append(run.cancelled() ? encoder.cancelled() : encoder.end()); // the encoder's end stores the final response
            } finally {
                onEnded.run();
            }
        }
    }

    @Override
    public void fail(GatewayException error) {
        synchronized (this) {
            if (ended) return;
            ended = true;
            try {
                if (run.cancelled()) {
                    append(encoder.cancelled());
                } else if (run.terminal() != null) { // the gateway's stop settled it, and cut its call
                    append(encoder.error(stopped));
                } else {
                    append(encoder.error(error));
                    onFailed.accept(error);
                }
            } finally {
                onEnded.run();
            }
        }
    }

    @Override
    public boolean writeQueueFull() { return false; }

    @Override
    public void drainHandler(Runnable onDrain) {}

    /** Splits what the encoder wrote into whole SSE events (each ends with a blank line; JSON data holds no newline). */
    private void append(Buffer written) {
        if (written == null) return;
        int start = 0;
        int n = written.length();
        for (int i = 0; i + 1 < n; i++) {
            if (written.getByte(i) == '\n' && written.getByte(i + 1) == '\n') {
                events.append(written.getBuffer(start, i + 2));
                start = i + 2;
                i++;
            }
        }
        if (start < n) events.append(written.getBuffer(start, n));
    }
}
