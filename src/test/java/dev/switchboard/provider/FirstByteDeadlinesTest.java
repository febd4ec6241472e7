package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream's time to the answer's head, bounded by the event loop's deadline lists instead of a Vert.x timer per
 * request: a silent upstream is a 504 after the deployment's timeout, counted from each request's own start (not from
 * an earlier request's deadline), and a request answered in time is left alone.
 */
class FirstByteDeadlinesTest {
    Vertx vertx;
    HttpServer upstream;
    UpstreamHttp http;
    UpstreamHttp.Endpoint endpoint;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        // "/silent" never answers; "/slow/N" answers after N ms
        upstream = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/v1/whole")) { // BoundedBody's cases: one body, arriving in different ways
                req.response().end(BODY);
            } else if (req.path().equals("/v1/pieces")) { // a Content-Length, the body in three writes some time apart
                req.response().putHeader("content-length", Integer.toString(BODY.length())).write(BODY.substring(0, 10));
                vertx.setTimer(30, t -> req.response().write(BODY.substring(10, 500)));
                vertx.setTimer(60, t -> req.response().end(BODY.substring(500)));
            } else if (req.path().equals("/v1/chunked")) {
                req.response().setChunked(true).write(BODY.substring(0, 100));
                vertx.setTimer(30, t -> req.response().end(BODY.substring(100)));
            } else if (req.path().equals("/v1/empty")) {
                req.response().end();
            } else if (req.path().startsWith("/v1/slow/")) {
                vertx.setTimer(Long.parseLong(req.path().substring("/v1/slow/".length())), t -> req.response().end("{}"));
            } else if (req.path().equals("/v1/stall")) { // the head and a first piece of the body, then nothing
                req.response().setChunked(true).write("{\"a\":");
            } else if (req.path().startsWith("/v1/drip/")) { // a piece every N ms, 6 pieces: longer than the timeout in all
                long every = Long.parseLong(req.path().substring("/v1/drip/".length()));
                req.response().setChunked(true).write("[");
                int[] left = {5};
                vertx.setPeriodic(every, id -> {
                    if (--left[0] > 0) req.response().write("1,");
                    else { vertx.cancelTimer(id); req.response().end("1]"); }
                });
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        http = new UpstreamHttp(vertx, 16);
        endpoint = UpstreamHttp.Endpoint.parse("http://127.0.0.1:" + upstream.actualPort() + "/v1", "test/upstream");
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** Sends from an event loop, as the gateway does; completes with the elapsed milliseconds or the failure. */
    private CompletableFuture<Long> send(String path, long timeoutMillis) {
        return send(path, timeoutMillis, HttpClientResponse::body);
    }

    private CompletableFuture<Long> send(String path, long timeoutMillis,
                                         java.util.function.Function<HttpClientResponse, Future<Buffer>> body) {
        CompletableFuture<Long> out = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> {
            long t0 = System.nanoTime();
            http.send(endpoint, endpoint.pathFor(path), MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{}"),
                            Duration.ofMillis(timeoutMillis), new CallOptions(Duration.ofMillis(timeoutMillis)))
                    .compose(body)
                    .onComplete(ar -> {
                        if (ar.succeeded()) out.complete((System.nanoTime() - t0) / 1_000_000);
                        else out.completeExceptionally(ar.cause());
                    });
        });
        return out;
    }

    /** As {@link #send}, with the body read by {@link BoundedBody}, which bounds each silence inside it. */
    private CompletableFuture<Long> read(String path, long timeoutMillis) {
        return send(path, timeoutMillis, resp -> BoundedBody.read(resp, endpoint));
    }

    static final String BODY = "{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"" + "abc".repeat(300) + "\"}}]}";

    /** The body {@link BoundedBody} read; its bytes are exactly the body (what UpstreamAnswers scrubs in place). */
    private String body(String path) throws Exception {
        CompletableFuture<Buffer> out = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> http.send(endpoint, endpoint.pathFor(path), MultiMap.caseInsensitiveMultiMap(),
                        Buffer.buffer("{}"), Duration.ofSeconds(5), new CallOptions(Duration.ofSeconds(5)))
                .compose(resp -> BoundedBody.read(resp, endpoint))
                .onComplete(ar -> {
                    if (ar.succeeded()) out.complete(ar.result());
                    else out.completeExceptionally(ar.cause());
                }));
        Buffer b = out.get(10, TimeUnit.SECONDS);
        assertThat(UpstreamAnswers.exactBytes(b)).hasSize(b.length());
        return b.toString();
    }

    /**
     * BoundedBody reads the same bytes however the body arrives: whole in one piece with a Content-Length (kept as the
     * piece came, not copied), in several pieces with a Content-Length, chunked without one, and empty.
     */
    @Test
    void aBodyIsReadTheSameHoweverItArrives() throws Exception {
        assertThat(body("/whole")).isEqualTo(BODY);
        assertThat(body("/pieces")).isEqualTo(BODY);
        assertThat(body("/chunked")).isEqualTo(BODY);
        assertThat(body("/empty")).isEmpty();
    }

    private static Throwable failure(CompletableFuture<Long> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    /** The call started by {@code call} fails as the upstream's timeout (504), about 300 ms after it started. */
    private static void assertTimesOutAfter300Ms(Supplier<CompletableFuture<Long>> call) throws Exception {
        long t0 = System.nanoTime();
        Throwable t = failure(call.get());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(t).isInstanceOf(GatewayException.class);
        assertThat(((GatewayException) t).kind()).as(t.getMessage()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(ms).isBetween(290L, 3_000L);
    }

    @Test
    void aSilentUpstreamIsATimeoutAfterTheDeploymentsTimeout() throws Exception {
        assertTimesOutAfter300Ms(() -> send("/silent", 300));
    }

    @Test
    void eachRequestGetsItsWholeTimeoutEvenAfterAnEarlierOneLeftTheList() throws Exception {
        CompletableFuture<Long> answered = send("/slow/100", 400); // leaves the list at ~100 ms; the timer stays set for ~400
        Thread.sleep(250);
        long t0 = System.nanoTime();
        CompletableFuture<Long> silent = send("/silent", 400);     // due at ~650 ms: the timer, firing at 400, must re-arm
        assertThat(answered.get(5, TimeUnit.SECONDS)).isLessThan(400L);
        assertThat(failure(silent)).isInstanceOf(GatewayException.class);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("the silent request's own 400 ms").isGreaterThanOrEqualTo(390L);
    }

    @Test
    void requestsAnsweredInTimeAndDifferentTimeoutsAreLeftAlone() throws Exception {
        CompletableFuture<Long> a = send("/slow/200", 600);
        CompletableFuture<Long> b = send("/slow/50", 300);
        CompletableFuture<Long> c = send("/silent", 250);
        assertThat(a.get(5, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(190L);
        assertThat(b.get(5, TimeUnit.SECONDS)).isLessThan(300L);
        assertThat(failure(c)).isInstanceOf(GatewayException.class);
        // a later request on the same lists still works both ways
        assertThat(send("/slow/10", 300).get(5, TimeUnit.SECONDS)).isLessThan(300L);
        assertThat(failure(send("/silent", 100))).isInstanceOf(GatewayException.class);
    }

    @Test
    void anUpstreamSilentInsideItsBodyIsATimeoutToo() throws Exception {
        assertTimesOutAfter300Ms(() -> read("/stall", 300));
    }

    @Test
    void aBodyThatKeepsComingIsNotCutByTheTimeoutBetweenReads() throws Exception {
        // six pieces 150 ms apart: 750 ms in all, each gap well inside the 400 ms timeout
        assertThat(read("/drip/150", 400).get(5, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(700L);
    }
}
