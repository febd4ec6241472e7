package dev.switchboard.pipeline;

import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.GatewayException;
import dev.switchboard.observe.ObservedCall;
import dev.switchboard.observe.RequestObserver;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * DESIGN's observe step, as the outermost stage so that its root span and its request-log row cover the whole call:
 * it starts observing each chat request, sees the answer or the failure, and watches a stream's chunks to its end.
 * Two marks placed further in ({@link #admitted()}, after the spend stage, and {@link #routing()}, just before the
 * router) tell it when governance let the call through and when the cache missed, which is what splits the trace
 * into its authentication-and-limits, cache and routing spans; the router's attempt hooks and the spend stage's
 * priced outcome reach it through {@link RequestObserver}, which finds the call attached to the context.
 */
final class ObserveStage implements Stage {
    private final RequestObserver observer;

    ObserveStage(RequestObserver observer) { this.observer = observer; }

    @Override
    public ChatHandler wrap(ChatHandler next) {
        return new ChatHandler() {
            @Override
            public Future<Answer<ChatResponse>> chat(CallContext ctx, ChatRequest request) {
                ObservedCall call = observer.begin(ctx, request, "chat", Metering.tags(ctx, request));
                return observed(next.chat(ctx, request), call, ObserveStage::answered);
            }

            @Override
            public Future<Answer<ChatStream>> stream(CallContext ctx, ChatRequest request) {
                ObservedCall call = observer.begin(ctx, request, "stream", Metering.tags(ctx, request));
                return observed(next.stream(ctx, request), call, ObserveStage::streaming);
            }
        };
    }

    /**
     * The call's answer once the observer saw it ({@code seen}) or its failure ({@link ObservedCall#failed}): a listener
     * and a promise, where a {@code transform} made a succeeded future more and dispatched to it on every call. What the
     * observer throws fails the call, as it did in the transform.
     */
    static <T> Future<Answer<T>> observed(Future<Answer<T>> answer, ObservedCall call,
                                          java.util.function.BiFunction<ObservedCall, Answer<T>, Answer<T>> seen) {
        Promise<Answer<T>> out = Promise.promise();
        answer.onComplete((a, failure) -> {
            Throwable error = failure;
            Answer<T> passed = null;
            try {
                if (failure != null) {
                    call.failed(failure);
                    error = withTraceId(failure, call);
                } else {
                    passed = seen.apply(call, a);
                }
            } catch (Throwable t) {
                error = t;
            }
            if (error != null) out.fail(error);
            else out.complete(passed);
        });
        return out.future();
    }

    /**
     * An embeddings call observed as a chat call is ({@link Gateway#embed}; it passes no stages): begun here, so its root
     * span and its log row cover it, {@code call} made (the metered call, whose priced outcome reaches the observer as a
     * chat call's does), and its answer or failure seen, with {@code x-switchboard-trace-id} on either when traced.
     */
    static Future<Answer<dev.switchboard.model.EmbeddingResponse>> embedding(RequestObserver observer, CallContext ctx,
            dev.switchboard.model.EmbeddingRequest request,
            java.util.function.Supplier<Future<Answer<dev.switchboard.model.EmbeddingResponse>>> call) {
        ObservedCall observed = observer.beginEmbedding(ctx, request,
                dev.switchboard.model.CallTags.of(ctx, request.metadata(), request.extra()));
        Future<Answer<dev.switchboard.model.EmbeddingResponse>> answer;
        try {
            answer = call.get();
        } catch (RuntimeException e) { // answered as a failure, and the observed call finishes with it
            answer = Future.failedFuture(e);
        }
        return observed(answer, observed, ObserveStage::embedded);
    }

    /** An embeddings answer, seen. */
    private static Answer<dev.switchboard.model.EmbeddingResponse> embedded(ObservedCall call,
                                                                           Answer<dev.switchboard.model.EmbeddingResponse> a) {
        call.embedded(a);
        return withTraceId(a, call);
    }

    /** A complete answer, seen: what {@link #observed} passes on. */
    private static Answer<ChatResponse> answered(ObservedCall call, Answer<ChatResponse> a) {
        call.answered(a);
        return withTraceId(a, call);
    }

    /** A stream's start, seen: the stream passed on is watched to its end. */
    private static Answer<ChatStream> streaming(ObservedCall call, Answer<ChatStream> a) {
        call.streaming(a);
        return withTraceId(new Answer<>(new Watched(a.body(), call), a.deployment(), a.route(), a.cache(), a.tier(), a.headers()),
                call);
    }

    /** The answer's {@code x-switchboard-trace-id}, when the call is in a trace: where to find it in a collector. */
    static <T> Answer<T> withTraceId(Answer<T> a, ObservedCall call) {
        String traceId = call.traceId();
        return traceId == null ? a : a.withHeader(TRACE_ID_HEADER, traceId);
    }

    static final String TRACE_ID_HEADER = "x-switchboard-trace-id";

    /** An error answer carries the trace id too: a failure is when its trace is looked for most. */
    static Throwable withTraceId(Throwable t, ObservedCall call) {
        if (!(t instanceof dev.switchboard.model.GatewayException g)) return t;
        String traceId = call.traceId();
        if (traceId == null) return t;
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>(g.headers());
        headers.put(TRACE_ID_HEADER, traceId);
        return g.withHeaders(headers);
    }

    /** The mark after governance: the call was admitted. */
    Stage admitted() {
        return mark(ObservedCall::admitted);
    }

    /** The mark before the router: the cache (if any) missed. */
    Stage routing() {
        return mark(ObservedCall::routing);
    }

    private Stage mark(java.util.function.Consumer<ObservedCall> at) {
        if (!observer.stageSpans()) return next -> next; // the marks only make the stage spans
        return next -> new ChatHandler() {
            @Override
            public Future<Answer<ChatResponse>> chat(CallContext ctx, ChatRequest request) {
                ObservedCall c = observer.find(ctx);
                if (c != null) at.accept(c);
                return next.chat(ctx, request);
            }

            @Override
            public Future<Answer<ChatStream>> stream(CallContext ctx, ChatRequest request) {
                ObservedCall c = observer.find(ctx);
                if (c != null) at.accept(c);
                return next.stream(ctx, request);
            }
        };
    }

    /** A stream whose chunks and end the observer sees on their way to the client. */
    private static final class Watched implements ChatStream {
        private final ChatStream inner;
        private final ObservedCall call;

        Watched(ChatStream inner, ObservedCall call) {
            this.inner = inner;
            this.call = call;
        }

        @Override public dev.switchboard.model.Usage knownUsage() { return inner.knownUsage(); }

        @Override public dev.switchboard.model.Usage usageSoFar() { return inner.usageSoFar(); }

        @Override
        public void start(ChunkSink sink) {
            inner.start(new ChunkSink() {
                @Override
                public void chunk(ChatChunk c) {
                    call.chunk(c);
                    sink.chunk(c);
                }

                @Override public boolean takesRelayed(String dialect) { return sink.takesRelayed(dialect); }

                @Override
                public void relayed(dev.switchboard.model.RelayedEvent e) {
                    call.relayed(e);
                    sink.relayed(e);
                }

                @Override public void flush() { sink.flush(); }

                @Override
                public void end() {
                    call.streamEnded(200, null);
                    sink.end();
                }

                @Override
                public void fail(GatewayException error) {
                    call.streamEnded(error.status(), error);
                    sink.fail(error);
                }

                @Override public boolean writeQueueFull() { return sink.writeQueueFull(); }

                @Override public void drainHandler(Runnable onDrain) { sink.drainHandler(onDrain); }
            });
        }

        @Override
        public void cancel() {
            inner.cancel();
            call.streamCancelled();
        }
    }
}
