package dev.switchboard.pipeline;

import dev.switchboard.model.Answer;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Usage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stream under metering: passes every chunk on, puts the price into the usage chunk ({@code usage.cost}) as it goes
 * by, notes the time to the first token, and settles the call exactly once — when it ends, breaks, or the client
 * leaves. Without a usage chunk (a stream cut short, a server that ignores {@code include_usage}) the cost is the
 * gateway's estimate (prompt by tokenizer, output from the characters streamed), marked as estimated in the ledger.
 */
final class MeteredStream implements ChatStream {
    /** The status recorded for a stream whose client left (nginx's "client closed request"). */
    static final int CLIENT_CLOSED = dev.switchboard.model.ErrorKind.CLIENT_CLOSED.status();

    private final MeteredCall call;
    private final Answer<ChatStream> answer;
    private final AtomicBoolean settled = new AtomicBoolean();
    private Usage usage;
    private DeploymentPrices.Cost cost;
    private long outputChars;
    private Long ttftMs;

    MeteredStream(MeteredCall call, Answer<ChatStream> answer) {
        this.call = call;
        this.answer = answer;
    }

    @Override public Usage knownUsage() { return answer.body().knownUsage(); }

    @Override
    public void start(ChunkSink sink) {
        answer.body().start(new ChunkSink() {
            @Override
            public void chunk(ChatChunk c) {
                sink.chunk(watch(c));
            }

            @Override public boolean takesRelayed(String dialect) { return sink.takesRelayed(dialect); }

            @Override
            public void relayed(dev.switchboard.model.RelayedEvent e) {
                output(e.outputChars()); // a relayed event is never the usage event: that one is priced as a chunk
                if (id == null && e.id() != null) identify(e.id(), e.model(), System.currentTimeMillis() / 1000);
                streamed = true;
                sink.relayed(e);
            }

            @Override public void flush() { sink.flush(); }

            @Override
            public void end() {
                Usage estimated = finish(200, null);
                // no usage came (a server that ignores include_usage): the client that asked for it gets the estimate
                // the ledger has, as LiteLLM counts one; an Anthropic client's message_delta says it instead of 0
                // (also when the server's chunks had no id: the edge writes the one it gave the answer's other chunks)
                if (estimated != null && streamed) {
                    sink.chunk(new ChatChunk(id, created, model, java.util.List.of(), estimated.withCost(cost.nanos() / 1e9),
                            null, null));
                }
                sink.end();
            }

            @Override
            public void fail(GatewayException error) {
                finish(error.status(), MeteredCall.errorType(error));
                sink.fail(error);
            }

            @Override public boolean writeQueueFull() { return sink.writeQueueFull(); }

            @Override public void drainHandler(Runnable onDrain) { sink.drainHandler(onDrain); }
        });
    }

    @Override
    public void cancel() {
        finish(CLIENT_CLOSED, MeteredCall.CLIENT_CLOSED_TYPE);
        answer.body().cancel();
    }

    /** Output streamed so far (the estimate when no usage comes) and the time to its first character. */
    private void output(long chars) {
        if (chars <= 0) return;
        outputChars += chars;
        if (ttftMs == null) ttftMs = (System.nanoTime() - call.ctx.startedNanos()) / 1_000_000;
    }

    /** The answer's id, creation time and served model, for a usage chunk the gateway writes itself. */
    private String id;
    private long created;
    private String model;
    /** Whether any chunk went out: an answer was streamed, and the estimate's usage chunk belongs after it. */
    private boolean streamed;

    private void identify(String id, String model, long created) {
        this.id = id;
        this.model = model;
        this.created = created;
    }

    private ChatChunk watch(ChatChunk c) {
        streamed = true;
        if (id == null && c.id() != null) identify(c.id(), c.model(), c.created());
        if (model == null) { // a server that sends no ids: the model and time of its first chunk, for the usage chunk
            model = c.model();
            created = c.created();
        }
        output(OutputChars.of(c));
        if (c.usage() == null || settled.get()) return c;
        usage = c.usage();
        cost = call.settle(answer, usage);
        // settled: the reservation is returned the moment the cost is known, not at the end of the body
        settled.set(true);
        call.record(answer, usage, false, cost, ttftMs, 200, null);
        return new ChatChunk(c.id(), c.created(), c.model(), c.choices(), usage.withCost(cost.nanos() / 1e9),
                c.systemFingerprint(), c.serviceTier(), c.raw(), c.extra());
    }

    /**
     * Settles once; a stream that already reported its usage has been settled and recorded with it (null then), else
     * the estimate it was settled at.
     */
    private Usage finish(int status, String errorType) {
        if (!settled.compareAndSet(false, true)) return null;
        Usage estimated = call.estimate(answer.deployment(), outputChars);
        cost = call.settle(answer, estimated);
        call.record(answer, estimated, true, cost, ttftMs, status, errorType);
        return estimated;
    }
}
