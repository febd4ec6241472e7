package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.SelectStrategy;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.transport.Transport;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The opt-in polling epoll loops: when they poll, when they block, and that a server and client run on them. */
class SpinningEpollTest {
    private long now;

    @Test
    void pollsWithinTheWindowAfterActivityThenBlocks() throws Exception {
        SpinningEpoll.Strategy s = new SpinningEpoll.Strategy(50_000, () -> now);
        // idle from the start: nothing ready, no tasks -> block as Netty does
        assertThat(s.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.SELECT);
        // events ready: their count, to process them
        assertThat(s.calculateStrategy(() -> 3, false)).isEqualTo(3);
        now += 49_000; // within 50 us of them: poll again instead of blocking
        assertThat(s.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.CONTINUE);
        now += 2_000; // past the window
        assertThat(s.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.SELECT);
        // tasks waiting count as activity: the ready count (0) lets the loop run them, and the window restarts
        assertThat(s.calculateStrategy(() -> 0, true)).isEqualTo(0);
        now += 10_000;
        assertThat(s.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.CONTINUE);
    }

    @Test
    void offUnlessThePropertyIsSet() {
        assertThat(System.getProperty(SpinningEpoll.PROPERTY)).isNull();
        assertThat(SpinningEpoll.spinNanos()).isZero();
    }

    @Test
    void anHttpServerAndClientRunOnPollingLoops() throws Exception {
        assumeTrue(Transport.EPOLL.available(), "epoll not available here");
        Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1))
                .withTransport(SpinningEpoll.transport(200_000)).build();
        try {
            assertThat(VertxRuntime.transportName(vertx)).isEqualTo("epoll");
            assertThat(((io.vertx.core.internal.VertxInternal) vertx).transport())
                    .isInstanceOf(SpinningEpoll.SpinningEpollTransport.class);
            AtomicInteger served = new AtomicInteger();
            HttpServer server = vertx.createHttpServer().requestHandler(r -> {
                served.incrementAndGet();
                r.response().end("pong");
            }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
            var client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
            for (int i = 0; i < 20; i++) { // keep-alive: later requests come back while the loop is polling
                String body = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                        .compose(req -> req.send().compose(resp -> resp.body()))
                        .await(10, TimeUnit.SECONDS).toString();
                assertThat(body).isEqualTo("pong");
            }
            assertThat(served).hasValue(20);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
