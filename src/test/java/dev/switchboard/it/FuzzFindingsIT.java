package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import dev.switchboard.support.fuzz.KeyFragments;
import dev.switchboard.support.fuzz.LogWatch;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What {@link FuzzIT} found, each pinned by a test that failed before its fix. */
@ExtendWith(GatewayPerClass.class)
class FuzzFindingsIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, ${SIM_OPENAI} }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, ${SIM_ANTHROPIC} }
                  - model_name: mock
                    litellm_params: { model: mock/mock-model }
                router_settings:
                  num_retries: 0
                litellm_settings:
                  cache: true
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    static String nested(int depth) { return "[".repeat(depth) + "1" + "]".repeat(depth); }

    private static HttpResponse<String> messages(String body) {
        return Http.post(gw.v1() + "/messages", null, body, "x-api-key", TestGateway.MASTER_KEY, "anthropic-version", "2023-06-01");
    }

    /**
     * A body nested 999 levels deep was read (Jackson's limit is 1000) and then failed with a 500 when written back
     * inside the cache key or a provider's wire format. Now 512 levels is the limit: a 400 in the caller's dialect.
     */
    @Test
    void nestingBeyond512LevelsIsA400InTheCallersDialectNotA500() {
        try (LogWatch logs = new LogWatch(new KeyFragments(TestGateway.PROVIDER_KEY))) {
            for (String model : new String[] {"gpt", "claude", "mock"}) {
                HttpResponse<String> fine = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"" + model
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"x_extra\":" + nested(500) + "}");
                assertThat(fine.statusCode()).as(fine.body()).isEqualTo(200);
                for (int depth : new int[] {512, 996, 999}) {
                    HttpResponse<String> openai = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"" + model
                            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"x_extra\":" + nested(depth) + "}");
                    assertThat(openai.statusCode()).as(openai.body()).isEqualTo(400);
                    assertThat(new JsonObject(openai.body()).getJsonObject("error").getString("message"))
                            .contains("nested more than 512 levels deep");
                    HttpResponse<String> anthropic = messages("{\"model\":\"" + model + "\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"hi\"}],\"tools\":[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\",\"x\":" + nested(depth) + "}}]}");
                    assertThat(anthropic.statusCode()).as(anthropic.body()).isEqualTo(400);
                    JsonObject e = new JsonObject(anthropic.body());
                    assertThat(e.getString("type")).isEqualTo("error");
                    assertThat(e.getJsonObject("error").getString("message")).contains("nested more than 512 levels deep");
                }
            }
            assertThat(logs.findings()).isEmpty();
        }
    }

    /**
     * A client that left while the upstream was still silent: when the upstream's headers came, the stream was
     * cancelled before it started, and the reset of the upstream request had no handler, so Vert.x logged
     * "Stream reset" at ERROR for what is a client's ordinary departure. (Since the client-gone change the upstream
     * request is usually reset before its headers come; the race remains, and either way nothing is logged at ERROR.)
     * Each step waits for what it needs instead of a fixed sleep (100 ms, then 800 ms, too short on a loaded machine):
     * the client leaves once the request is with the upstream, and the errors are read once the upstream is done with
     * it (reset before its first byte, or its stream begun and ended) and the gateway has counted the call.
     */
    @Test
    void aStreamCancelledBeforeItStartedLogsNoError() throws Exception {
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>()); // appended on the gateway's threads
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT");
        ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> watch = new ch.qos.logback.core.AppenderBase<>() {
            @Override
            protected void append(ch.qos.logback.classic.spi.ILoggingEvent e) {
                if (e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR)) errors.add(e.getLoggerName() + ": " + e.getFormattedMessage());
            }
        };
        watch.setContext(root.getLoggerContext());
        watch.start();
        root.addAppender(watch);
        try {
            for (String[] call : new String[][] {
                    {"/v1/chat/completions", "Authorization: Bearer " + TestGateway.MASTER_KEY,
                            "{\"model\":\"gpt\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"},
                    {"/v1/messages", "x-api-key: " + TestGateway.MASTER_KEY + "\r\nanthropic-version: 2023-06-01",
                            "{\"model\":\"gpt\",\"stream\":true,\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"},
                    {"/v1/messages", "x-api-key: " + TestGateway.MASTER_KEY + "\r\nanthropic-version: 2023-06-01",
                            "{\"model\":\"claude\",\"stream\":true,\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"}}) {
                gw.simulator.enqueue(SimBehaviour.slowFirstByte(400));
                byte[] body = call[2].getBytes(StandardCharsets.UTF_8);
                String model = new JsonObject(call[2]).getString("model");
                double counted = requestsCounted(model);
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", gw.server.port()));
                    OutputStream out = s.getOutputStream();
                    out.write(("POST " + call[0] + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + call[1] + "\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                    out.write(body);
                    out.flush();
                    // the request is with the upstream, which has not answered yet (its first byte is 400 ms away)
                    org.awaitility.Awaitility.await("the request reached the upstream").atMost(java.time.Duration.ofSeconds(10))
                            .pollInterval(java.time.Duration.ofMillis(5)).until(() -> gw.simulator.arrivals() == 1);
                }
                // the upstream is done with the request of a client that is gone: reset before its first byte (abandoned),
                // or its headers came and its stream began and ended (cancelled or whole) ...
                org.awaitility.Awaitility.await("the upstream is done with the request").atMost(java.time.Duration.ofSeconds(10))
                        .pollInterval(java.time.Duration.ofMillis(10)).until(() -> gw.simulator.abandoned()
                                + gw.simulator.cancelledStreams() + gw.simulator.completedStreams() >= 1);
                // ... and the gateway has ended the call (it counts a call when it ends, whatever its status)
                org.awaitility.Awaitility.await("the gateway ended the call").atMost(java.time.Duration.ofSeconds(10))
                        .pollInterval(java.time.Duration.ofMillis(10)).until(() -> requestsCounted(model) > counted);
                assertThat(gw.simulator.arrivals()).as("one request reached the upstream, no retry").isEqualTo(1);
                gw.simulator.reset();
            }
        } finally {
            root.detachAppender(watch);
        }
        assertThat(errors).isEmpty();
    }

    /** The calls {@code switchboard_requests_total} counted for an alias, every status. */
    private static double requestsCounted(String model) {
        return MetricsIT.value(Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body(), "switchboard_requests_total",
                "model", model);
    }

    /** dimensions up to 2^31-1 reached the mock provider, which built the whole vector in memory. */
    @Test
    void embeddingDimensionsAreBounded() {
        HttpResponse<String> huge = Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY,
                "{\"model\":\"mock\",\"input\":\"x\",\"dimensions\":2147483647}");
        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(huge.body()).contains("the maximum is 65536");
        HttpResponse<String> many = Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY,
                "{\"model\":\"mock\",\"input\":" + "[\"x\"".concat(",\"y\"".repeat(99)) + "],\"dimensions\":65536}");
        assertThat(many.statusCode()).as(many.body()).isEqualTo(400);
        assertThat(many.body()).contains("dimensions x inputs");
        HttpResponse<String> fine = Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY,
                "{\"model\":\"mock\",\"input\":\"x\",\"dimensions\":3072}");
        assertThat(fine.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(fine.body()).getJsonArray("data").getJsonObject(0).getJsonArray("embedding")).hasSize(3072);
    }

    /**
     * A header value with a prohibited byte was refused by the HTTP parser with a 400 whose message quoted the value,
     * so a key in that header (here the master key in Authorization) came back in the answer.
     */
    @Test
    void aMalformedHeaderIsNotQuotedBackInTheAnswer() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", gw.server.port()));
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + TestGateway.MASTER_KEY + "\u0001\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            // With Vert.x's header validation on, the parser refused the byte (400 Malformed HTTP request); off, as the
            // commands run (VertxRuntime) and as the pom runs the tests since the eighteenth session, the value is
            // taken and the key is simply wrong (401). Either way the key must not come back.
            assertThat(answer).matches("(?s)HTTP/1\\.1 (400|401) .*");
            assertThat(new KeyFragments(TestGateway.MASTER_KEY).find(answer)).isNull();
        }
    }

    /** The Anthropic simulator failed (500) on a tool_result without content, which the API allows. */
    @Test
    void aToolResultWithoutContentIsServed() {
        HttpResponse<String> r = messages("""
                {"model":"claude","max_tokens":20,"tools":[{"name":"f","input_schema":{"type":"object"}}],"messages":[
                 {"role":"user","content":"call f"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1"}]}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
