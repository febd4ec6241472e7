package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.LogCapture;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the management API refuses that it once took: names with control characters (a line break in a key's alias or
 * a customer's id started a forged line in the gateway's log) and a JSON key given twice (the last copy won, so
 * {@code "max_budget":1,"max_budget":1000} made a key with a budget of 1000).
 */
class AdminInputIT {
    static final String FORGED = "x\n07:00:00.000 ERROR Gateway - FORGED line";
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.standard();
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void namesWithControlCharactersAreRefusedAndForgeNoLogLine() {
        List<String> lines;
        try (LogCapture log = LogCapture.root()) {
            for (String field : List.of("key_alias", "user_id", "team_id")) {
                HttpResponse<String> r = admin.post("/key/generate", new JsonObject().put(field, FORGED));
                assertThat(r.statusCode()).as(field).isEqualTo(400);
                assertThat(new JsonObject(r.body()).getJsonObject("error").getString("param")).isEqualTo(field);
                assertThat(r.body()).contains("control characters");
            }
            String key = admin.generate(new JsonObject().put("key_alias", "plain")).getString("key");
            assertThat(admin.post("/key/update", new JsonObject().put("key", key).put("key_alias", "a\rb")).statusCode()).isEqualTo(400);
            HttpResponse<String> customer = admin.post("/customer/new", new JsonObject().put("user_id", "c" + FORGED));
            assertThat(customer.statusCode()).isEqualTo(400);
            assertThat(customer.body()).contains("'user_id'").contains("control characters");
            assertThat(admin.post("/customer/new", new JsonObject().put("user_id", "tab\there")).statusCode()).isEqualTo(400);
            lines = log.written();
        }
        assertThat(String.join("\n", lines)).doesNotContain("FORGED");
        // names without them still work, spaces and non-ASCII letters included
        assertThat(admin.post("/customer/new", new JsonObject().put("user_id", "Zoë Müller")).statusCode()).isEqualTo(200);
    }

    @Test
    void aKeyGivenTwiceIsRefusedOnTheAdminRoutes() {
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/key/generate", TestGateway.MASTER_KEY,
                "{\"key_alias\":\"dup\",\"key_alias\":\"dup2\",\"max_budget\":1,\"max_budget\":1000}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Duplicate field 'key_alias'");
        HttpResponse<String> nested = Http.post(gw.baseUrl() + "/team/new", TestGateway.MASTER_KEY,
                "{\"team_id\":\"dup-team\",\"metadata\":{\"a\":1,\"a\":2}}");
        assertThat(nested.statusCode()).isEqualTo(400);
        assertThat(nested.body()).contains("Duplicate field 'a'");
        assertThat(Http.get(gw.baseUrl() + "/team/info?team_id=dup-team", TestGateway.MASTER_KEY).statusCode()).isNotEqualTo(200);
    }

    /**
     * The chat path keeps OpenAI's own behaviour, the last copy wins: clients may rely on it, and a check there would
     * cost every request a set of names per object.
     */
    @Test
    void aKeyGivenTwiceInAChatRequestIsTakenAsOpenAiTakesIt() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"nope\",\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
    }
}
