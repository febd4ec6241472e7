package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The upstream sees the configured provider key and never the client's; no answer, in either dialect and for
 * any provider, ever shows a provider key. (AnthropicIT and GeminiIT check each provider's own key header.)
 */
class KeyIsolationIT {
    static TestGateway gw;

    @BeforeAll
    static void start() { gw = TestGateway.standard(); }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void upstreamGetsTheProviderKeyNotTheClientKey() {
        gw.simulator.reset();
        gw.simulator.requireKey(TestGateway.PROVIDER_KEY);
        for (String body : new String[] {
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "{\"model\":\"gpt\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"}) {
            assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body).statusCode()).isEqualTo(200);
        }
        assertThat(Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY, "{\"model\":\"embedder\",\"input\":\"a\"}").statusCode()).isEqualTo(200);
        assertThat(gw.simulator.received()).hasSize(3);
        for (ProviderSimulator.Received r : gw.simulator.received()) {
            assertThat(r.headers().get("authorization")).isEqualTo("Bearer " + TestGateway.PROVIDER_KEY);
            r.headers().forEach(h -> assertThat(h.getValue()).doesNotContain(TestGateway.MASTER_KEY));
            assertThat(r.body().encode()).doesNotContain(TestGateway.MASTER_KEY);
        }
    }

    @Test
    void providerKeyNeverAppearsInAnswersOrLogs() {
        PrintStream oldErr = System.err, oldOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        System.setOut(new PrintStream(captured, true));
        try {
            gw.simulator.reset();
            gw.simulator.requireKey("sk-some-other-key"); // the upstream rejects our key: 401 passes through
            StringBuilder all = new StringBuilder();
            for (String model : new String[] {"gpt", "claude", "gemini"}) {
                for (String stream : new String[] {"false", "true"}) {
                    HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\""
                            + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                    assertThat(r.statusCode()).as(model + " " + r.body()).isIn(400, 401);
                    all.append(r.headers().map()).append(r.body());
                    HttpResponse<String> a = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\""
                            + model + "\",\"max_tokens\":5,\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                    assertThat(a.statusCode()).as(model + " " + a.body()).isIn(400, 401);
                    all.append(a.headers().map()).append(a.body());
                }
            }
            gw.simulator.requireKey(null);
            gw.simulator.enqueue(SimBehaviour.status(500));
            all.append(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").body());
            assertThat(all.toString()).doesNotContain(TestGateway.PROVIDER_KEY).doesNotContain("0123456789abcdef")
                    .doesNotContain(TestGateway.ANTHROPIC_PROVIDER_KEY).doesNotContain(TestGateway.GEMINI_PROVIDER_KEY);
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
        assertThat(captured.toString()).doesNotContain(TestGateway.PROVIDER_KEY)
                .doesNotContain(TestGateway.ANTHROPIC_PROVIDER_KEY).doesNotContain(TestGateway.GEMINI_PROVIDER_KEY);
    }
}
