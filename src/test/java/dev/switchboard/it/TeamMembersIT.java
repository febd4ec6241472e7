package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's team members: {@code /team/member_add} puts users in a team (made when they have no row), each with a
 * budget in the team ({@code max_budget_in_team}, else the team's {@code team_member_budget}) that holds their keys of
 * the team, as hard as the team's own; {@code member_update} changes it, {@code member_delete} takes them out with their
 * keys of the team. {@code /team/info} shows members and memberships as LiteLLM's does.
 */
class TeamMembersIT {
    /** $10 and $20 per million tokens: a 50-token answer costs at most $0.001. */
    private static final String PRICES = "model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }";
    private static final String DB = TestGateway.tempDatabase();
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    %1$s
                router_settings: { num_retries: 0 }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  database_path: "%2$s"
                """.formatted(PRICES, DB));
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static HttpResponse<String> chat(String key) {
        return Http.post(gw.v1() + "/chat/completions", key, "{\"model\":\"gpt\",\"max_tokens\":50,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
    }

    private static JsonObject ok(String path, JsonObject body) {
        HttpResponse<String> r = admin.post(path, body);
        assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private static String keyOf(String team, String user) {
        return admin.generate(new JsonObject().put("team_id", team).put("user_id", user)).getString("key");
    }

    @Test
    void aMembersBudgetInTheTeamHoldsTheirKeysOfTheTeamAndNoOneElses() {
        ok("/team/new", new JsonObject().put("team_id", "squad").put("max_budget", 1).put("team_member_budget", 0.5));
        JsonObject added = ok("/team/member_add", new JsonObject().put("team_id", "squad").put("max_budget_in_team", 0.002)
                .put("member", new JsonObject().put("user_id", "ann").put("role", "user")));
        assertThat(added.getJsonArray("members_with_roles").getJsonObject(0).getString("user_id")).isEqualTo("ann");
        assertThat(added.getJsonArray("updated_users").getJsonObject(0).getString("user_id")).as("her user is made").isEqualTo("ann");
        assertThat(added.getJsonArray("updated_team_memberships").getJsonObject(0).getJsonObject("litellm_budget_table")
                .getValue("max_budget").toString()).isEqualTo("0.002");
        assertThat(admin.getOk("/user/info?user_id=ann").getString("user_id")).isEqualTo("ann");
        ok("/team/member_add", new JsonObject().put("team_id", "squad").put("member", new JsonArray()
                .add(new JsonObject().put("user_id", "ben")).add(new JsonObject().put("user_email", "cat@example.com").put("role", "admin"))));
        String ann = keyOf("squad", "ann");
        String ann2 = keyOf("squad", "ann");
        String ben = keyOf("squad", "ben");
        String stranger = keyOf("squad", "not-a-member");

        BigDecimal charged = BigDecimal.ZERO;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            HttpResponse<String> r = chat(i % 2 == 0 ? ann : ann2);
            if (r.statusCode() == 200) charged = charged.add(new BigDecimal(r.headers().firstValue("x-switchboard-cost").orElseThrow()));
            else refused = r;
        }
        assertThat(refused).as("her budget in the team ran out").isNotNull();
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("message"))
                .startsWith("Budget has been exceeded! User=ann in Team=squad Current cost: ").contains(", Max budget: 0.002.");
        assertThat(charged).isPositive().isLessThanOrEqualTo(new BigDecimal("0.002"));
        assertThat(chat(ben).statusCode()).as("ben has the team's member budget, $0.5").isEqualTo(200);
        assertThat(chat(stranger).statusCode()).as("a key's user who is not a member has no member budget").isEqualTo(200);
        OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(ann).maxRetries(0).build();
        assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                .addUserMessage("hi").maxCompletionTokens(500).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("User=ann in Team=squad");

        BigDecimal spent = charged;
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
            JsonArray ms = admin.getOk("/team/info?team_id=squad").getJsonArray("team_memberships");
            return ms.stream().map(o -> (JsonObject) o).anyMatch(m -> m.getString("user_id").equals("ann")
                    && new BigDecimal(m.getValue("spend").toString()).compareTo(spent) == 0);
        });
        JsonObject info = admin.getOk("/team/info?team_id=squad");
        assertThat(info.getJsonObject("team_info").getJsonArray("members_with_roles").stream().map(o -> ((JsonObject) o).getString("role")))
                .containsExactly("user", "user", "admin");
        assertThat(info.getJsonObject("team_info").getJsonArray("admins")).hasSize(1);
        assertThat(info.getJsonArray("team_memberships")).as("all three have a budget (ann's own, the others the team's)").hasSize(3);

        // more budget in the team lets her call again at once
        JsonObject updated = ok("/team/member_update", new JsonObject().put("team_id", "squad").put("user_id", "ann").put("max_budget_in_team", 1));
        assertThat(updated.getValue("max_budget_in_team").toString()).isEqualTo("1.0");
        assertThat(chat(ann).statusCode()).isEqualTo(200);
        // a member taken out and added again starts from nothing (LiteLLM's new membership), her keys of the team gone
        ok("/team/member_delete", new JsonObject().put("team_id", "squad").put("user_id", "ann"));
        assertThat(chat(ann).statusCode()).isEqualTo(401);
        ok("/team/member_add", new JsonObject().put("team_id", "squad").put("max_budget_in_team", 0.002)
                .put("member", new JsonObject().put("user_id", "ann")));
        ann = keyOf("squad", "ann");
        ann2 = keyOf("squad", "ann");
        assertThat(chat(ann).statusCode()).as("a new membership has spent nothing").isEqualTo(200);
        // leaving the team takes her keys of the team along
        ok("/team/member_delete", new JsonObject().put("team_id", "squad").put("user_id", "ann"));
        assertThat(chat(ann).statusCode()).isEqualTo(401);
        assertThat(chat(ann2).statusCode()).isEqualTo(401);
        assertThat(chat(ben).statusCode()).isEqualTo(200);
    }

    @Test
    void theMemberApiAnswersAsLiteLlmsDoes() {
        ok("/team/new", new JsonObject().put("team_id", "crew").put("members_with_roles", new JsonArray()
                .add(new JsonObject().put("user_id", "dan").put("role", "admin"))));
        assertThat(admin.getOk("/team/info?team_id=crew").getJsonObject("team_info").getJsonArray("members_with_roles")
                .getJsonObject(0).getString("role")).isEqualTo("admin");
        assertThat(admin.getOk("/team/info?team_id=crew").getJsonArray("team_memberships")).as("no budget, no membership row").isEmpty();
        HttpResponse<String> again = admin.post("/team/member_add", new JsonObject().put("team_id", "crew")
                .put("member", new JsonObject().put("user_id", "dan")));
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("User already in team. Member: user_id=dan").contains("team_member_already_in_team");
        HttpResponse<String> noTeam = admin.post("/team/member_add", new JsonObject().put("team_id", "ghost")
                .put("member", new JsonObject().put("user_id", "dan")));
        assertThat(noTeam.statusCode()).isEqualTo(404);
        assertThat(noTeam.body()).contains("Team not found for team_id=ghost");
        assertThat(admin.post("/team/member_add", new JsonObject().put("team_id", "crew").put("member", new JsonObject().put("role", "user")))
                .body()).contains("Either user id or user email must be provided");
        assertThat(admin.post("/team/member_add", new JsonObject().put("team_id", "crew")
                .put("member", new JsonObject().put("user_id", "eli").put("role", "owner"))).statusCode()).isEqualTo(400);
        HttpResponse<String> notMember = admin.post("/team/member_delete", new JsonObject().put("team_id", "crew").put("user_id", "eli"));
        assertThat(notMember.statusCode()).isEqualTo(400);
        assertThat(notMember.body()).contains("User not found in team");
        assertThat(admin.post("/team/member_delete", new JsonObject().put("team_id", "crew")).body())
                .contains("Either user_id or user_email needs to be passed in");
        assertThat(admin.post("/team/member_update", new JsonObject().put("team_id", "nope").put("user_id", "dan")).body())
                .contains("Team id=nope does not exist in db");
        // members change through the member API, not /team/update
        assertThat(admin.post("/team/update", new JsonObject().put("team_id", "crew").put("members_with_roles", new JsonArray()
                .add(new JsonObject().put("user_id", "x")))).statusCode()).isEqualTo(400);
        // a member's user made by email gets an id of its own
        JsonObject byEmail = ok("/team/member_add", new JsonObject().put("team_id", "crew")
                .put("member", new JsonObject().put("user_email", "fay@example.com")));
        String fayId = byEmail.getJsonArray("updated_users").getJsonObject(0).getString("user_id");
        assertThat(fayId).hasSize(36);
        ok("/team/member_update", new JsonObject().put("team_id", "crew").put("user_email", "FAY@example.com").put("role", "admin"));
        assertThat(admin.getOk("/team/info?team_id=crew").getJsonObject("team_info").getJsonArray("admins")).contains(fayId);
        // a user's teams are the teams they are a member of (LiteLLM's /user/info and /team/list?user_id=)
        JsonObject dan = admin.getOk("/user/info?user_id=dan");
        assertThat(dan.getJsonObject("user_info").getJsonArray("teams")).containsExactly("crew");
        assertThat(dan.getJsonArray("teams").getJsonObject(0).getString("team_id")).isEqualTo("crew");
        assertThat(new JsonArray(admin.get("/team/list?user_id=dan").body()).getJsonObject(0).getString("team_id")).isEqualTo("crew");
        assertThat(new JsonArray(admin.get("/team/list?user_id=dan").body()).getJsonObject(0).getJsonArray("team_memberships")).isEmpty();
        // LiteLLM's paged list (/v2/team/list), with its filters and its team_memberships
        ok("/team/new", new JsonObject().put("team_id", "crew-b").put("team_alias", "Crew B").put("team_member_budget", 2)
                .put("members_with_roles", new JsonArray().add(new JsonObject().put("user_id", "dan"))));
        JsonObject v2 = admin.getOk("/v2/team/list?user_id=dan&sort_by=team_id&page_size=1");
        assertThat(v2.getInteger("total")).isEqualTo(2);
        assertThat(v2.getInteger("total_pages")).isEqualTo(2);
        assertThat(v2.getJsonArray("teams").getJsonObject(0).getString("team_id")).isEqualTo("crew");
        JsonObject second = admin.getOk("/v2/team/list?user_id=dan&sort_by=team_id&page_size=1&page=2").getJsonArray("teams").getJsonObject(0);
        assertThat(second.getString("team_id")).isEqualTo("crew-b");
        assertThat(second.getJsonArray("team_memberships").getJsonObject(0).getJsonObject("litellm_budget_table").getValue("max_budget")
                .toString()).isEqualTo("2.0");
        assertThat(admin.getOk("/v2/team/list?team_alias=crew%20B").getJsonArray("teams")).hasSize(1);
        assertThat(admin.get("/v2/team/list?sort_by=spend").statusCode()).isEqualTo(400);
        assertThat(admin.get("/v2/team/list?page_size=101").statusCode()).isEqualTo(400);
        // one user named twice in one request: which role was meant?
        HttpResponse<String> twice = admin.post("/team/member_add", new JsonObject().put("team_id", "crew").put("member", new JsonArray()
                .add(new JsonObject().put("user_id", "gil")).add(new JsonObject().put("user_id", "gil").put("role", "admin"))));
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(twice.body()).contains("names the user gil twice");
        // a deleted user leaves their teams: one made again with the id is no member by inheritance
        ok("/user/delete", new JsonObject().put("user_ids", new JsonArray().add("dan")));
        assertThat(admin.getOk("/team/info?team_id=crew").getJsonObject("team_info").getJsonArray("members_with_roles").stream()
                .map(o -> ((JsonObject) o).getString("user_id"))).doesNotContain("dan");
    }
}
