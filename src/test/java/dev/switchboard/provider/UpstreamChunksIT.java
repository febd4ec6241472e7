package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Through real sockets: an upstream that writes a stream's events as chunks of their own, all at once (as the simulator
 * and fast servers do), reaches the body handler in fewer pieces than chunks, whole and in order; one whose events come
 * apart in time reaches it one piece an event, each when it arrives.
 */
class UpstreamChunksIT {
    static final int EVENTS = 11;
    Vertx vertx;
    HttpServer server;

    static String event(int i) { return "data: {\"i\":" + i + ",\"text\":\"" + "w".repeat(40 + i) + "\"}\n\n"; }

    /** When the slow answer's events were written (System.nanoTime), to line each arrival up with the next send. */
    final long[] slowSent = new long[3];

    /** Event {@code i}, then the next 100 ms after it was written (a chain, not a periodic: a late tick is not caught up). */
    private void sendSlowly(HttpServerResponse resp, int i) {
        vertx.setTimer(100, id -> {
            if (i == slowSent.length) {
                resp.end();
                return;
            }
            slowSent[i] = System.nanoTime();
            resp.write(event(i));
            sendSlowly(resp, i + 1);
        });
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> {
            HttpServerResponse resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            if (req.path().endsWith("/slow")) {
                sendSlowly(resp, 0);
                return;
            }
            for (int i = 0; i < EVENTS; i++) resp.write(Buffer.buffer(event(i)));
            resp.end();
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** The body's pieces as the handler saw them: their count and their bytes. */
    record Read(int pieces, String body, long[] arrivals) {}

    Read read(UpstreamHttp http, UpstreamHttp.Endpoint endpoint, String path) throws Exception {
        Promise<Read> done = Promise.promise();
        vertx.runOnContext(v -> http.send(endpoint, endpoint.pathFor(path), MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{}"),
                Duration.ofSeconds(5), new CallOptions(Duration.ofSeconds(5))).onComplete(ar -> {
            if (ar.failed()) {
                done.fail(ar.cause());
                return;
            }
            AtomicInteger pieces = new AtomicInteger();
            Buffer body = Buffer.buffer();
            long[] arrivals = new long[64];
            ar.result().handler(b -> {
                arrivals[Math.min(pieces.get(), 63)] = System.nanoTime();
                pieces.incrementAndGet();
                body.appendBuffer(b);
            });
            ar.result().endHandler(e -> done.complete(new Read(pieces.get(), body.toString(), arrivals)));
            ar.result().exceptionHandler(done::tryFail);
        }));
        return done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void eventsWrittenTogetherReachTheHandlerInFewerPiecesWholeAndInOrder() throws Exception {
        UpstreamHttp http = new UpstreamHttp(vertx, 4);
        UpstreamHttp.Endpoint endpoint = UpstreamHttp.Endpoint.parse("http://127.0.0.1:" + server.actualPort() + "/v1", "test/chunks");
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < EVENTS; i++) expected.append(event(i));
        int pieces = 0;
        int streams = 20;
        for (int s = 0; s < streams; s++) { // on pooled connections: the handler stays on each, no state crosses answers
            Read r = read(http, endpoint, "/chat/completions");
            assertThat(r.body()).isEqualTo(expected.toString());
            pieces += r.pieces();
        }
        // one piece per chunk without the handler; with it, about one per read (the server flushes the stream at once)
        assertThat(pieces).as("pieces for %d streams of %d chunks", streams, EVENTS).isLessThan(streams * EVENTS / 2);
        http.close();
    }

    @Test
    void eventsThatComeApartReachTheHandlerEachWhenItArrives() throws Exception {
        UpstreamHttp http = new UpstreamHttp(vertx, 4);
        UpstreamHttp.Endpoint endpoint = UpstreamHttp.Endpoint.parse("http://127.0.0.1:" + server.actualPort() + "/v1", "test/chunks");
        Read r = read(http, endpoint, "/slow");
        assertThat(r.body()).isEqualTo(event(0) + event(1) + event(2));
        assertThat(r.pieces()).isEqualTo(3);
        // held for nothing: each piece reached the handler before the upstream had even written the next one (a gap
        // measured between arrivals failed under load when one of the server's ticks ran late)
        assertThat(r.arrivals()[0]).as("the first piece arrived before the second was sent").isLessThan(slowSent[1]);
        assertThat(r.arrivals()[1]).as("the second piece arrived before the third was sent").isLessThan(slowSent[2]);
        http.close();
    }
}
