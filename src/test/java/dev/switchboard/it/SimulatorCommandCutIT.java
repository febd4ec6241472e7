package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cli.Main;
import dev.switchboard.support.TestGateway;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code switchboard simulator --cut-model M --cut-after N}: a provider that breaks its stream off in the middle, as a
 * user plays it from the command line (before, only the tests' in-process simulator could). Through the gateway, in
 * both dialects, the stream ends with the dialect's error event after the events that came, and never with a success.
 */
class SimulatorCommandCutIT {
    static Thread simulator;
    static TestGateway gw;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        simulator = new Thread(() -> new CommandLine(new Main()).execute("simulator", "--port", String.valueOf(port),
                "--cut-model", "gpt-cut", "--cut-after", "3", "--chunk-delay-ms", "20"), "simulator-command");
        simulator.setDaemon(true);
        simulator.start();
        String root = "http://127.0.0.1:" + port;
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(root + "/v1/models")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) break;
            } catch (java.io.IOException notYet) {
                Thread.sleep(50);
            }
        }
        gw = TestGateway.start("""
                model_list:
                  - model_name: cut
                    litellm_params: { model: openai/gpt-cut, api_base: "%1$s/v1", api_key: sk-sim }
                  - model_name: whole
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "%1$s/v1", api_key: sk-sim }
                  - model_name: claude-cut
                    litellm_params: { model: anthropic/gpt-cut, api_base: "%1$s", api_key: sk-sim }
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """.formatted(root));
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
        simulator.interrupt();
    }

    private static String post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + TestGateway.MASTER_KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void theCutModelsOpenAiStreamEndsWithAnErrorEventAndNoDone() throws Exception {
        String sse = post("/v1/chat/completions", """
                {"model":"cut","stream":true,"messages":[{"role":"user","content":"a sentence long enough to be cut"}]}""");
        assertThat(sse).contains("\"delta\":{\"role\":\"assistant\"").contains("\"code\":\"upstream_error\"")
                .doesNotContain("[DONE]").doesNotContain("\"finish_reason\":\"stop\"");
        assertThat(sse.strip()).endsWith("}}").contains("data: {\"error\":");
        // another model of the same simulator answers whole
        assertThat(post("/v1/chat/completions", """
                {"model":"whole","stream":true,"messages":[{"role":"user","content":"hi"}]}""")).endsWith("data: [DONE]\n\n");
    }

    @Test
    void theCutModelsAnthropicStreamEndsWithAnErrorEventAndNoMessageStop() throws Exception {
        String sse = post("/v1/messages", """
                {"model":"claude-cut","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"a sentence long enough to be cut"}]}""");
        assertThat(sse).startsWith("event: message_start").contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\"")
                .doesNotContain("message_stop").doesNotContain("\"stop_reason\":\"end_turn\"");
    }
}
