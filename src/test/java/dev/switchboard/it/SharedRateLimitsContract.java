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
    private static final long SYNCS_MS = 2 * dev.switchboard.govern.Governance.KEY_SYNC_MILLIS + 700;

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
    void aKeysPerModelRpmHoldsAcrossGatewaysToo() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin admin = new Admin(a);
            String key = admin.generate(new JsonObject().put("key_alias", "model-rpm-across")
                    .put("model_rpm_limit", new JsonObject().put("gpt", 6))).getString("key");
            awaitKnown(b, key);
            for (int i = 0; i < 6; i++) assertThat(Http.post(a.v1() + "/chat/completions", key, BODY).statusCode()).isEqualTo(200);
            assertThat(Http.post(a.v1() + "/chat/completions", key, BODY).statusCode()).as("A alone: gpt's 6 are taken").isEqualTo(429);
            Thread.sleep(SYNCS_MS);
            HttpResponse<String> r = Http.post(b.v1() + "/chat/completions", key, BODY);
            assertThat(r.statusCode()).as("alone, B would admit 6 more: it has heard of A's 6").isEqualTo(429);
            assertThat(r.headers().firstValue("x-litellm-key-remaining-requests-gpt")).hasValue("0");
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

    @Test
    void aTeamMembersRpmHoldsOverTheirKeysOfTheTeamAcrossGatewaysAndNoOneElses() throws Exception {
        try (TestGateway a = TestGateway.start(yaml()); TestGateway b = TestGateway.start(yaml())) {
            Admin admin = new Admin(a);
            // LiteLLM's team_member_rpm_limit: each member 3 a minute over their keys of the team; bo's own is 1
            HttpResponse<String> made = admin.post("/team/new", new JsonObject().put("team_id", "rpm-members").put("team_member_rpm_limit", 3)
                    .put("members_with_roles", new io.vertx.core.json.JsonArray()
                            .add(new JsonObject().put("user_id", "al").put("role", "user"))
                            .add(new JsonObject().put("user_id", "bo").put("role", "user"))));
            assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
            assertThat(new JsonObject(made.body()).getLong("team_member_rpm_limit")).isEqualTo(3);
            JsonObject bo = admin.postOk("/team/member_update", new JsonObject().put("team_id", "rpm-members").put("user_id", "bo")
                    .put("rpm_limit", 1));
            assertThat(bo.getLong("rpm_limit")).isEqualTo(1);
            String al1 = admin.generate(new JsonObject().put("user_id", "al").put("team_id", "rpm-members")).getString("key");
            String al2 = admin.generate(new JsonObject().put("user_id", "al").put("team_id", "rpm-members")).getString("key");
            String boKey = admin.generate(new JsonObject().put("user_id", "bo").put("team_id", "rpm-members")).getString("key");
            String nobody = admin.generate(new JsonObject().put("team_id", "rpm-members")).getString("key");
            String alAlone = admin.generate(new JsonObject().put("user_id", "al")).getString("key");
            awaitKnown(b, alAlone);
            await("B takes in bo's own limit").atMost(Duration.ofSeconds(8))
                    .until(() -> new Admin(b).get("/team/info?team_id=rpm-members").body().contains("\"rpm_limit\":1"));
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = Http.post(a.v1() + "/chat/completions", i % 2 == 0 ? al1 : al2, BODY);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            HttpResponse<String> more = Http.post(a.v1() + "/chat/completions", al2, BODY);
            assertThat(more.statusCode()).as("al's 3 in the team are taken, whichever of their keys took them").isEqualTo(429);
            assertThat(new JsonObject(more.body()).getJsonObject("error").getString("message"))
                    .startsWith("Rate limit exceeded for team_member: al in team rpm-members: rpm_limit (3 requests a minute) reached.");
            assertThat(more.headers().firstValue("retry-after")).isPresent();
            // not anyone else's: bo has their own bucket, a key of the team for no user has none, al outside the team neither
            assertThat(Http.post(a.v1() + "/chat/completions", boKey, BODY).statusCode()).isEqualTo(200);
            assertThat(Http.post(a.v1() + "/chat/completions", boKey, BODY).statusCode()).as("bo's own 1").isEqualTo(429);
            for (int i = 0; i < 4; i++) assertThat(Http.post(a.v1() + "/chat/completions", nobody, BODY).statusCode()).isEqualTo(200);
            assertThat(Http.post(a.v1() + "/chat/completions", alAlone, BODY).statusCode()).isEqualTo(200);
            Thread.sleep(SYNCS_MS);
            HttpResponse<String> r = Http.post(b.v1() + "/chat/completions", al1, BODY);
            assertThat(r.statusCode()).as("alone, B would admit 3 more: it has heard of A's 3").isEqualTo(429);
            // the membership shows the limits that hold (LiteLLM's litellm_budget_table)
            JsonObject info = admin.getOk("/team/info?team_id=rpm-members");
            String memberships = info.getJsonArray("team_memberships").encode();
            assertThat(memberships).contains("\"user_id\":\"al\"").contains("\"rpm_limit\":3").contains("\"rpm_limit\":1");
            // limits taken away: al's calls are held by nothing again, at once
            admin.postOk("/team/update", new JsonObject().put("team_id", "rpm-members").putNull("team_member_rpm_limit"));
            assertThat(Http.post(a.v1() + "/chat/completions", al1, BODY).statusCode()).isEqualTo(200);
            // a negative limit is refused (0 is a limit that refuses every call, as LiteLLM's: KeyAdminCompatIT)
            assertThat(admin.post("/team/update", new JsonObject().put("team_id", "rpm-members").put("team_member_tpm_limit", -1))
                    .statusCode()).isEqualTo(400);
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
