package dev.switchboard.route;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.GatewayException;
import java.util.function.LongSupplier;

/**
 * A stream that tells its {@link Attempt} how it ended: the deployment stays "in flight" (for least-busy)
 * until the stream ends, the usage chunk corrects the tpm estimate, and a break after the first byte counts
 * toward the deployment's cooldown and is accounted for as a failed attempt (log, metrics, attempt span, ledger attempt row). It changes nothing the client sees: after the first byte a failure can
 * only end the stream with an error event, never fall back.
 */
final class TrackedStream implements ChatStream {
    private final ChatStream inner;
    private final Attempt attempt;
    private final LongSupplier clock;

    TrackedStream(ChatStream inner, Attempt attempt, LongSupplier clock) {
        this.inner = inner;
        this.attempt = attempt;
        this.clock = clock;
    }

    @Override public dev.switchboard.model.Usage usageSoFar() { return inner.usageSoFar(); }

    @Override
    public void start(ChunkSink sink) {
        inner.start(new ChunkSink() {
            private dev.switchboard.model.Usage usage;

            @Override
            public void chunk(ChatChunk chunk) {
                if (chunk.usage() != null) usage = chunk.usage();
                sink.chunk(chunk);
            }

            @Override
            public boolean takesRelayed(String dialect) { return sink.takesRelayed(dialect); }

            @Override
            public void relayed(dev.switchboard.model.RelayedEvent e) { sink.relayed(e); } // never a usage event

            @Override
            public void flush() { sink.flush(); }

            @Override
            public void end() {
                attempt.end(usage, clock.getAsLong());
                sink.end();
            }

            @Override
            public void fail(GatewayException error) {
                // the call's own cancellation (the client left, the gateway stopped it) is no break of the deployment's
                if (dev.switchboard.model.Cancellation.isCancellation(error)) attempt.end(null, clock.getAsLong());
                else attempt.brokeMidStream(error, clock.getAsLong());
                sink.fail(error);
            }

            @Override
            public boolean writeQueueFull() { return sink.writeQueueFull(); }

            @Override
            public void drainHandler(Runnable onDrain) { sink.drainHandler(onDrain); }
        });
    }

    @Override
    public void cancel() {
        attempt.end(null, clock.getAsLong());
        inner.cancel();
    }
}
