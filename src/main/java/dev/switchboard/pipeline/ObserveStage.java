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
                ObservedCall call = observer.begin(ctx, request, "chat", Metering.tags(ctx, request.metadata()));
                return next.chat(ctx, request).transform(ar -> {
                    if (ar.failed()) {
                        call.failed(ar.cause());
                        return Future.failedFuture(ar.cause());
                    }
                    call.answered(ar.result());
                    return Future.succeededFuture(withTraceId(ar.result(), call));
                });
            }

            @Override
            public Future<Answer<ChatStream>> stream(CallContext ctx, ChatRequest request) {
                ObservedCall call = observer.begin(ctx, request, "stream", Metering.tags(ctx, request.metadata()));
                return next.stream(ctx, request).transform(ar -> {
                    if (ar.failed()) {
                        call.failed(ar.cause());
                        return Future.failedFuture(ar.cause());
                    }
                    Answer<ChatStream> a = ar.result();
                    call.streaming(a);
                    return Future.succeededFuture(withTraceId(new Answer<>(new Watched(a.body(), call), a.deployment(), a.route(),
                            a.cache(), a.tier(), a.headers()), call));
                });
            }
        };
    }

    /** The answer's {@code x-switchboard-trace-id}, when the call is in a trace: where to find it in a collector. */
    static <T> Answer<T> withTraceId(Answer<T> a, ObservedCall call) {
        String traceId = call.traceId();
        return traceId == null ? a : a.withHeader(TRACE_ID_HEADER, traceId);
    }

    static final String TRACE_ID_HEADER = "x-switchboard-trace-id";

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
            call.streamEnded(MeteredStream.CLIENT_CLOSED, null);
        }
    }
}
