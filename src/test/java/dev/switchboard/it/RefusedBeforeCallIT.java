package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request refused before it was read as a call — a key that does not authenticate, a body that is not JSON, a body
 * that is not a request of its route — is counted in {@code switchboard_requests_total} (model {@code none}, deployment,
 * route and cache {@code none}, the status answered, the key's label when it authenticated) and logged in one line that
 * holds neither the body nor a key; it leaves no request-log row. Routes that make no call (count_tokens, the model
 * list, the admin API) count nothing.
 */
class RefusedBeforeCallIT {
    static TestGateway gw;
    static String appKey;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini", "embed=text-embedding-3-small") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        appKey = Admin.ok(Http.post(gw.baseUrl() + "/key/generate", TestGateway.MASTER_KEY, "{\"key_alias\":\"refused-app\"}"))
                .getString("key");
    }

    @AfterAll
    static void stop() { gw.close(); }

    static String metrics() { return Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body(); }

    static double refused(String metrics, String status, String key) {
        return MetricsIT.value(metrics, "switchboard_requests_total", "model", "none", "deployment", "none", "route", "none",
                "cache", "none", "status", status, "key", key);
    }

    @Test
    void aKeyThatDoesNotAuthenticateIsCountedAndLoggedWithoutTheKey() {
        String wrongKey = "sk-not-a-key-of-this-gateway-4242";
        double before = refused(metrics(), "401", "none");
        try (LogCapture log = LogCapture.of("switchboard.refused")) {
            HttpResponse<String> chat = Http.post(gw.v1() + "/chat/completions", wrongKey,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"secret words\"}]}");
            HttpResponse<String> embed = Http.post(gw.v1() + "/embeddings", wrongKey, "{\"model\":\"embed\",\"input\":\"x\"}");
            HttpResponse<String> messages = Http.post(gw.baseUrl() + "/v1/messages", null,
                    "{\"model\":\"gpt\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            HttpResponse<String> responses = Http.post(gw.v1() + "/responses", wrongKey, "{\"model\":\"gpt\",\"input\":\"hi\"}");
            for (HttpResponse<String> r : List.of(chat, embed, messages, responses)) assertThat(r.statusCode()).isEqualTo(401);
            assertThat(refused(metrics(), "401", "none") - before).isEqualTo(4);
            String id = chat.headers().firstValue("x-switchboard-request-id").orElseThrow();
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("INFO request " + id + ": refused before it was read")
                    .contains("401").contains("/v1/chat/completions").contains("key none"));
            assertThat(log.written()).hasSize(4).allSatisfy(l -> assertThat(l).doesNotContain(wrongKey).doesNotContain("secret words")
                    .doesNotContain(TestGateway.MASTER_KEY));
            // nothing was read: no request-log row
            assertThat(Http.get(gw.baseUrl() + "/logs/" + id, TestGateway.MASTER_KEY).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aBodyThatIsNotJsonOrNotARequestIsCountedUnderTheKeyThatSentIt() {
        String m = metrics();
        double master400 = refused(m, "400", "master"), app400 = refused(m, "400", "refused-app");
        try (LogCapture log = LogCapture.of("switchboard.refused")) {
            HttpResponse<String> notJson = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"gpt\", oops");
            HttpResponse<String> noMessages = Http.post(gw.v1() + "/chat/completions", appKey, "{\"model\":\"gpt\",\"private\":\"body text\"}");
            HttpResponse<String> noInput = Http.post(gw.v1() + "/embeddings", appKey, "{\"model\":\"embed\"}");
            HttpResponse<String> badMessages = Http.post(gw.baseUrl() + "/v1/messages", appKey, "[1,2,3]");
            HttpResponse<String> badResponses = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, "{\"model\":\"gpt\",\"input\":5}");
            for (HttpResponse<String> r : List.of(notJson, noMessages, noInput, badMessages, badResponses)) {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            }
            String after = metrics();
            assertThat(refused(after, "400", "master") - master400).as("not JSON: no model read").isEqualTo(1);
            assertThat(refused(after, "400", "refused-app") - app400).as("not an object: no model read").isEqualTo(1);
            // a JSON body that names its model is counted under it (QA-C 5), the other labels still none
            assertThat(refusedAs(after, "gpt", "400", "master") - refusedAs(m, "gpt", "400", "master")).isEqualTo(1);
            assertThat(refusedAs(after, "gpt", "400", "refused-app") - refusedAs(m, "gpt", "400", "refused-app")).isEqualTo(1);
            assertThat(refusedAs(after, "embed", "400", "refused-app") - refusedAs(m, "embed", "400", "refused-app")).isEqualTo(1);
            assertThat(log.written()).hasSize(5).allSatisfy(l -> assertThat(l).doesNotContain("body text").doesNotContain("oops")
                    .doesNotContain(appKey));
            String id = noMessages.headers().firstValue("x-switchboard-request-id").orElseThrow();
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains("request " + id + ":").contains("400"));
        }
    }

    /**
     * A well-formed request the gateway's own validation refuses (a parameter out of range) is counted under the model it
     * named, as the alias's other requests are (QA-C 5); a name the config does not know is {@code other}, never a new
     * series.
     */
    @Test
    void aRequestRefusedByValidationIsCountedUnderTheModelItNamed() {
        String m = metrics();
        HttpResponse<String> hot = Http.post(gw.v1() + "/chat/completions", appKey,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":5}");
        HttpResponse<String> invented = Http.post(gw.v1() + "/chat/completions", appKey,
                "{\"model\":\"made-up-name-77\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":5}");
        assertThat(hot.statusCode()).as(hot.body()).isEqualTo(400);
        assertThat(invented.statusCode()).as(invented.body()).isEqualTo(400);
        String after = metrics();
        assertThat(refusedAs(after, "gpt", "400", "refused-app") - refusedAs(m, "gpt", "400", "refused-app")).isEqualTo(1);
        assertThat(refusedAs(after, "other", "400", "refused-app") - refusedAs(m, "other", "400", "refused-app")).isEqualTo(1);
        assertThat(after).doesNotContain("made-up-name-77");
    }

    /**
     * A Responses request refused for an item_reference to an item nobody stored (a 404 found after the body was read,
     * asynchronously) is counted under the model its body names, as a validation refusal is: it was counted as none.
     */
    @Test
    void anUnknownItemReferenceIsCountedUnderTheModelItNamed() {
        String m = metrics();
        HttpResponse<String> unknown = Http.post(gw.v1() + "/responses", appKey,
                "{\"model\":\"gpt\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_nobody_stored_this\"}]}");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        String after = metrics();
        assertThat(refusedAs(after, "gpt", "404", "refused-app") - refusedAs(m, "gpt", "404", "refused-app")).isEqualTo(1);
        assertThat(refusedAs(after, "none", "404", "refused-app") - refusedAs(m, "none", "404", "refused-app")).isZero();
    }

    static double refusedAs(String metrics, String model, String status, String key) {
        return MetricsIT.value(metrics, "switchboard_requests_total", "model", model, "deployment", "none", "route", "none",
                "cache", "none", "status", status, "key", key);
    }

    @Test
    void routesThatMakeNoCallCountNothing() {
        String before = metrics();
        assertThat(Http.get(gw.v1() + "/models", "sk-wrong-key-for-the-model-list").statusCode()).isEqualTo(401);
        assertThat(Http.post(gw.baseUrl() + "/v1/messages/count_tokens", TestGateway.MASTER_KEY, "not json").statusCode())
                .isEqualTo(400);
        assertThat(Http.post(gw.baseUrl() + "/key/generate", TestGateway.MASTER_KEY, "not json").statusCode()).isEqualTo(400);
        String after = metrics();
        assertThat(MetricsIT.value(after, "switchboard_requests_total")).isEqualTo(MetricsIT.value(before, "switchboard_requests_total"));
    }

    @Test
    void aServedCallIsCountedOnceAsBefore() {
        double before = MetricsIT.value(metrics(), "switchboard_requests_total");
        assertThat(Http.post(gw.v1() + "/chat/completions", appKey,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
        assertThat(Http.post(gw.v1() + "/chat/completions", appKey,
                "{\"model\":\"unknown-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(404);
        String after = metrics();
        assertThat(MetricsIT.value(after, "switchboard_requests_total") - before).isEqualTo(2);
        assertThat(MetricsIT.value(after, "switchboard_requests_total", "model", "other", "status", "404", "key", "refused-app"))
                .as("read and refused by the pipeline: its own series, not none").isEqualTo(1);
    }
}
