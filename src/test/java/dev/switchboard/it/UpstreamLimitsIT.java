package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A misbehaving upstream cannot take the gateway's memory or a core: a non-stream answer past 64 MiB and a
 * stream line past 16 MiB are refused with an upstream error naming the deployment, and the upstream
 * connection is reset instead of read to its end.
 */
class UpstreamLimitsIT {
    static final int MIB = 1 << 20;
    static Vertx upstreamVertx;
    static HttpServer upstream;
    static TestGateway gw;
    static final AtomicLong sent = new AtomicLong();
    static final AtomicBoolean cutOff = new AtomicBoolean();

    @BeforeAll
    static void start() {
        upstreamVertx = Vertx.vertx();
        upstream = TestGateway.await(upstreamVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            HttpServerResponse resp = req.response().setChunked(true).setStatusCode(200);
            req.connection().closeHandler(v -> cutOff.set(!resp.ended()));
            if (req.path().endsWith("/embeddings")) {
                resp.putHeader("content-type", "application/json");
                flood(resp, Buffer.buffer("{\"object\":\"list\",\"data\":[{\"embedding\":["), 200 * MIB, "0.1,");
            } else {
                resp.putHeader("content-type", "text/event-stream");
                flood(resp, Buffer.buffer("data: "), 100 * MIB, "a"); // no line end, ever
            }
        })).listen(0, "127.0.0.1"));
        gw = TestGateway.start("""
                model_list:
                  - model_name: flood
                    litellm_params: { model: openai/flood-model, api_base: "http://127.0.0.1:%d/v1", api_key: x }
                  - model_name: mock
                    litellm_params: { model: mock/mock-model }
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """.formatted(upstream.actualPort()));
    }

    /** Writes {@code filler} in 1 MiB pieces up to {@code total} bytes, as fast as the gateway takes them. */
    private static void flood(HttpServerResponse resp, Buffer first, long total, String filler) {
        Buffer piece = Buffer.buffer(filler.repeat(MIB / filler.length()));
        resp.write(first);
        Runnable[] more = new Runnable[1];
        more[0] = () -> {
            while (!resp.writeQueueFull() && !resp.closed() && sent.get() < total) {
                resp.write(piece);
                sent.addAndGet(piece.length());
            }
            if (resp.closed()) return;
            if (sent.get() >= total) resp.end();
            else resp.drainHandler(v -> more[0].run());
        };
        more[0].run();
    }

    @AfterAll
    static void stop() {
        gw.close();
        TestGateway.await(upstreamVertx.close());
    }

    @Test
    void aNonStreamAnswerPastTheCapIsA502AndTheUpstreamIsCutOff() {
        sent.set(0);
        cutOff.set(false);
        HttpResponse<String> r = Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY,
                "{\"model\":\"flood\",\"input\":\"a\",\"dimensions\":65536}"); // the flood upstream sends past 64 MiB whatever is asked
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(r.body()).contains("openai/flood-model").contains("larger than 64 MiB");
        assertThat(sent.get()).as("bytes the upstream got to write").isLessThan(200L * MIB);
        awaitCutOff();
        assertStillServing();
    }

    @Test
    void aStreamLinePastTheCapFailsTheStreamAndTheUpstreamIsCutOff() {
        sent.set(0);
        cutOff.set(false);
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"flood\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        // the over-long line is the stream's first event: nothing had reached the client, so it is the attempt's failure
        // (a 502 a fallback could have served; QA routing F1), not a 200 whose last event is the error
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(r.body()).contains("\"error\"").contains("openai/flood-model").contains("longer than 16 MiB")
                .doesNotContain("[DONE]");
        assertThat(sent.get()).isLessThan(100L * MIB);
        awaitCutOff();
        assertStillServing();
    }

    private static void awaitCutOff() {
        long deadline = System.currentTimeMillis() + 5000;
        while (!cutOff.get() && System.currentTimeMillis() < deadline) Thread.onSpinWait();
        assertThat(cutOff).as("the upstream connection was closed before its answer ended").isTrue();
    }

    private static void assertStillServing() {
        assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
    }
}
