package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Two gateways on one database serving one key: what one takes of the key's rpm the other counts too, within a sync
 * (each alone would admit the whole limit again); max_parallel_requests stays each gateway's own. Run once per database.
 */
abstract class SharedRateLimitsContract {
    /** The {@code general_settings} lines that choose the one database both gateways use. */
    abstract String databaseSettings();

    private String yaml() {
        return TestGateway.simModels("gpt=gpt-4o-mini") + """
                router_settings: { num_retries: 0 }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """ + databaseSettings();
    }

    private static final String BODY = "{\"model\":\"gpt\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    /** Long enough for A to write its use and B to read it: two syncs and their transactions. */
    private static final long SYNCS_MS = 2 * 2_000 + 700;

    @Test
    void whatOneGatewayTookOfAKeysRpmTheOtherCountsToo() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin admin = new Admin(a);
            // 6 a minute: the bucket refills one request every 10 s, so the few seconds the test takes add none
            String key = admin.generate(new JsonObject().put("key_alias", "rpm-across").put("rpm_limit", 6)).getString("key");
            awaitKnown(b, key);
            for (int i = 0; i < 6; i++) assertThat(Http.post(a.v1() + "/chat/completions", key, BODY).statusCode()).isEqualTo(200);
            HttpResponse<String> more = Http.post(a.v1() + "/chat/completions", key, BODY);
            assertThat(more.statusCode()).as("A alone: its bucket is empty").isEqualTo(429);
            Thread.sleep(SYNCS_MS);
            HttpResponse<String> r = Http.post(b.v1() + "/chat/completions", key, BODY);
            assertThat(r.statusCode()).as("alone, B would admit 6 more: it has heard of A's 6").isEqualTo(429);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).contains("rpm_limit (6 requests a minute)");
            assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
            assertThat(r.headers().firstValue("retry-after")).isPresent();
        }
    }

    @Test
    void aTeamsRpmHoldsOverItsKeysAndAcrossGateways() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin admin = new Admin(a);
            assertThat(admin.post("/team/new", new JsonObject().put("team_id", "rpm-team").put("rpm_limit", 6)).statusCode()).isEqualTo(200);
            String one = admin.generate(new JsonObject().put("key_alias", "team-key-1").put("team_id", "rpm-team")).getString("key");
            String two = admin.generate(new JsonObject().put("key_alias", "team-key-2").put("team_id", "rpm-team")).getString("key");
            awaitKnown(b, two);
            await("B takes in the team").atMost(Duration.ofSeconds(8)).until(() -> new Admin(b).get("/team/list").body().contains("rpm-team"));
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> r = Http.post(a.v1() + "/chat/completions", i % 2 == 0 ? one : two, BODY);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            HttpResponse<String> more = Http.post(a.v1() + "/chat/completions", one, BODY);
            assertThat(more.statusCode()).as("the team's 6 are taken, whichever key took them").isEqualTo(429);
            assertThat(new JsonObject(more.body()).getJsonObject("error").getString("message"))
                    .startsWith("Rate limit exceeded for team: rpm-team: rpm_limit (6 requests a minute) reached.");
            Thread.sleep(SYNCS_MS);
            HttpResponse<String> r = Http.post(b.v1() + "/chat/completions", two, BODY);
            assertThat(r.statusCode()).as("alone, B would admit 6 more: it has heard of A's 6").isEqualTo(429);
            assertThat(r.headers().firstValue("retry-after")).isPresent();
        }
    }

    @Test
    void aUsersRpmHoldsOverAllTheirKeysAndAcrossGateways() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin admin = new Admin(a);
            HttpResponse<String> made = admin.post("/user/new", new JsonObject().put("user_id", "rpm-user").put("rpm_limit", 4));
            assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
            String one = new JsonObject(made.body()).getString("key");
            // a key of theirs in a team is held by their rate limit too (LiteLLM's rule)
            String two = admin.generate(new JsonObject().put("user_id", "rpm-user").put("team_id", "some-team")).getString("key");
            awaitKnown(b, two);
            await("B takes in the user").atMost(Duration.ofSeconds(8)).until(() -> new Admin(b).get("/user/list").body().contains("rpm-user"));
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> r = Http.post(a.v1() + "/chat/completions", i % 2 == 0 ? one : two, BODY);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            HttpResponse<String> more = Http.post(a.v1() + "/chat/completions", one, BODY);
            assertThat(more.statusCode()).as("the user's 4 are taken, whichever key took them").isEqualTo(429);
            assertThat(new JsonObject(more.body()).getJsonObject("error").getString("message"))
                    .startsWith("Rate limit exceeded for user: rpm-user: rpm_limit (4 requests a minute) reached.");
            Thread.sleep(SYNCS_MS);
            HttpResponse<String> r = Http.post(b.v1() + "/chat/completions", two, BODY);
            assertThat(r.statusCode()).as("alone, B would admit 4 more: it has heard of A's 4").isEqualTo(429);
        }
    }

    /**
     * max_parallel_requests stays each gateway's own: another gateway's calls in flight are known only a sync late, and
     * counting calls that have ended would refuse a client that sends one call at a time through a load balancer.
     */
    @Test
    void aCallInFlightOnOneGatewayDoesNotRefuseTheOther() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            a.simulator.behaveAlways("gpt-4o-mini", SimBehaviour.slowFirstByte(SYNCS_MS + 3_000));
            Admin admin = new Admin(a);
            String key = admin.generate(new JsonObject().put("key_alias", "one-at-a-time").put("max_parallel_requests", 1)
                    .put("rpm_limit", 100)).getString("key");
            awaitKnown(b, key);
            CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> Http.post(a.v1() + "/chat/completions", key, BODY));
            Thread.sleep(SYNCS_MS);
            HttpResponse<String> onA = Http.post(a.v1() + "/chat/completions", key, BODY);
            assertThat(onA.statusCode()).as("A's own cap").isEqualTo(429);
            assertThat(Http.post(b.v1() + "/chat/completions", key, BODY).statusCode()).as(b.toString()).isEqualTo(200);
            assertThat(slow.get().statusCode()).isEqualTo(200);
        }
    }

    private static void awaitKnown(TestGateway other, String key) {
        Admin admin = new Admin(other);
        await("the key made on A is known to B").atMost(Duration.ofSeconds(8))
                .until(() -> admin.get("/key/info?key=" + key).statusCode() == 200);
    }
}
