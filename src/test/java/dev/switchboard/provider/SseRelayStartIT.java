package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.GatewayException;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay does not pause the upstream before {@link SseRelay#start}: body bytes (and the end) that arrive before it
 * are held and handed over first, in order, as the pause up front held them. Through real sockets: the relay is made
 * in the head's callback and started at once (the gateway's case), after the whole body arrived, after an empty body
 * ended, and with a client that is slow while the held bytes are handed over.
 */
class SseRelayStartIT {
    static final int EVENTS = 30;
    Vertx vertx;
    HttpServer server;

    static String event(int i) { return "data: {\"i\":" + i + ",\"text\":\"" + "w".repeat(40 + i) + "\"}\n\n"; }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> {
            HttpServerResponse resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            if (req.path().endsWith("/empty")) {
                resp.end();
                return;
            }
            if (req.path().endsWith("/apart")) { // a first piece, the rest 100 ms later
                resp.write(event(0));
                vertx.setTimer(100, t -> {
                    for (int i = 1; i < EVENTS; i++) resp.write(event(i));
                    resp.end("data: [DONE]\n\n");
                });
                return;
            }
            for (int i = 0; i < EVENTS; i++) resp.write(Buffer.buffer(event(i)));
            resp.end("data: [DONE]\n\n");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** A relay that notes each event's data and ends at [DONE]; the stream is complete only with it. */
    static class Relay extends SseRelay {
        final List<String> events = new ArrayList<>();
        /** Thrown by the decoding of the event at {@link #throwAt} (a decoder's bug), or null. */
        Throwable toThrow;
        int throwAt = -1;

        Relay(HttpClientResponse upstream, UpstreamHttp.Endpoint endpoint) { super(upstream, endpoint, KeyScrubber.NONE); }

        @Override
        protected void onEvent(String event, byte[] data) {
            String d = new String(data, StandardCharsets.UTF_8);
            if (d.equals("[DONE]")) {
                finish();
                return;
            }
            if (events.size() == throwAt) {
                if (toThrow instanceof Error e) throw e;
                throw (RuntimeException) toThrow;
            }
            events.add(d);
        }

        @Override
        protected boolean completeAtEndOfBody() { return false; }
    }

    /** What the sink saw: the end (null) or the failure, the relay's events, and how often it was flushed. */
    record Outcome(String failure, List<String> events, int flushes) {}

    /**
     * @param startAfterMs start the relay this long after the head arrived (0: at once, in the head's callback)
     * @param slowFor      the sink says its queue is full for this many reads (the client is slow)
     */
    Outcome relay(String path, long startAfterMs, int slowFor) throws Exception { return relay(path, startAfterMs, slowFor, null); }

    /** @param toThrow thrown by the decoding of the fourth event, or null */
    Outcome relay(String path, long startAfterMs, int slowFor, Throwable toThrow) throws Exception {
        UpstreamHttp http = new UpstreamHttp(vertx, 4);
        UpstreamHttp.Endpoint endpoint = UpstreamHttp.Endpoint.parse("http://127.0.0.1:" + server.actualPort() + "/v1", "test/start");
        Promise<Outcome> done = Promise.promise();
        vertx.runOnContext(v -> http.send(endpoint, endpoint.pathFor(path), MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{}"),
                Duration.ofSeconds(5), new CallOptions(Duration.ofSeconds(5))).onComplete(ar -> {
            if (ar.failed()) {
                done.fail(ar.cause());
                return;
            }
            Relay relay = new Relay(ar.result(), endpoint);
            if (toThrow != null) {
                relay.toThrow = toThrow;
                relay.throwAt = 3;
            }
            int[] flushes = {0};
            int[] full = {slowFor};
            ChunkSink sink = new ChunkSink() {
                @Override public void chunk(ChatChunk chunk) { }
                @Override public void flush() { flushes[0]++; }
                @Override public void end() { done.tryComplete(new Outcome(null, relay.events, flushes[0])); }
                @Override public void fail(GatewayException error) {
                    done.tryComplete(new Outcome(error.getMessage(), relay.events, flushes[0]));
                }
                @Override public boolean writeQueueFull() { return full[0] > 0; }
                @Override public void drainHandler(Runnable onDrain) {
                    vertx.setTimer(30, t -> { // the client catches up a little later
                        full[0]--;
                        onDrain.run();
                    });
                }
            };
            if (startAfterMs == 0) relay.start(sink);
            else vertx.setTimer(startAfterMs, t -> relay.start(sink));
        }));
        Outcome o = done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        http.close();
        return o;
    }

    static List<String> expected() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String e = event(i);
            out.add(e.substring("data: ".length(), e.length() - 2));
        }
        return out;
    }

    @Test
    void startedInTheHeadsCallbackEveryEventArrivesInOrder() throws Exception {
        Outcome o = relay("/chat/completions", 0, 0);
        assertThat(o.failure()).isNull();
        assertThat(o.events()).isEqualTo(expected());
    }

    @Test
    void aBodyThatArrivedBeforeStartIsHandedOverFirstAndWhole() throws Exception {
        for (int round = 0; round < 5; round++) {
            Outcome o = relay("/chat/completions", 80, 0);
            assertThat(o.failure()).isNull();
            assertThat(o.events()).isEqualTo(expected());
        }
    }

    @Test
    void aPieceBeforeStartAndTheRestLaterArriveInOrder() throws Exception {
        Outcome o = relay("/apart", 50, 0);
        assertThat(o.failure()).isNull();
        assertThat(o.events()).isEqualTo(expected());
        assertThat(o.flushes()).as("the held piece went out before the rest came").isGreaterThanOrEqualTo(1);
    }

    @Test
    void aSlowClientWhileTheHeldBytesAreHandedOverStillGetsEverythingInOrder() throws Exception {
        Outcome o = relay("/apart", 50, 2);
        assertThat(o.failure()).isNull();
        assertThat(o.events()).isEqualTo(expected());
    }

    @Test
    void anEmptyBodyThatEndedBeforeStartIsACutStream() throws Exception {
        Outcome o = relay("/empty", 80, 0);
        assertThat(o.failure()).contains("ended the stream before it was complete");
        assertThat(o.events()).isEmpty();
    }

    /**
     * A decoder that throws on one event, a {@code RuntimeException} or an {@code Error} (a bug of ours, say a recursion
     * too deep): the stream fails at once (the client gets an error event, never a clean end, and the call settles), it
     * does not hang. Before, an {@code Error} left the body handler for Vert.x's log and the stream was never ended.
     */
    @Test
    void aDecoderThatThrowsOnAnEventFailsTheStreamRatherThanLeavingItOpen() throws Exception {
        for (Throwable t : new Throwable[] {new IllegalStateException("decoder bug"), new StackOverflowError(), new AssertionError("x")}) {
            for (long startAfter : new long[] {0, 80}) {
                Outcome o = relay("/chat/completions", startAfter, 0, t);
                assertThat(o.failure()).as(t + ", started after " + startAfter + " ms").isNotNull().contains("stopped reading the stream");
                assertThat(o.events()).hasSize(3);
            }
        }
    }
    /**
     * A throw while the first event is awaited (here the shape check, a subclass's code): a RuntimeException is the
     * upstream's unreadable frame (a 502 the router may retry); an Error is the gateway's own bug, and the attempt fails
     * with that Error itself, which the router neither retries nor falls back on (FailurePolicy's GATEWAY_BUG).
     */
    @Test
    void aThrowWhileTheFirstEventIsAwaitedIsAnUpstreamFaultOnlyWhenItIsNoError() throws Exception {
        for (Throwable t : new Throwable[] {new IllegalStateException("shape bug"), new AssertionError("ours")}) {
            UpstreamHttp http = new UpstreamHttp(vertx, 4);
            UpstreamHttp.Endpoint endpoint = UpstreamHttp.Endpoint.parse("http://127.0.0.1:" + server.actualPort() + "/v1", "test/start");
            Promise<Throwable> told = Promise.promise();
            vertx.runOnContext(v -> http.send(endpoint, endpoint.pathFor("/chat/completions"), MultiMap.caseInsensitiveMultiMap(),
                    Buffer.buffer("{}"), Duration.ofSeconds(5), new CallOptions(Duration.ofSeconds(5))).onComplete(ar -> {
                Relay relay = new Relay(ar.result(), endpoint) {
                    @Override protected String firstEventShape(String event, byte[] data, int offset, int length) {
                        if (t instanceof Error e) throw e;
                        throw (RuntimeException) t;
                    }
                };
                relay.forRequest("req_peek").awaitFirstEvent(e -> told.tryComplete(e));
            }));
            Throwable e = told.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            http.close();
            if (t instanceof Error) assertThat(e).isSameAs(t);
            else assertThat(e).isInstanceOf(GatewayException.class).hasMessageContaining("could not be read");
        }
    }
}
