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

    /**
     * The per-host in-flight counter is kept on the endpoint (cross-merge review, fortieth session: a HostKey and a map
     * lookup on every attempt): one counter per host and client, shared by two deployments on that host, another
     * client's its own.
     */
    @Test
    void theInFlightCounterIsTheHostsPerClientAndKeptOnTheEndpoint() {
        UpstreamHttp http = new UpstreamHttp(vertx, 1);
        UpstreamHttp other = new UpstreamHttp(vertx, 1);
        UpstreamHttp.Endpoint a = UpstreamHttp.Endpoint.parse("http://127.0.0.1:" + slow.actualPort() + "/v1", "test/a");
        UpstreamHttp.Endpoint b = UpstreamHttp.Endpoint.parse("http://127.0.0.1:" + slow.actualPort() + "/v2", "test/b");
        var counter = a.busy(http);
        assertThat(a.busy(http)).isSameAs(counter);
        assertThat(b.busy(http)).isSameAs(counter);
        assertThat(a.busy(other)).isNotSameAs(counter);
        assertThat(a.busy(http)).isSameAs(counter); // back to the first client: its own counter again
        assertThat(a).isEqualTo(UpstreamHttp.Endpoint.parse("http://127.0.0.1:" + slow.actualPort() + "/v1", "test/a"));
        http.close();
        other.close();
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

    @Test
    void aRequestThatWaitedForAFreeConnectionIsLoggedAsTheLimitReached() throws Exception {
        // answers after 1.5 s: the second request waits that long for the only connection to come back
        HttpServer slower = vertx.createHttpServer().requestHandler(req -> vertx.setTimer(1_500, t -> req.response().end("{}")))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(theWaitLineOfTwoCallsOnOneConnection(slower, "slower"))
                .startsWith("WARN an upstream request waited ")
                .contains("for a free connection to test/slower (http://127.0.0.1:")
                .contains("the per-host limit is reached")
                .contains("general_settings.upstream_max_connections_per_host = 1")
                .doesNotContain("connecting");
    }

    @Test
    void aCallThatWaitedAtTheLimitIsLoggedAsSuchEvenWhenThePoolOpenedANewConnectionForIt() throws Exception {
        // the upstream closes each connection after its answer (Connection: close): Vert.x's pool opens a new one for
        // the call that waited, which had carried no request, yet the wait was for the first call to end
        HttpServer closing = vertx.createHttpServer().requestHandler(req -> vertx.setTimer(1_500,
                        t -> req.response().putHeader("connection", "close").end("{}")))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(theWaitLineOfTwoCallsOnOneConnection(closing, "closing"))
                .contains("for a free connection to test/closing")
                .contains("the per-host limit is reached")
                .doesNotContain("connecting was slow");
    }

    /** Two calls at once on a pool of one connection to {@code server}: the one WARN line about a wait they log. */
    private String theWaitLineOfTwoCallsOnOneConnection(HttpServer server, String name) throws Exception {
        UpstreamHttp http = new UpstreamHttp(vertx, 1);
        UpstreamHttp.Endpoint endpoint = UpstreamHttp.Endpoint.parse("http://127.0.0.1:" + server.actualPort() + "/v1", "test/" + name);
        try (var log = dev.switchboard.support.LogCapture.of(UpstreamHttp.class.getName())) {
            List<Future<Buffer>> answers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                answers.add(http.send(endpoint, endpoint.pathFor("/chat/completions"), MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{}"),
                        Duration.ofSeconds(5), new CallOptions(Duration.ofSeconds(5))).compose(HttpClientResponse::body));
            }
            for (Future<Buffer> a : answers) a.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            List<String> waits = log.lines().stream().filter(l -> l.contains("waited")).toList();
            assertThat(waits).hasSize(1);
            return waits.get(0);
        } finally {
            http.close();
        }
    }

    @Test
    void anHttp2CallThatWaitedForAFreeStreamIsLoggedAsTheLimitNotASlowConnect() throws Exception {
        // a server allowing one stream per connection, one HTTP/2 connection per host, two calls on a cold pool: both wait
        // for the one connection to open, the first gets its stream, the second waits for that call to end
        io.vertx.core.net.SelfSignedCertificate cert = io.vertx.core.net.SelfSignedCertificate.create("localhost");
        try {
            HttpServer oneStream = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true).setUseAlpn(true)
                            .setKeyCertOptions(cert.keyCertOptions())
                            .setInitialSettings(new io.vertx.core.http.Http2Settings().setMaxConcurrentStreams(1)))
                    .requestHandler(req -> vertx.setTimer(1_500, t -> req.response().end("{}")))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            UpstreamHttp http = new UpstreamHttp(vertx, new dev.switchboard.config.UpstreamSettings(8, true, 1, 256, cert.certificatePath()),
                    dev.switchboard.model.BufferBudget.unbounded(), KeyScrubber.NONE);
            UpstreamHttp.Endpoint endpoint = UpstreamHttp.Endpoint.parse("https://localhost:" + oneStream.actualPort() + "/v1", "test/h2");
            try (var log = dev.switchboard.support.LogCapture.of(UpstreamHttp.class.getName())) {
                List<io.vertx.core.http.HttpVersion> versions = java.util.Collections.synchronizedList(new ArrayList<>());
                List<Future<Buffer>> answers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    answers.add(http.send(endpoint, endpoint.pathFor("/chat/completions"), MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{}"),
                            Duration.ofSeconds(5), new CallOptions(Duration.ofSeconds(5))).compose(resp -> {
                                versions.add(resp.version());
                                return resp.body();
                            }));
                }
                for (Future<Buffer> a : answers) a.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertThat(versions).containsOnly(io.vertx.core.http.HttpVersion.HTTP_2);
                assertThat(log.lines()).filteredOn(l -> l.contains("waited")).singleElement().asString()
                        .contains("for a free connection to test/h2")
                        .contains("HTTP/2: general_settings.upstream_http2_connections_per_host = 1")
                    .doesNotContain("connecting was slow");
            }
            http.close();
        } finally {
            cert.delete();
        }
    }

    @Test
    void aWaitForANewConnectionSaysConnectingWasSlowNotTheLimit() {
        ConnectionWaits waits = new ConnectionWaits(new dev.switchboard.config.UpstreamSettings(2048, true, 32, 256, null));
        String connect = waits.message("openai/gpt-4o (http://10.0.0.5:8000)", 1_350, 359, true, false);
        assertThat(connect).startsWith("an upstream request waited 1350 ms for a new connection to openai/gpt-4o (http://10.0.0.5:8000) to open (359 waiting now")
                .contains("connecting was slow, the per-host limit was not reached")
                .contains("raising general_settings.upstream_max_connections_per_host (2048) would not help")
                .doesNotContain("raise them");
        assertThat(waits.message("openai/gpt-4o (http://10.0.0.5:8000)", 1_350, 359, false, false))
                .contains("the per-host limit is reached").contains("HTTP/1.1: general_settings.upstream_max_connections_per_host = 2048")
                .doesNotContain("http2");
        // each line names the setting of the protocol the connection spoke
        assertThat(waits.message("openai/gpt-4o (https://api.openai.com:443)", 1_350, 359, true, true))
                .contains("raising general_settings.upstream_http2_connections_per_host (32) would not help")
                .doesNotContain("upstream_max_connections_per_host");
        assertThat(waits.message("openai/gpt-4o (https://api.openai.com:443)", 1_350, 359, false, true))
                .contains("HTTP/2: general_settings.upstream_http2_connections_per_host = 32 x upstream_http2_streams_per_connection = 256")
                .doesNotContain("upstream_max_connections_per_host");
    }

    @Test
    void aConnectStormDoesNotSilenceALimitReachedLater() {
        ConnectionWaits waits = new ConnectionWaits(new dev.switchboard.config.UpstreamSettings(4, true, 32, 256, null));
        try (var log = dev.switchboard.support.LogCapture.of(UpstreamHttp.class.getName())) {
            waits.waited("test/a (http://127.0.0.1:1)", 2_000_000_000L, 10, true, false);
            waits.waited("test/a (http://127.0.0.1:1)", 2_000_000_000L, 9, true, false);  // within the minute: not again
            waits.waited("test/a (http://127.0.0.1:1)", 900_000_000L, 9, false, false);   // under a second: not a wait worth a line
            waits.waited("test/a (http://127.0.0.1:1)", 1_500_000_000L, 3, false, false); // the other kind: said
            assertThat(log.lines()).hasSize(2);
            assertThat(log.lines().get(0)).contains("waited 2000 ms for a new connection");
            assertThat(log.lines().get(1)).contains("waited 1500 ms for a free connection").contains("(3 waiting now");
        }
    }
}
