package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.KeyEchoUpstream;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.util.List;
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

    /**
     * An upstream that echoes the key it received (as sent and upper-cased) into every error field, into a
     * non-JSON body where it straddles the 500-character cut, and into stream events (an error, and for
     * Anthropic an unknown event type and an error with no event line): for each provider and both dialects,
     * no answer and no log line shows any of the key, and no log line is broken by the upstream's newlines.
     */
    @Test
    void anUpstreamEchoingItsKeyEverywhereNeverGetsItToClientsOrLogs() {
        List<String> keys = List.of(TestGateway.PROVIDER_KEY, TestGateway.ANTHROPIC_PROVIDER_KEY, TestGateway.GEMINI_PROVIDER_KEY);
        StringBuilder all = new StringBuilder();
        List<String> logLines;
        try (KeyEchoUpstream echo = KeyEchoUpstream.start();
             LogCapture log = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            String root = echo.rootUrl();
            try (TestGateway hostile = TestGateway.start("""
                    model_list:
                      - model_name: gpt
                        litellm_params: { model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: os.environ/PROVIDER_KEY }
                      - model_name: claude
                        litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "%s", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                      - model_name: gemini
                        litellm_params: { model: gemini/gemini-2.5-flash, api_base: "%s", api_key: os.environ/GEMINI_PROVIDER_KEY }
                    router_settings:
                      num_retries: 0
                      allowed_fails: 0
                    general_settings:
                      master_key: os.environ/MASTER_KEY
                    """.formatted(root, root, root))) {
                for (String model : new String[] {"gpt", "claude", "gemini"}) {
                    for (String scenario : new String[] {"echo-fields", "echo-plain", "echo-stream"}) {
                        for (String stream : scenario.equals("echo-stream") ? new String[] {"true"} : new String[] {"false", "true"}) {
                            String messages = ",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + scenario + "\"}]}";
                            HttpResponse<String> o = Http.post(hostile.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                                    "{\"model\":\"" + model + "\"" + messages);
                            HttpResponse<String> a = Http.post(hostile.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                                    "{\"model\":\"" + model + "\",\"max_tokens\":5" + messages);
                            for (HttpResponse<String> r : List.of(o, a)) {
                                String what = model + " " + scenario + " stream=" + stream + ": " + r.body();
                                // the errors still say what happened, with the key masked
                                assertThat(r.statusCode()).as(what).isEqualTo(switch (scenario) {
                                    case "echo-fields" -> 400;
                                    case "echo-plain" -> 502;
                                    default -> 200;
                                });
                                assertThat(r.body()).as(what).contains("****").contains("error");
                                all.append(r.headers().map()).append(r.body()).append('\n');
                            }
                        }
                    }
                }
            }
            logLines = log.lines();
        }
        String answers = all.toString().toLowerCase(java.util.Locale.ROOT);
        String logs = String.join("\n", logLines).toLowerCase(java.util.Locale.ROOT);
        for (String key : keys) {
            // the whole key in any case, and its first 10 characters (what a cut before scrubbing leaves)
            String prefix = key.substring(0, 10).toLowerCase(java.util.Locale.ROOT);
            assertThat(answers).doesNotContain(prefix);
            assertThat(logs).doesNotContain(prefix);
        }
        assertThat(logLines).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain("\n").doesNotContain("\r"));
    }
}
