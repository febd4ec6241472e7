package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.RawHttp;
import dev.switchboard.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bound on bytes buffered across requests ({@code general_settings.max_buffered_mb}): a burst of large upstream
 * answers that together exceed it gets some 503s naming the cause, never an out-of-memory error, and the gateway
 * serves normally right after; stalled request bodies count against the same bound.
 */
class MemoryBoundIT {
    static final int MIB = 1 << 20;
    /** Each answer is 12 MiB of JSON, sent over about half a second, so a burst's answers are buffered at once. */
    static final int ANSWER_MIB = 12;
    static Vertx upstreamVertx;
    static HttpServer upstream;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        upstreamVertx = Vertx.vertx();
        upstream = TestGateway.await(upstreamVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            HttpServerResponse resp = req.response().setChunked(true).putHeader("content-type", "application/json");
            String head = "{\"id\":\"chatcmpl-big\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"big\",\"choices\":"
                    + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"";
            String tail = "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
            resp.write(head);
            Buffer piece = Buffer.buffer("a".repeat(MIB));
            int[] left = {ANSWER_MIB};
            upstreamVertx.setPeriodic(40, id -> {
                if (resp.closed()) {
                    upstreamVertx.cancelTimer(id);
                    return;
                }
                if (left[0]-- > 0) {
                    resp.write(piece);
                    return;
                }
                upstreamVertx.cancelTimer(id);
                resp.end(tail);
            });
        })).listen(0, "127.0.0.1"));
        gw = TestGateway.start("""
                model_list:
                  - model_name: big
                    litellm_params: { model: openai/big, api_base: "http://127.0.0.1:%d/v1", api_key: x, timeout: 30 }
                  - model_name: mock
                    litellm_params: { model: mock/m }
                router_settings:
                  num_retries: 0
                general_settings:
                  max_buffered_mb: 40
                  max_request_size_mb: 30
                """.formatted(upstream.actualPort()));
    }

    @AfterAll
    static void stop() {
        gw.close();
        TestGateway.await(upstreamVertx.close());
    }

    static final String BIG = "{\"model\":\"big\",\"messages\":[{\"role\":\"user\",\"content\":\"a lot please\"}]}";

    @Test
    void aBurstOfLargeAnswersOverTheBoundGetsClear503sAndTheGatewayStaysHealthy() throws Exception {
        assertThat(gw.gateway.buffers().limit()).isEqualTo(40L * MIB);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<HttpResponse<String>>> burst = new ArrayList<>();
        try (LogCapture log = LogCapture.of("dev.switchboard")) {
            for (int i = 0; i < 10; i++) burst.add(pool.submit(() -> Http.post(gw.v1() + "/chat/completions", null, BIG)));
            int ok = 0;
            int refused = 0;
            for (Future<HttpResponse<String>> f : burst) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                if (r.statusCode() == 200) {
                    ok++;
                    assertThat(new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                            .getString("content")).hasSize(ANSWER_MIB * MIB);
                } else {
                    refused++;
                    assertThat(r.statusCode()).isEqualTo(503);
                    JsonObject e = new JsonObject(r.body()).getJsonObject("error");
                    assertThat(e.getString("code")).isEqualTo("gateway_memory_bound");
                    assertThat(e.getString("message")).contains("max_buffered_mb").contains("40 MiB");
                }
            }
            // 40 MiB hold three 12 MiB answers at a time: ten at once cannot all be read, some must be
            assertThat(refused).isPositive();
            assertThat(ok).isPositive();
            assertThat(log.lines()).noneMatch(l -> l.startsWith("ERROR"));
            // the gateway's own bound says nothing about the deployment: no cooldown for it
            assertThat(log.lines()).noneMatch(l -> l.contains("cooling down"));
        } finally {
            pool.shutdownNow();
        }
        assertThat(gw.gateway.buffers().held()).as("every buffer released").isZero();
        assertThat(Http.post(gw.v1() + "/chat/completions", null, BIG).statusCode()).isEqualTo(200);
        assertThat(Http.post(gw.v1() + "/chat/completions", null,
                "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
    }

    @Test
    void stalledRequestBodiesCountAgainstTheSameBound() throws Exception {
        byte[] part = ("{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "b".repeat(15 * MIB))
                .getBytes(StandardCharsets.US_ASCII);
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (18 * MIB) + "\r\n\r\n";
        List<Socket> held = new ArrayList<>();
        try {
            // two uploads of 15 MiB so far, each stalled before its end; past their first 64 KiB each holds a buffer of its
            // declared 18 MiB, and that is what counts (36 of the 40 MiB)
            for (int i = 0; i < 2; i++) {
                Socket s = new Socket("127.0.0.1", gw.server.port());
                s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(part);
                s.getOutputStream().flush();
                held.add(s);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (gw.gateway.buffers().held() < 36L * MIB && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(gw.gateway.buffers().held()).isGreaterThanOrEqualTo(36L * MIB);
            // a third cannot be buffered: refused with the bound named, and its connection closed
            try (Socket third = new Socket("127.0.0.1", gw.server.port())) {
                third.setSoTimeout(10_000);
                Thread writer = new Thread(() -> {
                    try {
                        third.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                        third.getOutputStream().write(part);
                        third.getOutputStream().flush();
                    } catch (java.io.IOException refusedMidway) {
                        // expected: the gateway answers and closes before the upload is through
                    }
                });
                writer.start();
                RawHttp.Exchange r = RawHttp.readUntilClosed(third, System.nanoTime());
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.body()).contains("gateway_memory_bound");
                assertThat(r.closed()).isTrue();
            }
        } finally {
            for (Socket s : held) s.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gw.gateway.buffers().held() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(gw.gateway.buffers().held()).as("a client that left releases its share").isZero();
    }
}
