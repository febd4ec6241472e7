package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's retry and fallback headers through a real socket: {@code x-litellm-attempted-retries} (the retries made in
 * the alias that answered), {@code x-litellm-max-retries} (num_retries in force, only after a retry, as LiteLLM leaves
 * it out of a first try), {@code x-litellm-attempted-fallbacks} (the hops taken) and {@code x-litellm-max-fallbacks},
 * on answers and on failures, streamed or not, in the three dialects. Then the OpenAI-dialect {@code type} of the
 * gateway's 502 and 504: OpenAI's {@code server_error}, the old word kept as the {@code code}; Anthropic's types stay.
 */
class RetryFallbackHeadersIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("primary=primary-model", "backup=backup-model", "solo=solo-model") + """
                  - model_name: broken
                    litellm_params: { model: mock/broken, mock_fault: server_error }
                  - model_name: slow
                    litellm_params: { model: mock/slow, mock_fault: timeout }
                router_settings:
                  num_retries: 2
                  retry_backoff: 0.01
                  allowed_fails: 1000          # no cooldowns: every request sees the same group
                  max_fallbacks: 3
                  fallbacks: [{ primary: [backup] }]
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    /** One request of each dialect, streamed or not, to {@code model}. */
    private enum Call {
        CHAT("/chat/completions", false), CHAT_STREAM("/chat/completions", true), MESSAGES("/messages", false),
        MESSAGES_STREAM("/messages", true), RESPONSES("/responses", false), RESPONSES_STREAM("/responses", true);

        final String path;
        final boolean stream;

        Call(String path, boolean stream) {
            this.path = path;
            this.stream = stream;
        }

        HttpResponse<String> send(String model, String... headers) {
            String body = switch (path) {
                case "/messages" -> "{\"model\":\"" + model + "\",\"max_tokens\":16,\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                case "/responses" -> "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"input\":\"hi\"}";
                default -> "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            };
            return Http.post(gw.v1() + path, null, body, headers);
        }
    }

    private static List<String> upstreamModels() {
        return gw.simulator.received().stream().map(r -> r.body().getString("model")).toList();
    }

    private static void assertCounts(HttpResponse<String> r, String retries, String maxRetries, String fallbacks) {
        HttpHeaders h = r.headers();
        assertThat(h.allValues("x-litellm-attempted-retries")).as(r.body()).containsExactly(retries);
        if (maxRetries == null) assertThat(h.firstValue("x-litellm-max-retries")).as("LiteLLM leaves it out of a first try").isEmpty();
        else assertThat(h.allValues("x-litellm-max-retries")).containsExactly(maxRetries);
        assertThat(h.allValues("x-litellm-attempted-fallbacks")).containsExactly(fallbacks);
        assertThat(h.allValues("x-litellm-max-fallbacks")).as("router_settings' max_fallbacks").containsExactly("3");
    }

    @Test
    void aFirstTryAnswerSaysNoRetryAndNoFallback() {
        for (Call c : Call.values()) {
            HttpResponse<String> r = c.send("solo");
            assertThat(r.statusCode()).as(c + " " + r.body()).isEqualTo(200);
            assertCounts(r, "0", null, "0");
        }
    }

    @Test
    void aRetriedAnswerCountsItsRetriesAndTheNumRetriesInForceInEveryDialect() {
        for (Call c : Call.values()) {
            gw.simulator.received().clear();
            gw.simulator.enqueue("solo-model", SimBehaviour.status(500));
            HttpResponse<String> r = c.send("solo");
            assertThat(r.statusCode()).as(c + " " + r.body()).isEqualTo(200);
            assertThat(upstreamModels()).as(c.toString()).containsExactly("solo-model", "solo-model");
            assertCounts(r, "1", "2", "0");
        }
    }

    @Test
    void theRequestsOwnNumRetriesIsTheMaxRetries() {
        gw.simulator.enqueue("solo-model", SimBehaviour.status(500));
        HttpResponse<String> r = Call.CHAT.send("solo", "x-switchboard-num-retries", "4");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertCounts(r, "1", "4", "0");
    }

    /**
     * LiteLLM's request headers (its request-headers page) set the same controls as ours: {@code x-litellm-num-retries},
     * {@code x-litellm-timeout}, {@code x-litellm-stream-timeout}. They were ignored: a LiteLLM client's
     * {@code x-litellm-num-retries: 0} made three attempts, its {@code x-litellm-timeout: 0.3} waited the deployment's 600 s.
     */
    @Test
    void liteLlmsRequestHeadersSetRetriesAndTimeouts() {
        gw.simulator.behaveAlways("solo-model", SimBehaviour.status(500));
        for (Call c : List.of(Call.CHAT, Call.MESSAGES_STREAM, Call.RESPONSES)) {
            gw.simulator.received().clear();
            HttpResponse<String> none = c.send("solo", "x-litellm-num-retries", "0");
            assertThat(none.statusCode()).as(c + " " + none.body()).isEqualTo(502);
            assertThat(upstreamModels()).as(c + ": one attempt, no retry").containsExactly("solo-model");
        }
        gw.simulator.received().clear();
        HttpResponse<String> four = Call.CHAT.send("solo", "x-litellm-num-retries", "4");
        assertThat(upstreamModels()).as(four.body()).hasSize(5);
        assertCounts(four, "4", "4", "0");
        gw.simulator.received().clear();
        HttpResponse<String> ours = Call.CHAT.send("solo", "x-litellm-num-retries", "4", "x-switchboard-num-retries", "0");
        assertThat(upstreamModels()).as("the x-switchboard- header wins: " + ours.body()).hasSize(1);

        HttpResponse<String> bad = Call.CHAT.send("solo", "x-litellm-num-retries", "many");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(bad.body()).getJsonObject("error").getString("param")).isEqualTo("x-litellm-num-retries");

        gw.simulator.reset();
        for (Call c : List.of(Call.CHAT, Call.CHAT_STREAM)) {
            gw.simulator.enqueue("solo-model", SimBehaviour.slowFirstByte(5_000));
            long t0 = System.nanoTime();
            HttpResponse<String> slow = c.send("solo", c.stream ? "x-litellm-stream-timeout" : "x-litellm-timeout", "0.3",
                    "x-litellm-num-retries", "0");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(slow.statusCode()).as(c + " " + slow.body()).isEqualTo(504);
            assertThat(ms).as(c + ": the header's 0.3 s, not the simulator's 5 s").isLessThan(3_000);
        }
    }

    /**
     * A bad value in one of LiteLLM's timeout headers is a 400 naming that header in either dialect (OpenAI's
     * invalid_request_error with its param, Anthropic's), as ours are; and still one when our header of the same control
     * is sent too and wins: a value the client sent is never quietly dropped (review, 2026-12-07).
     */
    @Test
    void aBadLiteLlmTimeoutHeaderIsA400NamingItInBothDialects() {
        for (String header : List.of("x-litellm-timeout", "x-litellm-stream-timeout")) {
            String ours = header.replace("x-litellm-", "x-switchboard-");
            for (String[] sent : List.of(new String[] {header, "soon"}, new String[] {header, "0"},
                    new String[] {ours, "2", header, "soon"})) {
                HttpResponse<String> openai = Call.CHAT.send("solo", sent);
                assertThat(openai.statusCode()).as(String.join(" ", sent) + ": " + openai.body()).isEqualTo(400);
                JsonObject e = new JsonObject(openai.body()).getJsonObject("error");
                assertThat(e.getString("type")).isEqualTo("invalid_request_error");
                assertThat(e.getString("param")).as(String.join(" ", sent)).isEqualTo(header);
                assertThat(e.getString("message")).startsWith(header + " must be");

                HttpResponse<String> anthropic = Call.MESSAGES.send("solo", sent);
                assertThat(anthropic.statusCode()).as(String.join(" ", sent) + ": " + anthropic.body()).isEqualTo(400);
                JsonObject a = new JsonObject(anthropic.body());
                assertThat(a.getString("type")).isEqualTo("error");
                assertThat(a.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
                assertThat(a.getJsonObject("error").getString("message")).startsWith(header + " must be");
            }
        }
        HttpResponse<String> retries = Call.CHAT.send("solo", "x-switchboard-num-retries", "0", "x-litellm-num-retries", "many");
        assertThat(retries.statusCode()).as(retries.body()).isEqualTo(400);
        assertThat(new JsonObject(retries.body()).getJsonObject("error").getString("param")).isEqualTo("x-litellm-num-retries");
        // both valid: ours wins, as before
        assertThat(Call.CHAT.send("solo", "x-switchboard-timeout", "30", "x-litellm-timeout", "0.5").statusCode()).isEqualTo(200);
        assertThat(gw.simulator.received()).isNotEmpty();
    }

    /**
     * A misspelt control in our namespace is a 400 naming it in the caller's dialect, before any upstream call (it was
     * ignored: the request went out with three attempts and its fallbacks); our own response headers sent back are not.
     */
    @Test
    void anUnknownSwitchboardRequestHeaderIsA400NamingItButOurResponseHeadersSentBackAreNot() {
        gw.simulator.behaveAlways("primary-model", SimBehaviour.status(500));
        HttpResponse<String> openai = Call.CHAT.send("primary", "x-switchboard-fallback", "off");
        assertThat(openai.statusCode()).as(openai.body()).isEqualTo(400);
        JsonObject e = new JsonObject(openai.body()).getJsonObject("error");
        assertThat(e.getString("type")).isEqualTo("invalid_request_error");
        assertThat(e.getString("param")).isEqualTo("x-switchboard-fallback");
        assertThat(e.getString("message")).contains("x-switchboard-fallback", "Did you mean x-switchboard-fallbacks?");
        for (Call c : List.of(Call.MESSAGES, Call.MESSAGES_STREAM, Call.RESPONSES_STREAM)) {
            HttpResponse<String> r = c.send("primary", "X-Switchboard-Teir", "smart");
            assertThat(r.statusCode()).as(c + " " + r.body()).isEqualTo(400);
            assertThat(r.body()).as(c.toString()).contains("X-Switchboard-Teir", "x-switchboard-tier");
        }
        JsonObject a = new JsonObject(Call.MESSAGES.send("primary", "x-switchboard-teir", "smart").body());
        assertThat(a.getString("type")).isEqualTo("error");
        assertThat(a.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
        assertThat(gw.simulator.received()).as("refused before any call").isEmpty();

        HttpResponse<String> echoed = Call.CHAT.send("solo", "x-switchboard-request-id", "req_1", "x-switchboard-cost",
                "0.0001", "x-switchboard-model", "x", "x-switchboard-route", "primary", "x-switchboard-cache", "miss",
                "x-switchboard-trace-id", "abc");
        assertThat(echoed.statusCode()).as(echoed.body()).isEqualTo(200);
        assertThat(echoed.headers().firstValue("x-switchboard-request-id")).isPresent().get().isNotEqualTo("req_1");
    }

    @Test
    void aFallbackCountsItsHopAndTheRetriesOfTheAliasThatAnswered() {
        gw.simulator.behaveAlways("primary-model", SimBehaviour.status(500));
        for (Call c : List.of(Call.CHAT, Call.CHAT_STREAM, Call.MESSAGES_STREAM, Call.RESPONSES)) {
            gw.simulator.received().clear();
            HttpResponse<String> r = c.send("primary");
            assertThat(r.statusCode()).as(c + " " + r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
            assertThat(upstreamModels()).as(c.toString()).containsExactly("primary-model", "primary-model", "primary-model",
                    "backup-model");
            assertCounts(r, "0", null, "1"); // backup answered at once, as LiteLLM's fallback group's own retry header says
        }
    }

    /**
     * A chain that fails as a whole names each step in its message, in the caller's dialect: the primary's 500s (three
     * attempts, folded) and the fallback's 503s, not the last failure alone (it said only the backup's 503 before).
     */
    @Test
    void aFailedChainsMessageNamesEveryStep() {
        gw.simulator.behaveAlways("primary-model", SimBehaviour.status(500));
        gw.simulator.behaveAlways("backup-model", SimBehaviour.status(503));
        String steps = "Tried: primary/openai/primary-model → 500 upstream_error ×3; backup/openai/backup-model → 503 ";
        HttpResponse<String> openai = Call.CHAT.send("primary");
        assertThat(openai.statusCode()).as(openai.body()).isEqualTo(503);
        assertThat(new JsonObject(openai.body()).getJsonObject("error").getString("message")).contains(steps).endsWith("×3.");
        for (Call c : List.of(Call.MESSAGES, Call.CHAT_STREAM, Call.RESPONSES)) {
            HttpResponse<String> r = c.send("primary");
            assertThat(r.statusCode()).as(c + " " + r.body()).isEqualTo(503);
            assertThat(r.body()).as(c.toString()).contains(steps);
        }
        JsonObject a = new JsonObject(Call.MESSAGES.send("primary").body());
        assertThat(a.getJsonObject("error").getString("type")).isEqualTo("overloaded_error");
        // no fallback taken: the failure's own message, as before
        HttpResponse<String> alone = Call.CHAT.send("primary", "x-switchboard-fallbacks", "off");
        assertThat(alone.body()).doesNotContain("Tried:");
    }

    @Test
    void aFailureCarriesTheCountsToo() {
        gw.simulator.behaveAlways("primary-model", SimBehaviour.status(500));
        for (Call c : List.of(Call.CHAT, Call.CHAT_STREAM, Call.MESSAGES, Call.RESPONSES)) {
            HttpResponse<String> r = c.send("primary", "x-switchboard-fallbacks", "off");
            assertThat(r.statusCode()).as(c + " " + r.body()).isEqualTo(502);
            assertCounts(r, "2", "2", "0");
            assertThat(r.headers().firstValue("x-should-retry")).hasValue("false");
            assertThat(r.headers().allValues("x-switchboard-route")).as("the last attempt's route").containsExactly("primary");
        }

        gw.simulator.behaveAlways("backup-model", SimBehaviour.status(500));
        for (Call c : List.of(Call.CHAT, Call.CHAT_STREAM, Call.MESSAGES, Call.MESSAGES_STREAM, Call.RESPONSES)) {
            HttpResponse<String> both = c.send("primary");
            assertThat(both.statusCode()).as(c + " " + both.body()).isEqualTo(502);
            assertCounts(both, "2", "2", "1"); // the retries of backup, the alias that failed last
            // the failure is the fallback's, and says so as the request log and the ledger do
            assertThat(both.headers().allValues("x-switchboard-route")).as(c.toString()).containsExactly("fallback:error");
        }

        HttpResponse<String> once = Call.CHAT.send("primary", "x-switchboard-fallbacks", "off", "x-switchboard-num-retries", "0");
        assertThat(once.statusCode()).isEqualTo(502);
        assertCounts(once, "0", null, "0");
    }

    @Test
    void aGatewaySide502And504AreOpenAisServerErrorWithTheOldWordAsTheirCode() {
        for (Call c : List.of(Call.CHAT, Call.CHAT_STREAM)) {
            HttpResponse<String> bad = c.send("broken");
            assertThat(bad.statusCode()).as(c + " " + bad.body()).isEqualTo(502);
            JsonObject badError = new JsonObject(bad.body()).getJsonObject("error");
            assertThat(badError.getString("type")).isEqualTo("server_error");
            assertThat(badError.getString("code")).isEqualTo("upstream_error");

            HttpResponse<String> slow = c.send("slow");
            assertThat(slow.statusCode()).as(c + " " + slow.body()).isEqualTo(504);
            JsonObject slowError = new JsonObject(slow.body()).getJsonObject("error");
            assertThat(slowError.getString("type")).isEqualTo("server_error");
            assertThat(slowError.getString("code")).isEqualTo("timeout");
        }
        // Anthropic's own types for the same failures (its errors page: 500 api_error, 504 timeout_error)
        HttpResponse<String> bad = Call.MESSAGES.send("broken");
        assertThat(bad.statusCode()).isEqualTo(502);
        assertThat(new JsonObject(bad.body()).getJsonObject("error").getString("type")).isEqualTo("api_error");
        HttpResponse<String> slow = Call.MESSAGES.send("slow");
        assertThat(slow.statusCode()).isEqualTo(504);
        assertThat(new JsonObject(slow.body()).getJsonObject("error").getString("type")).isEqualTo("timeout_error");
    }
}
