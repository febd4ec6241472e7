package dev.switchboard.observe;

import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.GatewayException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One chat or embeddings request under observation, from its arrival to its last byte: its spans (the root,
 * authentication and limits, the cache lookup, the routing decision, each provider attempt, the stream), the completion
 * as the log policy keeps it, and at the end the request log's row and the root span's GenAI attributes. Its methods are
 * called on the request's event loop in the order the pipeline reaches them; {@link #finish} runs once.
 *
 * <p>An embeddings request ({@link RequestObserver#beginEmbedding}) is the same object with {@code embedding} set and
 * {@code request} null: operation {@code embeddings}, its input kept as a prompt is, a summary of its vectors (count and
 * dimensions) in place of a completion, no stage spans (it passes no stages), and only the attributes that apply to it
 * (input tokens, no output or cache tokens, no sampling parameters). A chat call pays one null field for it.
 */
public final class ObservedCall {
    private final RequestObserver observer;
    private final CallContext ctx;
    private final ChatRequest request;
    /** The embeddings request, when this is one (then {@link #request} is null). */
    private final dev.switchboard.model.EmbeddingRequest embedding;
    private final String callType;
    private final List<String> tags;
    private final LogPolicy policy;
    private final ClientTrace client;
    private final long startedAtMillis;
    private final AtomicBoolean finished = new AtomicBoolean();
    /**
     * The model the client named, keys masked and cut to {@link SpanText#NAME}: the root span's name and
     * {@code gen_ai.request.model}, the log row's {@code requested_model}. A client that passes its arguments in the
     * wrong order sends a key as the model, and an unknown name is still recorded (its 404 is a row and a trace).
     */
    private final String model;

    private final Span root;
    /** {@link TraceSettings#stageSpans}: the admission, cache-lookup and route spans are made */
    private final boolean stageSpans;
    private Span admission;
    private Span cache;
    private Span route;
    private Span stream;
    /**
     * A stream's attempt that answered: its span lasts as long as its stream, which may still break upstream after its
     * first byte ({@link #servedAttemptBroke}); ended at {@link #finish} otherwise.
     */
    private Span servedAttempt;
    private String lastAttemptAlias;
    /** The deployment of the last attempt that failed: a failed request's log row and root span name where it failed. */
    private String lastFailedDeployment;
    /** How the request came to the alias of the last attempt that failed ({@code primary}, {@code fallback:<reason>}): a failed request's log row and root span name it. */
    private String lastFailedRoute;
    /** The entry ({@code model_info.id}) where the last failed attempt failed: a failed request's log row names it. */
    private String lastFailedModelId;

    private CallOutcome outcome;
    private dev.switchboard.store.JoinableRow ledgerRow;
    private Answer<?> answer;
    private StringBuilder completion;
    private String completionText;
    private long chunks;
    private Long firstTokenNanos;
    private String finishReason;
    private String responseId;
    private String responseModel;
    /**
     * The prompt and completion as the log policy keeps them (scrubbed), once rendered for the root span: the request
     * log's row, built later on its writer thread (after {@link #finish}, through the log's queue), takes them as they
     * are instead of rendering and scrubbing both again.
     */
    private String keptPrompt;
    private String keptCompletion;

    ObservedCall(RequestObserver observer, CallContext ctx, ChatRequest request, String callType, List<String> tags,
                 LogPolicy policy, ClientTrace client) {
        this(observer, ctx, request, null, callType, tags, policy, client);
    }

    /** An embeddings request (call type {@code embedding}, as its ledger row). */
    ObservedCall(RequestObserver observer, CallContext ctx, dev.switchboard.model.EmbeddingRequest embedding, List<String> tags,
                 LogPolicy policy, ClientTrace client) {
        this(observer, ctx, null, embedding, EMBEDDING, tags, policy, client);
    }

    /** The call type of an embeddings request, in the ledger and the log. */
    static final String EMBEDDING = "embedding";
    /** {@code gen_ai.operation.name} of an embeddings request (the GenAI conventions' well-known value). */
    static final String EMBEDDINGS_OPERATION = "embeddings";

    private ObservedCall(RequestObserver observer, CallContext ctx, ChatRequest request, dev.switchboard.model.EmbeddingRequest embedding,
                         String callType, List<String> tags, LogPolicy policy, ClientTrace client) {
        this.observer = observer;
        this.ctx = ctx;
        this.request = request;
        this.embedding = embedding;
        this.callType = callType;
        this.tags = tags;
        this.policy = policy;
        this.client = client;
        this.startedAtMillis = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ctx.startedNanos());
        // once a call, shared with the ledger row (SecretScrubber.requestedModel); a configured name is as written
        this.model = SpanText.cut(observer.scrubber().requestedModel(ctx, embedding == null ? request.model() : embedding.model()),
                SpanText.NAME);
        Tracing t = observer.tracing();
        if (t == null) {
            root = null;
            stageSpans = false;
            return;
        }
        boolean chat = embedding == null;
        root = CallSpans.startRoot(t, client, ctx, model, chat, observer.scrubber());
        stageSpans = chat && t.settings().stageSpans(); // an embeddings call passes no stages to mark
        if (stageSpans) admission = child("switchboard.auth_and_limits", ctx.startedNanos(), root);
    }

    String requestId() { return ctx.requestId(); }

    /** The trace this request is in: its own span's, else the one the client named; null when neither. */
    public String traceId() {
        if (root != null && root.getSpanContext().isValid()) return root.getSpanContext().getTraceId();
        return client.traceId();
    }

    /** Governance let the call through; the cache (when there is one) is asked next. */
    public void admitted() {
        long now = System.nanoTime();
        end(admission, now);
        admission = null;
        if (stageSpans && observer.cacheStage()) cache = child("switchboard.cache_lookup", now, root);
    }

    /** The cache (if any) missed: the router decides now. */
    public void routing() {
        long now = System.nanoTime();
        if (cache != null) {
            cache.setAttribute(GenAi.CACHE, "miss");
            end(cache, now);
            cache = null;
        }
        if (stageSpans) {
            route = childBuilder("switchboard.route", now, root).setAttribute(GenAi.REQUEST_MODEL, model)
                    .setAttribute(GenAi.LF_TYPE, GenAi.LF_SPAN).startSpan(); // one generation a call: see GenAi.LF_SPAN
        }
    }

    /** An attempt failed (with or without tracing): the deployment a failed request's row names, and its route. */
    void attemptFailedAt(String deployment, String modelId, String route) {
        lastFailedDeployment = shownDeployment(deployment);
        lastFailedModelId = modelId;
        lastFailedRoute = route;
    }

    /** One provider attempt ended; {@code error} null when it answered. */
    /** @param modelId the attempt's entry's {@code model_info.id} ("" without one): on its span as {@code switchboard.model_id} */
    void attempt(int ordinal, String alias, String deployment, String modelId, String routeTaken, Throwable error, long latencyNanos) {
        String reason = ordinal <= 1 ? "first" : alias.equals(lastAttemptAlias) ? "retry"
                : routeTaken != null && routeTaken.startsWith("fallback") ? routeTaken : "fallback";
        lastAttemptAlias = alias;
        if (root == null) return;
        long now = System.nanoTime();
        deployment = shownDeployment(deployment);
        alias = shownDeployment(alias);
        SpanNames.Deployment d = observer.tracing().names().deployment(deployment);
        // Started and ended at once, so every attribute goes on the builder: one map filled before the span exists,
        // not a lock taken on the live span for each
        boolean chat = embedding == null;
        SpanBuilder b = CallSpanAttributes.attempt(
                childBuilder(chat ? d.spanName() : d.embeddingsSpanName(), now - latencyNanos, route != null ? route : root),
                chat ? "chat" : EMBEDDINGS_OPERATION, d, deployment, alias, ordinal, reason, latencyNanos);
        // two model_list entries of one provider/model apart, as the ledger and metrics tell them (none without an id)
        if (modelId != null && !modelId.isEmpty()) b.setAttribute(GenAi.MODEL_ID, modelId);
        if (error != null) {
            int status = error instanceof GatewayException g ? g.attemptStatus() : 500; // the provider's own
            Span s = b.setAttribute(GenAi.HTTP_STATUS, (long) status)
                    .setAttribute(GenAi.ERROR_TYPE, RequestObserver.errorType(error))
                    .startSpan();
            s.setStatus(StatusCode.ERROR, KeptError.of(policy, observer.scrubber(), String.valueOf(error.getMessage()), RequestObserver.errorType(error), status, true));
            end(s, now);
        } else {
            Span s = b.setAttribute(GenAi.HTTP_STATUS, 200L).startSpan();
            if (STREAM.equals(callType) && servedAttempt == null) servedAttempt = s; // ends with its stream
            else end(s, now);
        }
    }

    /** The call type of a streamed chat request. */
    private static final String STREAM = "stream";

    /**
     * The stream of the attempt that answered broke upstream after its first byte: its span ends failed, with the status
     * and error type the attempt-error metric has (the provider's 200 came before the break).
     */
    void servedAttemptBroke(int status, Throwable error) {
        Span s = servedAttempt;
        if (s == null) return;
        servedAttempt = null;
        s.setAttribute(GenAi.HTTP_STATUS, (long) status).setAttribute(GenAi.ERROR_TYPE, RequestObserver.errorType(error));
        s.setStatus(StatusCode.ERROR, KeptError.of(policy, observer.scrubber(), String.valueOf(error.getMessage()), RequestObserver.errorType(error), status, true));
        end(s, System.nanoTime());
    }

    /** The spend stage priced the served call (for a stream: when its usage passed, or when it ended). */
    void outcome(CallOutcome o, dev.switchboard.store.JoinableRow ledgerRow) {
        this.outcome = o;
        this.ledgerRow = ledgerRow;
    }

    /**
     * Whether the call ended otherwise than its ledger row says: a stream records its row when its usage arrives, and
     * its client may still leave, or the stream break, after that.
     */
    boolean endedOtherwise(int status, String errorType) {
        CallOutcome o = outcome;
        return o != null && (o.status() != status || !java.util.Objects.equals(o.errorType(), errorType));
    }

    /** The served call's ledger row, which the log's row joins (one row a request), or null. */
    dev.switchboard.store.JoinableRow ledgerRow() { return ledgerRow; }

    /** A complete (not streamed) answer. */
    public void answered(Answer<ChatResponse> a) {
        decided(a);
        ChatResponse r = a.body();
        if (r != null) {
            responseId = r.id();
            responseModel = r.model();
            if (!r.choices().isEmpty() && r.choices().get(0).finishReason() != null) finishReason = r.choices().get(0).finishReason().wire();
            if (policy.keepsContent()) completionText = PromptText.completion(r);
        }
        finish(200, null, null);
    }

    /**
     * An embeddings answer: its model, and in place of a completion a summary of its vectors (how many, of how many
     * dimensions), which the log and the trace keep as the policy allows; the vectors themselves are kept nowhere.
     */
    public void embedded(Answer<dev.switchboard.model.EmbeddingResponse> a) {
        decided(a);
        dev.switchboard.model.EmbeddingResponse r = a.body();
        if (r != null) {
            responseModel = r.model();
            if (policy.keepsContent()) completionText = PromptText.embeddings(r);
        }
        finish(200, null, null);
    }

    /** A stream's status and headers are out; its chunks follow. */
    public void streaming(Answer<?> a) {
        decided(a);
        if (root != null) stream = child("switchboard.stream", System.nanoTime(), root);
        if (policy.keepsContent()) completion = new StringBuilder();
    }

    /** A chunk on its way to the client. */
    public void chunk(ChatChunk c) {
        chunks++;
        if (responseId == null) responseId = c.id();
        if (responseModel == null && c.model() != null) responseModel = c.model();
        for (ChunkChoice ch : c.choices()) {
            if (ch.finishReason() != null) finishReason = ch.finishReason().wire();
            var d = ch.delta();
            if (d == null) continue;
            boolean content = d.content() != null && !d.content().isEmpty() || d.reasoning() != null && !d.reasoning().isEmpty()
                    || !d.toolCalls().isEmpty();
            if (content && firstTokenNanos == null) {
                firstTokenNanos = System.nanoTime();
                firstTokenEvent();
            }
            if (completion != null && StreamedCompletion.hasRoom(completion, policy)) StreamedCompletion.append(completion, d);
        }
    }

    /**
     * A relayed event: its facts are read without decoding it. A log that keeps the completion takes the event's texts
     * as the provider's scan read them ({@link dev.switchboard.model.RelayedEvent#texts}), or decodes an event whose
     * texts were not read (as {@link #chunk} reads it).
     */
    public void relayed(dev.switchboard.model.RelayedEvent e) {
        if (completion != null) {
            if (e.texts() == null) {
                chunk(e.chunk());
                return;
            }
            if (StreamedCompletion.hasRoom(completion, policy)) StreamedCompletion.append(completion, e.texts());
        }
        chunks++;
        if (responseId == null) responseId = e.id();
        if (responseModel == null && e.model() != null) responseModel = e.model();
        if (e.finishReason() != null) finishReason = e.finishReason();
        if (e.outputChars() > 0 && firstTokenNanos == null) {
            firstTokenNanos = System.nanoTime();
            firstTokenEvent();
        }
    }

    /**
     * The stream span's {@code first_token} event, at the instant Langfuse's {@code completion_start_time} names (one
     * clock for both: the span's own would read the time again, a little later).
     */
    private void firstTokenEvent() {
        if (stream != null) {
            stream.addEvent("first_token", observer.tracing().epochNanos(firstTokenNanos), java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** The stream ended: cleanly ({@code error} null), broken, or left by its client (status 499). */
    public void streamEnded(int status, GatewayException error) {
        if (completion != null) completionText = completion.toString();
        // a break of the upstream's stream may quote it; the gateway's own cut (its shutdown) says nothing of the prompt
        finish(status, error == null ? (status == 200 ? null : "client_closed") : RequestObserver.errorType(error),
                error == null ? null : error.getMessage(), error != null && !error.isGatewayStop());
    }

    /**
     * The stream was cancelled: its client left (499 {@code client_closed}), or the gateway cut it as its shutdown
     * drain ran out (the gateway's error, as the client's last event says).
     */
    public void streamCancelled() {
        GatewayException stop = ctx.cancellation().stopReason();
        if (stop == null) streamEnded(dev.switchboard.model.ErrorKind.CLIENT_CLOSED.status(), null);
        else streamEnded(stop.status(), stop);
    }

    /** The request failed before an answer (refused, or every attempt failed). */
    public void failed(Throwable error) {
        int status = error instanceof GatewayException g ? g.status() : 500;
        finish(status, RequestObserver.errorType(error), error.getMessage(), upstreamText(error));
    }

    /**
     * Whether a failure's message may hold an upstream's words (which may quote the prompt): an attempt failed first
     * (the final message may carry its text), the error names an upstream's type, a guardrail's block (it may quote
     * what it matched), or an exception that is not the gateway's answer. False for the gateway's own refusals before
     * any call (budget exceeded, model not allowed, unknown model, rate limited), which quote no content.
     */
    private boolean upstreamText(Throwable error) {
        if (!(error instanceof GatewayException g)) return true;
        return lastFailedDeployment != null || lastAttemptAlias != null || g.upstreamType() != null || g.block() != null
                || g.attemptStatus() != g.status();
    }

    private void decided(Answer<?> a) {
        this.answer = a;
        long now = System.nanoTime();
        if (admission != null) { // no governance stage ran (tests wiring fewer stages)
            end(admission, now);
            admission = null;
        }
        if (cache != null) {
            cache.setAttribute(GenAi.CACHE, a.cache());
            end(cache, now);
            cache = null;
        }
        if (route != null) {
            route.setAttribute(GenAi.ROUTE, a.route());
            if (a.tier() != null) route.setAttribute(GenAi.TIER, a.tier());
            route.setAttribute(GenAi.DEPLOYMENT, String.valueOf(a.deployment()));
            end(route, now);
            route = null;
        }
    }

    private void finish(int status, String errorType, String errorMessage) { finish(status, errorType, errorMessage, true); }

    private void finish(int status, String errorType, String errorMessage, boolean fromUpstream) {
        if (!finished.compareAndSet(false, true)) return;
        long now = System.nanoTime();
        String message = KeptError.of(policy, observer.scrubber(), errorMessage, errorType, status, fromUpstream);
        for (Span open : new Span[] {admission, cache, route}) {
            if (open != null) {
                open.setStatus(StatusCode.ERROR, message == null ? "failed" : message);
                end(open, now);
            }
        }
        if (servedAttempt != null) { // its stream ended (or was left by its client) without breaking upstream
            end(servedAttempt, now);
            servedAttempt = null;
        }
        if (stream != null) {
            stream.setAttribute(GenAi.CHUNKS, chunks);
            if (firstTokenNanos != null) stream.setAttribute(GenAi.TTFT_MS, (firstTokenNanos - ctx.startedNanos()) / 1e6);
            if (status != 200) stream.setStatus(StatusCode.ERROR, message == null ? errorType : message);
            end(stream, now);
        }
        if (root != null) endRoot(status, errorType, message, now);
        observer.finished(this, status, errorType, message, now);
    }

    private void endRoot(int status, String errorType, String message, long now) {
        Span s = root;
        CallOutcome o = outcome;
        s.setAttribute(GenAi.HTTP_STATUS, (long) status);
        CallSpanAttributes.caller(s, ctx.caller().alias(), tags, client);
        // whom the call is for, as the ledger has it (a LiteLLM end-user header or a JWT claim before the body's user)
        boolean chat = embedding == null;
        String endUser = observer.scrubber().scrub(chat
                ? dev.switchboard.model.EndUserOf.resolve(ctx, request.user(), request.metadata(), request.extra())
                : dev.switchboard.model.EndUserOf.resolve(ctx, embedding.user(), embedding.metadata(), embedding.extra()));
        endUser = SpanText.cut(endUser, SpanText.NAME);
        if (endUser != null) s.setAttribute(GenAi.USER_ID, endUser).setAttribute(GenAi.LF_USER, endUser);
        if (chat) CallSpanAttributes.sampling(s, request);
        else CallSpanAttributes.embeddings(s, embedding);
        if (answer != null) {
            s.setAttribute(GenAi.ROUTE, answer.route()).setAttribute(GenAi.CACHE, answer.cache());
            if (answer.tier() != null) s.setAttribute(GenAi.TIER, answer.tier());
            if (answer.deployment() != null) {
                SpanNames.Deployment d = observer.tracing().names().deployment(answer.deployment());
                s.setAttribute(GenAi.PROVIDER, d.provider()).setAttribute(GenAi.DEPLOYMENT, answer.deployment());
                String model = responseModel != null ? responseModel : d.model();
                s.setAttribute(GenAi.RESPONSE_MODEL, model).setAttribute(GenAi.LF_MODEL, model);
            }
        } else if (lastFailedDeployment != null) {
            // every attempt failed: where the last one failed, as the request log's row says (the provider is Required
            // by the GenAI conventions, and a collector's errors by provider or deployment must see failed requests)
            SpanNames.Deployment d = observer.tracing().names().deployment(lastFailedDeployment);
            s.setAttribute(GenAi.PROVIDER, d.provider()).setAttribute(GenAi.DEPLOYMENT, lastFailedDeployment);
            if (lastFailedRoute != null) s.setAttribute(GenAi.ROUTE, lastFailedRoute);
        }
        String clientId = clientAnswerId();
        if (clientId != null) s.setAttribute(GenAi.RESPONSE_ID, clientId);
        if (responseId != null && !responseId.equals(clientId)) s.setAttribute(GenAi.UPSTREAM_RESPONSE_ID, responseId);
        if (finishReason != null) s.setAttribute(GenAi.FINISH_REASONS, List.of(finishReason));
        if (firstTokenNanos != null) { // a stream's first token: Langfuse's time to first token (milliseconds, as it keeps them)
            s.setAttribute(GenAi.LF_COMPLETION_START, java.time.Instant.ofEpochSecond(0, observer.tracing().epochNanos(firstTokenNanos))
                    .truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
        }
        if (o != null && !chat) CallSpanAttributes.embeddingsUsage(s, o);
        else if (o != null) CallSpanAttributes.usage(s, o, answer != null ? answer.deployment() : o.deployment(), responseModel,
                observer.tracing().names());
        s.setAttribute(GenAi.LOG_POLICY, policy.label());
        if (observer.tracing().settings().captureContent() && policy.keepsContent()) {
            s.setAttribute(GenAi.LF_INPUT, keptPrompt = keptPrompt());
            if (completionText != null) s.setAttribute(GenAi.LF_OUTPUT, keptCompletion = keptCompletion());
        }
        if (status != 200) {
            if (errorType != null) s.setAttribute(GenAi.ERROR_TYPE, errorType);
            s.setAttribute(GenAi.LF_LEVEL, "ERROR");
            if (message != null) s.setAttribute(GenAi.LF_STATUS_MESSAGE, message);
            s.setStatus(StatusCode.ERROR, message == null ? String.valueOf(errorType) : message);
        }
        end(s, now);
    }

    /**
     * The request log's row, taken now (the call has finished: its outcome, answer and spans are final) in its compact
     * form, which keeps the request's messages and the answer's text but not the call: the prompt is rendered, and the
     * policy and the scrubbing applied, on the log's writer thread ({@link LogRow#get}).
     */
    LogRow row(int status, String errorType, String errorMessage, long endedNanos) {
        CallOutcome o = outcome;
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(endedNanos - ctx.startedNanos());
        Long ttft = o != null && o.ttftMs() != null ? o.ttftMs()
                : firstTokenNanos == null ? null : TimeUnit.NANOSECONDS.toMillis(firstTokenNanos - ctx.startedNanos());
        RequestLogEntry row = new RequestLogEntry(ctx.requestId(), startedAtMillis, startedAtMillis + latencyMs, ctx.caller().id(),
                ctx.caller().alias(), callType, requestedModel(), answer == null ? lastFailedDeployment : answer.deployment(),
                answer == null ? lastFailedRoute : answer.route(), answer == null ? null : answer.tier(), answer == null ? null : answer.cache(),
                status, errorType, errorMessage, o == null ? 0 : o.promptTokens(), o == null ? 0 : o.completionTokens(),
                o == null ? 0 : o.cacheReadTokens(), o == null ? 0 : o.costNanos(), o != null && o.latencyMs() != null ? o.latencyMs() : latencyMs,
                ttft, traceId(), root == null ? null : root.getSpanContext().getSpanId(), client.sessionId(),
                client.generationName(), tags, policy.label(), null, null,
                // a served call's entry is its ledger row's, which this row joins; a failed request's is its last attempt's
                answer == null ? lastFailedModelId : null);
        if (embedding != null) {
            return new LogRow(row, policy, observer.scrubber(), null, embedding.input(), keptPrompt, completionText, keptCompletion);
        }
        return new LogRow(row, policy, observer.scrubber(), request.messages(), keptPrompt, completionText, keptCompletion);
    }

    /**
     * The request log's part of this call's ledger row ({@link LogPart}): the log's own columns as {@link #row} has them
     * and the same content, without the row (whose other columns the ledger row has). What a served call queues.
     *
     * @param withStatus whether the call ended otherwise than its ledger row says ({@link #endedOtherwise})
     */
    LogPart part(int status, String errorType, String errorMessage, boolean withStatus) {
        return new LogPart(policy, observer.scrubber(), embedding != null ? null : request.messages(),
                embedding != null ? embedding.input() : null, keptPrompt, completionText, keptCompletion, errorMessage, traceId(),
                root == null ? null : root.getSpanContext().getSpanId(), client.sessionId(), client.generationName(), tags,
                status, errorType, withStatus);
    }

    private String keptPrompt() {
        return observer.scrubber().scrub(policy.apply(embedding != null ? PromptText.input(embedding.input(), policy.limit())
                : PromptText.prompt(request, policy.limit())));
    }

    private String keptCompletion() { return observer.scrubber().scrub(policy.apply(completionText)); }

    boolean hasOutcome() { return outcome != null; }

    CallContext ctx() { return ctx; }

    /**
     * The answer's id as its client got it: the one the edge chose (a Responses API call's {@code resp_…}), the
     * upstream's with the dialect's prefix (an Anthropic-dialect answer's {@code msg_…}), or the upstream's as it is.
     */
    private String clientAnswerId() {
        String chosen = ctx.attached(CallContext.ANSWER_ID);
        if (chosen != null && answer != null) return chosen;
        if (responseId == null) return null;
        String prefix = ctx.attached(CallContext.ANSWER_ID_PREFIX);
        return prefix == null || responseId.startsWith(prefix) ? responseId : prefix + responseId;
    }

    /**
     * A deployment (or alias) as spans and the log name it: keys masked, cut to {@link SpanText#NAME}. A configured
     * one is as it is; a wildcard entry serves any name it is sent ({@code openai/*}), so what the client put in its
     * model is in the deployment too.
     */
    private String shownDeployment(String deployment) {
        return deployment == null ? null : SpanText.cut(observer.scrubber().name(deployment), SpanText.NAME);
    }

    /** The model the client named, as it is recorded: keys masked, cut to {@link SpanText#NAME}. */
    String requestedModel() { return model; }

    private Span child(String name, long startNanos, Span parent) { return childBuilder(name, startNanos, parent).startSpan(); }

    private SpanBuilder childBuilder(String name, long startNanos, Span parent) {
        return CallSpans.childBuilder(observer.tracing(), name, startNanos, parent);
    }

    private void end(Span s, long nanos) { CallSpans.end(observer.tracing(), s, nanos); }
}
