package dev.switchboard.pipeline;

import dev.switchboard.model.Answer;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Usage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stream under metering: passes every chunk on, puts the price into the usage chunk ({@code usage.cost}) as it goes
 * by, notes the time to the first token, and records the call exactly once — when it ends, breaks, the client
 * leaves or the gateway cuts it at the end of its drain — with the status the client saw. Without a usage chunk (a
 * stream cut short, a server that ignores {@code include_usage}) the cost is the
 * gateway's estimate (prompt by tokenizer, output from the characters streamed), marked as estimated in the ledger.
 */
final class MeteredStream implements ChatStream {
    /** The status recorded for a stream whose client left (nginx's "client closed request"). */
    static final int CLIENT_CLOSED = dev.switchboard.model.ErrorKind.CLIENT_CLOSED.status();

    private final MeteredCall call;
    private final Answer<ChatStream> answer;
    /**
     * Where the stream is in its settling. The budget settles the moment the usage chunk passes (the reservation goes
     * back then), but the ledger row waits for the stream's end: a stream can still break after its usage (before
     * {@code [DONE]} / {@code message_stop}), and the row's status must be what the client saw, at the price the
     * provider reported. Chunks come on the upstream's context and a cancel on the edge's, so it is a CAS, not a lock.
     */
    private final AtomicInteger state = new AtomicInteger(OPEN);
    /** Nothing settled yet. */
    private static final int OPEN = 0;
    /** The usage chunk is being priced (the budget settling) on the upstream's thread. */
    private static final int PRICING = 1;
    /** The usage is priced and the budget settled; the row waits for the end. */
    private static final int PRICED = 2;
    /** Ended and recorded (or being recorded by whoever priced the usage, when the end came in the middle of it). */
    private static final int DONE = 3;
    /** How the stream ended, when it ended while its usage was being priced: the pricing thread writes the row. */
    private volatile int endStatus;
    private volatile String endErrorType;
    private Usage usage;
    /** The usage being priced (written before the state says {@link #PRICING}), for an end that comes meanwhile. */
    private volatile Usage pricing;
    private DeploymentPrices.Cost cost;
    private long outputChars;
    private Long ttftMs;

    MeteredStream(MeteredCall call, Answer<ChatStream> answer) {
        this.call = call;
        this.answer = answer;
    }

    @Override public Usage knownUsage() { return answer.body().knownUsage(); }

    @Override public Usage usageSoFar() { return answer.body().usageSoFar(); }

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
        // the gateway cutting the stream (its drain ran out) is no client leaving: the row says the gateway's error
        GatewayException stop = call.ctx.cancellation().stopReason();
        if (stop == null) finish(CLIENT_CLOSED, MeteredCall.CLIENT_CLOSED_TYPE);
        else finish(stop.status(), MeteredCall.errorType(stop));
        answer.body().cancel();
    }

    /**
     * The estimate of a stream that ended without its final usage, with what the provider reported so far in place of
     * the guesses where it has them: the prompt's tokens and its cache reads and writes (Anthropic's message_start, so
     * a large cached prompt is priced at its cache-read price, not as fresh input), and the output, the larger of its
     * count so far and the characters streamed (still marked estimated: the last tokens may not be in it).
     */
    static Usage withReported(Usage estimate, Usage reported) {
        if (reported == null) return estimate;
        if (reported.promptTokens() <= 0) { // no tokens reported, perhaps the built-in tool calls it ran (billed all the same)
            Usage.Details d = reported.details();
            return d.billedTools() ? estimate.withDetails(estimate.details().withTools(d.webSearchRequests(), d.fileSearchCalls(),
                    d.codeInterpreterSessions())) : estimate;
        }
        return new Usage(reported.promptTokens(), Math.max(reported.completionTokens(), estimate.completionTokens()),
                reported.cacheReadTokens(), reported.cacheWriteTokens(), reported.reasoningTokens(), reported.cacheWrite1hTokens(),
                reported.details(), null, null, null, reported.writeLifetimesSaid());
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
        if (c.usage() == null || state.get() != OPEN) return c;
        pricing = c.usage();
        if (!state.compareAndSet(OPEN, PRICING)) return c;
        usage = c.usage();
        // the reservation is returned the moment the cost is known, not at the end of the body; the row waits (see state)
        cost = call.settle(answer, usage);
        if (!state.compareAndSet(PRICING, PRICED)) { // it ended meanwhile (a cancel on another thread): the row is ours
            call.record(answer, usage, false, cost, ttftMs, endStatus, endErrorType);
        }
        return new ChatChunk(c.id(), c.created(), c.model(), c.choices(), usage.withCost(cost.nanos() / 1e9),
                c.systemFingerprint(), c.serviceTier(), c.raw(), c.extra());
    }

    /**
     * Records the stream's end once, with the status the client saw: at the provider's usage when it reported one (the
     * budget settled with it then), else settled at the gateway's estimate, which it returns (null otherwise).
     */
    private Usage finish(int status, String errorType) {
        while (true) {
            switch (state.get()) {
                case OPEN -> {
                    if (!state.compareAndSet(OPEN, DONE)) continue;
                    Usage estimated = withReported(call.estimate(answer.deployment(), outputChars), answer.body().usageSoFar());
                    cost = call.settle(answer, estimated);
                    call.record(answer, estimated, true, cost, ttftMs, status, errorType);
                    if (status != 200) call.charged(estimated, cost);
                    return estimated;
                }
                case PRICED -> {
                    if (!state.compareAndSet(PRICED, DONE)) continue;
                    call.record(answer, usage, false, cost, ttftMs, status, errorType);
                    if (status != 200) call.charged(usage, cost);
                    return null;
                }
                case PRICING -> { // the usage is being priced on the upstream's thread: it writes the row with this end
                    endStatus = status;
                    endErrorType = errorType;
                    if (state.compareAndSet(PRICING, DONE)) {
                        // what it charges, said now (the same price, not settled twice): a Responses stream left here is
                        // stored at once, and would say cost 0 beside a ledger row at the real cost
                        if (status != 200) call.charged(pricing, call.price(answer, pricing));
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
    }
}
