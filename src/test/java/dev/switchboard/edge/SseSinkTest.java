package dev.switchboard.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.RelayedEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sink's batches are pooled direct memory that Vert.x writes without releasing: every batch must be given back,
 * after a write, with the stream's end, and when the client left before its bytes could go, and the bytes written must
 * be the events in order.
 */
class SseSinkTest {
    private Vertx vertx;
    private HttpServer server;
    private final List<PooledBatch> batches = new CopyOnWriteArrayList<>();
    private volatile Consumer<HttpServerResponse> behaviour;

    private static final StreamEncoder ENCODER = new StreamEncoder() {
        @Override public Buffer chunk(ChatChunk chunk) { return Buffer.buffer("data: chunk\n\n"); }
        @Override public boolean relays(String dialect) { return true; }
        @Override public Buffer end() { return Buffer.buffer("data: [DONE]\n\n"); }
        @Override public Buffer error(GatewayException e) { return Buffer.buffer("data: {\"error\":1}\n\n"); }
    };

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> {
            HttpServerResponse resp = req.response().setChunked(true);
            behaviour.accept(resp);
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private SseSink sink(HttpServerResponse resp) {
        return new SseSink(resp, ENCODER, hint -> {
            PooledBatch b = PooledBatch.of(hint);
            batches.add(b);
            return b;
        });
    }

    private static RelayedEvent event(String data) {
        byte[] b = ("xx" + data + "yy").getBytes(StandardCharsets.UTF_8); // a range inside a larger array, as relayed
        return new RelayedEvent(RelayedEvent.OPENAI_CHAT, null, b, 2, b.length - 4, null, null, null, 0, -1, -1, () -> null);
    }

    @Test
    void everyRoundIsWrittenInOrderAndItsBatchReleased() throws Exception {
        behaviour = resp -> {
            SseSink sink = sink(resp);
            sink.relayed(event("{\"n\":1}"));
            sink.relayed(event("{\"n\":2}"));
            sink.flush(); // on the event loop: queued behind this turn's work
            vertx.setTimer(20, t -> {
                sink.chunk(null);
                sink.flush();
                vertx.setTimer(20, t2 -> {
                    sink.relayed(event("{\"n\":3}"));
                    sink.end(); // takes what is pending along with [DONE]
                });
            });
        };
        String body = get();
        assertThat(body).endsWith("data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: chunk\n\ndata: {\"n\":3}\n\ndata: [DONE]\n\n");
        assertThat(batches).hasSize(3);
        awaitReleased();
    }

    @Test
    void aFailedStreamEndsWithTheErrorEventAndReleasesItsBatch() throws Exception {
        behaviour = resp -> {
            SseSink sink = sink(resp);
            sink.relayed(event("{\"n\":1}"));
            sink.fail(GatewayException.of(ErrorKind.UPSTREAM, "cut"));
        };
        assertThat(get()).endsWith("data: {\"n\":1}\n\ndata: {\"error\":1}\n\n");
        assertThat(batches).hasSize(1);
        awaitReleased();
    }

    @Test
    void whatIsPendingWhenTheClientLeavesIsReleased() throws Exception {
        CompletableFuture<Void> left = new CompletableFuture<>();
        behaviour = resp -> {
            SseSink sink = sink(resp);
            sink.relayed(event("{\"n\":1}"));
            sink.flush();
            resp.closeHandler(v -> {
                // the producer has not heard yet: a read in flight brings more, then the stream ends or fails
                sink.relayed(event("{\"n\":2}"));
                sink.flush();
                sink.end();
                sink.fail(GatewayException.of(ErrorKind.UPSTREAM, "late"));
                left.complete(null);
            });
        };
        try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("{\"n\":1}")) {
                int n = in.read(buf);
                if (n < 0) break;
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            assertThat(seen.toString()).contains("data: {\"n\":1}");
        }
        left.get(10, TimeUnit.SECONDS);
        awaitReleased();
    }

    private String get() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String raw = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return dechunk(raw.substring(raw.indexOf("\r\n\r\n") + 4));
        }
    }

    /** The body of a chunked HTTP/1.1 answer. */
    private static String dechunk(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int eol = s.indexOf("\r\n", i);
            int n = Integer.parseInt(s.substring(i, eol).trim(), 16);
            if (n == 0) break;
            out.append(s, eol + 2, eol + 2 + n);
            i = eol + 2 + n + 2;
        }
        return out.toString();
    }

    private void awaitReleased() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until && !batches.stream().allMatch(PooledBatch::released)) Thread.sleep(5);
        assertThat(batches).allMatch(PooledBatch::released);
    }
}
