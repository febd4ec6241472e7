package dev.switchboard.observe;

import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.GatewayException;
import java.util.List;

/**
 * The observe stage's entry point: {@link #begin} starts observing a chat request (its spans, when tracing is on),
 * the router's attempt hooks and the spend stage's priced outcome reach the request through its context (the call is
 * attached to it), and when it ends its row goes to the request log (queued: with its ledger row when it has one) and its
 * numbers to the metrics. Nothing here blocks or does I/O: spans go to a
 * bounded queue, log rows to the log's queue.
 */
public final class RequestObserver {
    private final Tracing tracing;
    private final RequestLog log;
    private final RequestLogSettings logSettings;
    private final GatewayMetrics metrics;
    private final SecretScrubber scrubber;
    private final java.util.function.BooleanSupplier cacheStage;
    /** Calls begun and not finished: a count, since each call is found through its context, not by its id. */
    private final java.util.concurrent.atomic.LongAdder inFlight = new java.util.concurrent.atomic.LongAdder();
    private static final CallContext.Key<ObservedCall> CALL = new CallContext.Key<>(ObservedCall.class);

    /**
     * @param tracing    null when tracing is off
     * @param log        null when the request log is off
     * @param cacheStage whether a cache stage runs between governance and routing (its lookup gets a span)
     */
    public RequestObserver(Tracing tracing, RequestLog log, RequestLogSettings logSettings, GatewayMetrics metrics,
                           SecretScrubber scrubber, java.util.function.BooleanSupplier cacheStage) {
        this.tracing = tracing;
        this.log = log;
        this.logSettings = logSettings;
        this.metrics = metrics;
        this.scrubber = scrubber;
        this.cacheStage = cacheStage;
    }

    /** @param tags the call's tags (the key's, {@code metadata.tags}, {@code x-switchboard-tags}) */
    public ObservedCall begin(CallContext ctx, ChatRequest request, String callType, List<String> tags) {
        LogPolicy policy = logSettings.policyFor(ctx.caller().id(), ctx.caller().alias());
        ObservedCall call = new ObservedCall(this, ctx, request, callType, SpanText.names(scrubber.scrub(tags)), policy, ClientTrace.of(ctx, request, scrubber));
        ctx.attach(CALL, call);
        inFlight.increment();
        return call;
    }

    /**
     * Starts observing an embeddings request ({@code POST /v1/embeddings}) as a chat request is observed: its root span
     * ({@code embeddings <alias>}), its attempts' spans, its request-log row (call type {@code embedding}) and, when it
     * fails, its count in the metrics. Its input is kept as the key's log policy keeps a prompt; its vectors are not.
     *
     * @param tags the call's tags (the key's, {@code metadata.tags}, {@code x-switchboard-tags})
     */
    public ObservedCall beginEmbedding(CallContext ctx, dev.switchboard.model.EmbeddingRequest request, List<String> tags) {
        LogPolicy policy = logSettings.policyFor(ctx.caller().id(), ctx.caller().alias());
        ObservedCall call = new ObservedCall(this, ctx, request, SpanText.names(scrubber.scrub(tags)), policy,
                ClientTrace.of(ctx, request.metadata(), scrubber));
        ctx.attach(CALL, call);
        inFlight.increment();
        return call;
    }

    /**
     * A request refused before it was read as a call (a key that does not authenticate, a body too large, too slow, not
     * JSON or not a request of its route): counted in the requests metric as a refused call is ({@code deployment},
     * {@code route} and {@code cache} {@code none}), and said in one log line (INFO, at most {@link RefusalLog#PER_WINDOW}
     * a minute, the rest at DEBUG). Never a trace or a request-log row: nothing of the request was read, and a client
     * must not be able to make the gateway write to its store without a key. No I/O, no lock held long, and no label a
     * client makes up: the model is {@code none} unless a name was read (then the metric's bounded label of it).
     *
     * @param model    the model the request named when it was read that far, else null ({@code none})
     * @param keyId    the key's id when it authenticated, else null ({@code none})
     * @param status   the status answered
     * @param error    the gateway's error code or type answered (a fixed set), never a message (it may quote the body)
     * @param where    the route's path
     * @param address  the client's address, or null
     */
    public void refused(String requestId, String model, String keyId, String keyAlias, int status, String error, String where,
                        String address) {
        metrics.failed(model, keyId, keyAlias, status, null);
        refusals.refused(requestId, keyId, status, error, where, address);
    }

    private final RefusalLog refusals = new RefusalLog(System::nanoTime);

    /** The request being observed in this call (chat, stream or embeddings), or null (internal calls, health checks). */
    public ObservedCall find(CallContext ctx) { return ctx.attached(CALL); }

    /**
     * From the router: an attempt failed (metrics by provider, deployment and entry; a span under the request).
     *
     * @param modelId the entry's {@code model_info.id}, "" without one
     * @param route   {@code primary} or {@code fallback:<reason>}: how the request came to the attempt's alias
     */
    public void attemptFailed(CallContext ctx, int ordinal, String alias, String deployment, String modelId, String route,
                              Throwable error, long latencyNanos) {
        // a client that left is not a provider's failure (the dashboard's provider errors leave it out too)
        if (!dev.switchboard.model.Cancellation.isClientClosed(error)) {
            metrics.attemptFailed(deployment, modelId, error instanceof GatewayException g ? g.attemptStatus() : 500,
                    metricErrorType(error));
        }
        ObservedCall c = ctx.attached(CALL);
        if (c == null) return;
        c.attemptFailedAt(deployment, modelId, route); // the failure path only: the success path never touches the cold call here
        if (tracing != null) c.attempt(ordinal, alias, deployment, modelId, route, error, latencyNanos);
    }

    /**
     * From the router: the stream of the attempt that answered broke after its first byte. A failed attempt as any
     * other for the metric, and its span (kept open while the stream runs) ends as failed.
     */
    public void attemptBroke(CallContext ctx, String deployment, String modelId, Throwable error) {
        if (dev.switchboard.model.Cancellation.isClientClosed(error)) return; // never a provider's failure (the router sends none)
        int status = error instanceof GatewayException g ? g.attemptStatus() : 500;
        metrics.attemptFailed(deployment, modelId, status, metricErrorType(error));
        if (tracing == null) return;
        ObservedCall c = ctx.attached(CALL);
        if (c != null) c.servedAttemptBroke(status, error);
    }

    /**
     * From the spend stage: a failed attempt its provider billed (its ledger row's tokens and cost), counted in the
     * token and cost metrics under the alias and key, as the ledger counts it.
     */
    public void attemptBilled(String requestedModel, String keyId, String keyAlias, int prompt, int completion, int cacheRead,
                              int reasoning, long costNanos) {
        metrics.attemptBilled(requestedModel, keyId, keyAlias, prompt, completion, cacheRead, reasoning, costNanos);
    }

    /** From the router: an attempt answered ({@code modelId}: the entry's {@code model_info.id}, "" without one). */
    public void attemptAnswered(CallContext ctx, int ordinal, String alias, String deployment, String modelId, String route,
                                long latencyNanos) {
        // Without tracing there is nothing to record, and the call's state is cold by the time the upstream answers
        // (other requests ran meanwhile): touching it cost 1.5-2 % of a stream's event loop in cache misses alone.
        if (tracing == null) return;
        ObservedCall c = ctx.attached(CALL);
        if (c != null) c.attempt(ordinal, alias, deployment, modelId, route, null, latencyNanos);
    }

    /**
     * From the spend stage: a served call, priced (chat, stream or embedding).
     *
     * @param ledgerRow its queued ledger row, which the request log's row joins when the call finishes (one row a
     *                  request), or null
     */
    public void outcome(CallContext ctx, CallOutcome o, dev.switchboard.store.JoinableRow ledgerRow) {
        metrics.served(o);
        ObservedCall c = ctx.attached(CALL);
        if (c != null) c.outcome(o, ledgerRow);
    }

    void finished(ObservedCall call, int status, String errorType, String message, long endedNanos) {
        inFlight.decrement();
        if (!call.hasOutcome()) {
            metrics.failed(call.requestedModel(), call.ctx().caller().id(), call.ctx().caller().alias(), status,
                    java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(endedNanos - call.ctx().startedNanos()));
        }
        if (log == null) return;
        LogRow row;
        try {
            // the usual call: its log row is written with its ledger row, by the ledger's writer (one row a request); the
            // part queued with it holds the log's own columns only (LogPart), not a whole log row
            dev.switchboard.store.JoinableRow ledgerRow = call.ledgerRow();
            if (ledgerRow != null && ledgerRow.join(call.part(status, errorType, message, call.endedOtherwise(status, errorType)))) {
                return;
            }
            row = call.row(status, errorType, message, endedNanos);
        } catch (RuntimeException e) { // as when the writer built the row: that row is dropped and counted, the call goes on
            log.record(() -> { throw e; });
            return;
        }
        log.record(row);
    }

    Tracing tracing() { return tracing; }

    /**
     * Whether the stages' own spans are made ({@code otel.stage_spans}): the observe stage's marks after governance and
     * before routing only start and end those spans, so without them the marks are left out of the chain.
     */
    public boolean stageSpans() { return tracing != null && tracing.settings().stageSpans(); }

    /** What takes keys out of what is stored and traced (the ledger's client-named columns use it too). */
    public SecretScrubber scrubber() { return scrubber; }

    boolean cacheStage() { return cacheStage.getAsBoolean(); }

    public GatewayMetrics metrics() { return metrics; }

    /** Requests being observed now (tests: 0 once traffic has ended, so nothing leaks). */
    public int inFlight() { return inFlight.intValue(); }

    /** The error type a metric label takes: the gateway's own for the failure's kind (a fixed set), never the upstream's. */
    static String metricErrorType(Throwable t) {
        if (t instanceof GatewayException g && g.block() != null) return dev.switchboard.model.GuardrailBlock.ERROR_TYPE;
        if (t instanceof GatewayException g) return g.kind().openAiType();
        return "internal_error";
    }

    static String errorType(Throwable t) {
        if (t instanceof GatewayException g && g.block() != null) return dev.switchboard.model.GuardrailBlock.ERROR_TYPE;
        if (t instanceof GatewayException g) return g.upstreamType() != null ? g.upstreamType() : g.kind().openAiType();
        return "internal_error";
    }
}
