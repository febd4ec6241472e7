package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BoundedBody} reads the same bytes however the body arrives: whole in one piece with a Content-Length (kept as
 * the piece came, not copied), in several pieces with a Content-Length, chunked without one, and empty.
 */
class BoundedBodyTest {
    static final String BODY = "{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"" + "abc".repeat(300) + "\"}}]}";

    Vertx vertx;
    HttpServer upstream;
    UpstreamHttp http;
    UpstreamHttp.Endpoint endpoint;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(req -> {
            var resp = req.response();
            switch (req.path()) {
                case "/v1/whole" -> resp.end(BODY);
                case "/v1/pieces" -> { // a Content-Length, the body in three writes some time apart
                    resp.putHeader("content-length", Integer.toString(BODY.length()));
                    resp.write(BODY.substring(0, 10));
                    vertx.setTimer(30, t -> resp.write(BODY.substring(10, 500)));
                    vertx.setTimer(60, t -> resp.end(BODY.substring(500)));
                }
                case "/v1/chunked" -> {
                    resp.setChunked(true).write(BODY.substring(0, 100));
                    vertx.setTimer(30, t -> resp.end(BODY.substring(100)));
                }
                default -> resp.end();
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

    private String read(String path) throws Exception {
        CompletableFuture<Buffer> out = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> http.send(endpoint, endpoint.pathFor(path), MultiMap.caseInsensitiveMultiMap(),
                        Buffer.buffer("{}"), Duration.ofSeconds(5), new CallOptions(Duration.ofSeconds(5)))
                .compose(resp -> BoundedBody.read(resp, endpoint))
                .onComplete(ar -> {
                    if (ar.succeeded()) out.complete(ar.result());
                    else out.completeExceptionally(ar.cause());
                }));
        Buffer b = out.get(10, TimeUnit.SECONDS);
        // what UpstreamAnswers reads and scrubs in place: the body's bytes, exactly
        assertThat(UpstreamAnswers.exactBytes(b)).hasSize(b.length());
        return b.toString();
    }

    @Test
    void aWholeBodyInOnePiece() throws Exception {
        assertThat(read("/whole")).isEqualTo(BODY);
    }

    @Test
    void aBodyWithALengthInSeveralPieces() throws Exception {
        assertThat(read("/pieces")).isEqualTo(BODY);
    }

    @Test
    void aChunkedBody() throws Exception {
        assertThat(read("/chunked")).isEqualTo(BODY);
    }

    @Test
    void anEmptyBody() throws Exception {
        assertThat(read("/empty")).isEmpty();
    }
}
