package dev.switchboard.pipeline.guard;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Usage;
import dev.switchboard.pipeline.OutputChars;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * What a stream that a during_call guardrail blocked had cost. The provider was called beside the guardrail, and while
 * the verdict was awaited the stream was held back (not started), so what the provider sent meanwhile, often the whole
 * answer with its usage, waits in the connection's buffers. Cancelling it unread priced the call at the prompt alone,
 * while the provider bills the answer. So the blocked stream is read into nothing the client sees: until its usage or
 * its end, or until nothing more arrives for {@link #QUIET_MILLIS} (what had been received is read by then), or at
 * most {@link #MAX_MILLIS} (a provider still generating: the client's 400 is not held up longer); then it is cancelled.
 * Without usage, the output it carried is what the estimate counts.
 */
final class BlockedStream implements ChunkSink {
    /** Nothing new for this long: what had already been received when the stream was started has been read. */
    static final long QUIET_MILLIS = 30;
    /** The longest a block's answer waits for the reading. */
    static final long MAX_MILLIS = 250;

    private final ChatStream stream;
    private final Promise<Billed> done = Promise.promise();
    private final long startedNanos = System.nanoTime();
    private Usage usage;
    private long outputChars;
    private boolean arrived;
    private boolean finished;
    private long timer = -1;
    private final Vertx vertx;

    private BlockedStream(Vertx vertx, ChatStream stream) {
        this.vertx = vertx;
        this.stream = stream;
    }

    /** Reads {@code stream} (never started) for what it had cost, then cancels it. The future never fails. */
    static Future<Billed> drain(Vertx vertx, ChatStream stream) {
        BlockedStream s = new BlockedStream(vertx, stream);
        synchronized (s) {
            s.timer = vertx.setPeriodic(QUIET_MILLIS, id -> s.tick());
        }
        try {
            stream.start(s);
        } catch (RuntimeException e) {
            s.finish(true);
        }
        return s.done.future();
    }

    private void tick() {
        boolean over;
        synchronized (this) {
            over = !arrived || (System.nanoTime() - startedNanos) / 1_000_000 >= MAX_MILLIS;
            arrived = false;
        }
        if (over) finish(true);
    }

    @Override
    public void chunk(ChatChunk c) {
        boolean billed;
        synchronized (this) {
            if (finished) return;
            arrived = true;
            outputChars += OutputChars.of(c);
            if (c.usage() != null) usage = c.usage();
            billed = usage != null;
        }
        if (billed) finish(true); // the provider's own count: nothing after it changes the bill
    }

    @Override public void flush() { }

    @Override public void end() { finish(false); }

    @Override public void fail(GatewayException error) { finish(false); }

    @Override public boolean writeQueueFull() { return false; }

    @Override public void drainHandler(Runnable onDrain) { }

    /** Once: stops the timer, cancels the upstream unless it ended, and says what was read (outside the lock). */
    private void finish(boolean cancel) {
        Billed billed;
        long t;
        synchronized (this) {
            if (finished) return;
            finished = true;
            billed = usage != null ? new Billed(usage, 0) : new Billed(null, outputChars);
            t = timer;
        }
        if (t >= 0) vertx.cancelTimer(t);
        if (cancel) stream.cancel();
        done.complete(billed);
    }
}
