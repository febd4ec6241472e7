package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests beyond the per-host connection limit wait in the pool's queue, and the gauge of queued requests shows them. */
class UpstreamQueueTest {
    Vertx vertx;
    HttpServer slow;
    /** Counted down when the first request reaches the server: from then on it holds the only connection. */
    final CountDownLatch received = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        // answers each request after 1 s, so a one-connection pool holds the others back meanwhile
        slow = vertx.createHttpServer().requestHandler(req -> {
            received.countDown();
            vertx.setTimer(1_000, t -> req.response().end("{}"));
        })
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void requestsWaitingForAConnectionAreCountedUntilTheyGetOne() throws Exception {
        UpstreamHttp http = new UpstreamHttp(vertx, 1);
        UpstreamHttp.Endpoint endpoint = UpstreamHttp.Endpoint.parse("http://127.0.0.1:" + slow.actualPort() + "/v1", "test/slow");
        assertThat(http.waitingForConnection()).isZero();
        List<Future<Buffer>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(http.send(endpoint, endpoint.pathFor("/chat/completions"), MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{}"),
                    Duration.ofSeconds(5), new CallOptions(Duration.ofSeconds(5))).compose(HttpClientResponse::body));
        }
        // not a fixed sleep: on a loaded machine the first connect took longer than one, and three were still waiting
        assertThat(received.await(5, TimeUnit.SECONDS)).as("the first request reached the server").isTrue();
        assertThat(http.waitingForConnection()).as("one request on the only connection, two waiting").isEqualTo(2);
        for (Future<Buffer> a : answers) a.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(http.waitingForConnection()).isZero();
        http.close();
    }
}
