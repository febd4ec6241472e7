package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The key API as LiteLLM's own clients call it (its Python client and CLI, its admin UI): bodies with every optional
 * field, the unused ones null or at their defaults. Each body here is one such a client sends; each was refused before.
 */
class LiteLlmKeyClientsIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static HttpResponse<String> post(String path, String body) {
        return Http.post(gw.baseUrl() + path, TestGateway.MASTER_KEY, body);
    }

    private static String chat() { return "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"; }

    /** LiteLLM's Python client ({@code KeysManagementClient.delete}) sends both lists, the unused one null. */
    @Test
    void keyDeleteTakesTheBodyLiteLlmsPythonClientSends() {
        String byKey = admin.generate(new JsonObject().put("key_alias", "py-del-a")).getString("key");
        String byAlias = admin.generate(new JsonObject().put("key_alias", "py-del-b")).getString("key");
        HttpResponse<String> r = post("/key/delete", "{\"keys\":[\"" + byKey + "\"],\"key_aliases\":null}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getJsonArray("deleted_keys")).hasSize(1);
        r = post("/key/delete", "{\"keys\":null,\"key_aliases\":[\"py-del-b\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Http.post(gw.v1() + "/chat/completions", byKey, chat()).statusCode()).isEqualTo(401);
        assertThat(Http.post(gw.v1() + "/chat/completions", byAlias, chat()).statusCode()).isEqualTo(401);
        // naming nothing at all is still a 400, as in LiteLLM ("At least one of 'keys' or 'key_aliases' must be provided")
        for (String nothing : new String[] {"{\"keys\":null,\"key_aliases\":null}", "{\"keys\":[],\"key_aliases\":[]}", "{}"}) {
            HttpResponse<String> none = post("/key/delete", nothing);
            assertThat(none.statusCode()).as(nothing).isEqualTo(400);
            assertThat(none.body()).as(nothing).contains("'keys' or 'key_aliases'");
        }
    }

    /**
     * A body as LiteLLM's admin UI and clients send it: LiteLLM's fields Switchboard does not build, at their defaults,
     * numbers as strings. It makes the key those fields' defaults describe; a field that asks for something not built
     * is a 400 naming it and what to use instead.
     */
    @Test
    void keyGenerateTakesLiteLlmsFieldsAtTheirDefaultsAndNumbersAsStrings() {
        HttpResponse<String> r = post("/key/generate", """
                {"key_alias":"ui-made","models":["gpt"],"max_budget":"5","tpm_limit":"100","rpm_limit":"60",
                 "spend":0,"config":{},"permissions":{},"model_max_budget":{},"model_rpm_limit":null,"model_tpm_limit":{},
                 "metadata":{},"aliases":{},"allowed_cache_controls":[],"guardrails":[],"prompts":null,"enforced_params":[],
                 "allowed_routes":[],"key_type":"default","send_invite_email":false,"budget_id":null,"organization_id":null,
                 "object_permission":{"vector_stores":[],"mcp_servers":[],"mcp_access_groups":[]},"auto_rotate":false,
                 "rotation_interval":null,"soft_budget":null,"duration":null,"tags":null}
                """);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject key = new JsonObject(r.body());
        assertThat(key.getString("token_id")).as("LiteLLM's name for the hash").isEqualTo(key.getString("token"));
        assertThat(key.getDouble("max_budget")).isEqualTo(5.0);
        assertThat(key.getLong("tpm_limit")).isEqualTo(100L);
        assertThat(key.getLong("rpm_limit")).isEqualTo(60L);
        assertThat(Http.post(gw.v1() + "/chat/completions", key.getString("key"), chat()).statusCode()).isEqualTo(200);
        // LiteLLM's Python client and CLI: key_type llm_api is what every virtual key is here; "" is no budget (LiteLLM's validator)
        r = post("/key/generate", "{\"key_alias\":\"cli-made\",\"key_type\":\"llm_api\",\"spend\":\"0\",\"max_budget\":\"\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getValue("max_budget")).isNull();
        // and /key/update takes them too
        r = post("/key/update", "{\"key\":\"ui-made\",\"max_budget\":\"7.5\",\"config\":{},\"temp_budget_increase\":null}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getDouble("max_budget")).isEqualTo(7.5);
        // a spend of 0 on an update is LiteLLM's reset of the spend, not its default: refused, not silently dropped
        r = post("/key/update", "{\"key\":\"ui-made\",\"spend\":0}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("param")).isEqualTo("spend");

        // what asks for something not built is refused by name, with what to use instead, and makes no key
        assertRefused("{\"key_alias\":\"r1\",\"model_max_budget\":{\"gpt\":1.0}}", "model_max_budget", "per-model");
        assertRefused("{\"key_alias\":\"r2\",\"key_type\":\"management\"}", "key_type", "master key");
        assertRefused("{\"key_alias\":\"r3\",\"send_invite_email\":true}", "send_invite_email", "no email");
        assertRefused("{\"key_alias\":\"r4\",\"spend\":3.5}", "spend", "ledger");
        assertRefused("{\"key_alias\":\"r5\",\"budget_id\":\"b-1\"}", "budget_id", "max_budget");
        assertRefused("{\"key_alias\":\"r6\",\"permissions\":{\"allow_pii_controls\":true}}", "permissions", "models");
        assertThat(admin.get("/key/info?key=r1").statusCode()).isEqualTo(404);
        // a string that holds no number is still a 400, as in pydantic
        assertRefused("{\"key_alias\":\"r7\",\"max_budget\":\"five\"}", "max_budget", "number");
        assertRefused("{\"key_alias\":\"r8\",\"tpm_limit\":\"1.5\"}", "tpm_limit", "whole number");
    }

    private static void assertRefused(String body, String param, String says) {
        HttpResponse<String> r = post("/key/generate", body);
        assertThat(r.statusCode()).as(body).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("param")).as(body).isEqualTo(param);
        assertThat(error.getString("message")).as(body).contains(param).contains(says);
    }

    /** The user, team and customer APIs take LiteLLM's fields at their defaults the same way (one rule: NothingAsked). */
    @Test
    void theOtherAdminApisTakeLiteLlmsFieldsAtTheirDefaultsToo() {
        HttpResponse<String> r = post("/user/new", "{\"user_id\":\"ui-user\",\"auto_create_key\":false,\"send_invite_email\":false,"
                + "\"spend\":0,\"model_max_budget\":{},\"teams\":[],\"max_budget\":\"3\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getDouble("max_budget")).isEqualTo(3.0);
        assertThat(post("/user/new", "{\"user_id\":\"ui-user-2\",\"auto_create_key\":false,\"send_invite_email\":true}")
                .statusCode()).isEqualTo(400);
        r = post("/team/new", "{\"team_id\":\"ui-team\",\"tags\":[],\"guardrails\":null,\"model_max_budget\":{},"
                + "\"tpm_limit\":\"1000\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(post("/team/new", "{\"team_id\":\"ui-team-2\",\"tags\":[\"x\"]}").statusCode()).isEqualTo(400);
        r = post("/customer/new", "{\"user_id\":\"ui-customer\",\"budget_id\":null,\"spend\":0}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /**
     * LiteLLM's request models declare {@code blocked: Optional[bool] = None}, and its clients send that default on every
     * create and update: null is "not set", so it makes an unblocked row and leaves a blocked one blocked.
     */
    @Test
    void blockedNullIsNotSetAndKeepsABlock() {
        HttpResponse<String> r = post("/key/generate", "{\"key_alias\":\"null-blocked\",\"blocked\":null}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String secret = new JsonObject(r.body()).getString("key");
        assertThat(new JsonObject(r.body()).getBoolean("blocked")).isFalse();
        assertThat(Http.post(gw.v1() + "/chat/completions", secret, chat()).statusCode()).isEqualTo(200);
        assertThat(post("/key/block", "{\"key\":\"null-blocked\"}").statusCode()).isEqualTo(200);
        // an update that only raises the budget, as a client serialising its whole model sends it, does not unblock
        r = post("/key/update", "{\"key\":\"null-blocked\",\"blocked\":null,\"max_budget\":3}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getBoolean("blocked")).isTrue();
        assertThat(new JsonObject(r.body()).getDouble("max_budget")).isEqualTo(3.0);
        assertThat(Http.post(gw.v1() + "/chat/completions", secret, chat()).statusCode()).isEqualTo(401);

        for (String[] made : new String[][] {{"/user/new", "{\"user_id\":\"null-blocked-user\",\"auto_create_key\":false,\"blocked\":null}"},
                {"/team/new", "{\"team_id\":\"null-blocked-team\",\"blocked\":null}"},
                {"/customer/new", "{\"user_id\":\"null-blocked-customer\",\"blocked\":null}"}}) {
            r = post(made[0], made[1]);
            assertThat(r.statusCode()).as(made[0] + " " + r.body()).isEqualTo(200);
        }
        assertThat(post("/team/block", "{\"team_id\":\"null-blocked-team\"}").statusCode()).isEqualTo(200);
        r = post("/team/update", "{\"team_id\":\"null-blocked-team\",\"blocked\":null,\"max_budget\":4}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"blocked\":true").contains("\"max_budget\":4.0");
        // a value that is not a boolean is still refused by name
        r = post("/key/generate", "{\"key_alias\":\"yes-blocked\",\"blocked\":\"yes\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("param")).isEqualTo("blocked");
    }

    /**
     * Whole bodies as LiteLLM's models serialise them with every field at its default (NewUserRequest, NewTeamRequest,
     * NewCustomerRequest): each makes the row those defaults describe.
     */
    @Test
    void litellmsDefaultBodiesMakeRows() {
        HttpResponse<String> r = post("/user/new", """
                {"user_id":"full-default-user","key_alias":null,"duration":null,"models":[],"spend":0,"max_budget":null,
                 "team_id":null,"max_parallel_requests":null,"metadata":{},"tpm_limit":null,"rpm_limit":null,
                 "budget_duration":null,"allowed_cache_controls":[],"config":{},"permissions":{},"model_max_budget":{},
                 "model_rpm_limit":null,"model_tpm_limit":null,"guardrails":null,"prompts":null,"blocked":null,"aliases":{},
                 "object_permission":null,"user_email":null,"user_alias":null,"user_role":null,"teams":null,
                 "auto_create_key":true,"send_invite_email":null,"sso_user_id":null,"organizations":null,"tags":null}
                """);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Http.post(gw.v1() + "/chat/completions", new JsonObject(r.body()).getString("key"), chat()).statusCode()).isEqualTo(200);
        r = post("/team/new", """
                {"team_alias":null,"team_id":"full-default-team","organization_id":null,"admins":[],"members":[],
                 "members_with_roles":[],"team_member_permissions":null,"metadata":null,"tpm_limit":null,"rpm_limit":null,
                 "max_budget":null,"soft_budget":null,"budget_duration":null,"budget_limits":null,"models":[],"blocked":false,
                 "router_settings":null,"access_group_ids":null,"model_aliases":null,"tags":null,"guardrails":null,
                 "policies":null,"prompts":null,"object_permission":null,"allowed_passthrough_routes":null,
                 "secret_manager_settings":null,"model_rpm_limit":null,"rpm_limit_type":null,"tpm_limit_type":null,
                 "model_tpm_limit":null,"team_member_budget":null,"team_member_rpm_limit":null,"team_member_tpm_limit":null,
                 "team_member_key_duration":null}
                """);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        r = post("/customer/new", """
                {"user_id":"full-default-customer","alias":null,"blocked":false,"max_budget":null,"budget_id":null,
                 "allowed_model_region":null,"default_model":null,"object_permission":null,"budget_duration":null,
                 "tpm_limit":null,"rpm_limit":null,"model_max_budget":null,"max_parallel_requests":null,"soft_budget":null}
                """);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /**
     * {@code /user/new} without a key takes NewUserRequest's key fields at their defaults ({@code aliases: {}},
     * {@code allowed_cache_controls: []}): they ask for no key; a value that would shape one is still refused.
     */
    @Test
    void userNewWithoutAKeyTakesTheKeyFieldsDefaults() {
        HttpResponse<String> r = post("/user/new", "{\"user_id\":\"defaults-user\",\"auto_create_key\":false,\"aliases\":{},"
                + "\"allowed_cache_controls\":[],\"blocked\":false,\"tags\":null,\"key_alias\":null}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        r = post("/user/new", "{\"user_id\":\"defaults-user-2\",\"auto_create_key\":false,\"aliases\":{\"gpt-4\":\"gpt\"}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("param")).isEqualTo("aliases");
    }

    /**
     * LiteLLM keeps a key's tags in {@code metadata.tags}, and its scripts set them there: they tag the key's calls as
     * {@code tags} do, and every answer shows the key's tags in both places. Top-level {@code tags} wins when both are
     * sent (LiteLLM copies it over {@code metadata.tags}); null or a metadata edit without tags keeps them.
     */
    @Test
    void metadataTagsAreTheKeysTags() {
        HttpResponse<String> r = post("/key/generate", "{\"key_alias\":\"meta-tags\",\"metadata\":{\"tags\":[\"cost-center-7\"],\"owner\":\"ann\"}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject key = new JsonObject(r.body());
        assertThat(key.getJsonArray("tags").getList()).containsExactly("cost-center-7");
        assertThat(key.getJsonObject("metadata").getString("owner")).isEqualTo("ann");
        assertThat(Http.post(gw.v1() + "/chat/completions", key.getString("key"), chat()).statusCode()).isEqualTo(200);
        JsonObject byTag = admin.getOk("/global/spend/report?group_by=tag&tag=cost-center-7");
        assertThat(byTag.getJsonArray("groups").stream().map(JsonObject.class::cast))
                .as(byTag.encode()).anyMatch(g -> "cost-center-7".equals(g.getString("group")) && g.getLong("requests") == 1);
        assertThat(admin.info("meta-tags").getJsonObject("metadata").getJsonArray("tags").getList()).containsExactly("cost-center-7");

        // Switchboard's tags show where LiteLLM's readers look too
        admin.generate(new JsonObject().put("key_alias", "top-tags").put("tags", new io.vertx.core.json.JsonArray().add("t-x")));
        assertThat(admin.info("top-tags").getJsonObject("metadata").getJsonArray("tags").getList()).containsExactly("t-x");
        // both: tags wins
        r = post("/key/update", "{\"key\":\"top-tags\",\"tags\":[\"top\"],\"metadata\":{\"tags\":[\"meta\"]}}");
        assertThat(new JsonObject(r.body()).getJsonArray("tags").getList()).as(r.body()).containsExactly("top");
        assertThat(new JsonObject(r.body()).getJsonObject("metadata").getJsonArray("tags").getList()).containsExactly("top");
        // a metadata edit without tags, and LiteLLM's default tags: null, keep them; [] clears them
        r = post("/key/update", "{\"key\":\"top-tags\",\"tags\":null,\"metadata\":{\"owner\":\"bob\"}}");
        assertThat(new JsonObject(r.body()).getJsonArray("tags").getList()).as(r.body()).containsExactly("top");
        r = post("/key/update", "{\"key\":\"top-tags\",\"metadata\":{\"tags\":[]}}");
        assertThat(new JsonObject(r.body()).getJsonArray("tags").getList()).as(r.body()).isEmpty();
        assertThat(new JsonObject(r.body()).getJsonObject("metadata").containsKey("tags")).isFalse();
        // checked as tags are, named where they were sent
        r = post("/key/generate", "{\"key_alias\":\"bad-meta-tags\",\"metadata\":{\"tags\":\"cc\"}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("param")).isEqualTo("metadata.tags");
        assertThat(post("/key/generate", "{\"key_alias\":\"id-meta-tags\",\"metadata\":{\"tags\":[\"team:x\"]}}").statusCode())
                .isEqualTo(400);
    }

    /**
     * An update as LiteLLM's clients send it, every field of UpdateKeyRequest / UpdateTeamRequest at its default None:
     * a null that would loosen the key or team (unblock, untag, never expire, every model) keeps what it had.
     */
    @Test
    void anUpdateFullOfLiteLlmsDefaultNullsLoosensNothing() {
        JsonObject made = admin.generate(new JsonObject().put("key_alias", "tight").put("models", new io.vertx.core.json.JsonArray().add("gpt"))
                .put("duration", "1h").put("tags", new io.vertx.core.json.JsonArray().add("cc-1")));
        assertThat(post("/key/block", "{\"key\":\"tight\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> r = post("/key/update", "{\"key\":\"tight\",\"max_budget\":2,\"models\":null,\"duration\":null,"
                + "\"tags\":null,\"blocked\":null,\"metadata\":null,\"spend\":null,\"config\":null,\"permissions\":null}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject key = new JsonObject(r.body());
        assertThat(key.getJsonArray("models").getList()).containsExactly("gpt");
        assertThat(key.getString("expires")).isEqualTo(made.getString("expires"));
        assertThat(key.getJsonArray("tags").getList()).containsExactly("cc-1");
        assertThat(key.getBoolean("blocked")).isTrue();
        assertThat(key.getDouble("max_budget")).isEqualTo(2.0);
        // what clears them is explicit: every model is [], no expiry "-1"
        key = new JsonObject(post("/key/update", "{\"key\":\"tight\",\"models\":[],\"duration\":\"-1\"}").body());
        assertThat(key.getJsonArray("models").getList()).isEmpty();
        assertThat(key.getValue("expires")).isNull();
        assertThat(post("/team/new", "{\"team_id\":\"tight-team\",\"models\":[\"gpt\"]}").statusCode()).isEqualTo(200);
        r = post("/team/update", "{\"team_id\":\"tight-team\",\"models\":null,\"max_budget\":5}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"models\":[\"gpt\"]");
    }

    /** LiteLLM's "never expires" is null or "-1" (its /key/update documents "-1"): both make a key without expiry. */
    @Test
    void durationMinusOneNeverExpires() {
        HttpResponse<String> r = post("/key/generate", "{\"key_alias\":\"never-expires\",\"duration\":\"-1\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getValue("expires")).isNull();
        r = post("/key/generate", "{\"key_alias\":\"expires-later\",\"duration\":\"1h\"}");
        assertThat(new JsonObject(r.body()).getValue("expires")).as(r.body()).isNotNull();
        r = post("/key/update", "{\"key\":\"expires-later\",\"duration\":\"-1\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getValue("expires")).isNull();
        // only -1: another negative is no duration
        r = post("/key/update", "{\"key\":\"expires-later\",\"duration\":\"-2\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("param")).isEqualTo("duration");
    }

    /**
     * {@code /key/list} takes every parameter of LiteLLM's {@code list_keys} (its admin UI always sends {@code sort_by} and
     * {@code include_team_keys}; scripts find a key by {@code key_hash}) and applies each as LiteLLM does; 10 keys a page
     * by default, at most 100.
     */
    @Test
    void keyListTakesLiteLlmsParameters() {
        assertThat(post("/user/new", "{\"user_id\":\"lister-user\",\"auto_create_key\":false}").statusCode()).isEqualTo(200);
        JsonObject a = admin.generate(new JsonObject().put("key_alias", "list-a").put("team_id", "lister").put("max_budget", 3));
        JsonObject b = admin.generate(new JsonObject().put("key_alias", "list-b").put("team_id", "lister").put("max_budget", 1));
        JsonObject c = admin.generate(new JsonObject().put("key_alias", "list-c").put("team_id", "lister").put("user_id", "lister-user"));
        assertThat(Http.post(gw.v1() + "/chat/completions", b.getString("key"), chat()).statusCode()).isEqualTo(200);
        String team = "/key/list?team_id=lister&include_team_keys=true&include_created_by_keys=true&return_full_object=true";
        assertThat(aliases(team + "&sort_by=key_alias&sort_order=asc")).containsExactly("list-a", "list-b", "list-c");
        assertThat(aliases(team + "&sort_by=key_alias")).as("desc by default").containsExactly("list-c", "list-b", "list-a");
        // a key without a budget comes last going up and first going down, as PostgreSQL orders LiteLLM's nulls
        assertThat(aliases(team + "&sort_by=max_budget&sort_order=asc")).containsExactly("list-b", "list-a", "list-c");
        assertThat(aliases(team + "&sort_by=max_budget&sort_order=DESC")).containsExactly("list-c", "list-a", "list-b");
        assertThat(aliases(team + "&sort_by=spend").get(0)).isEqualTo("list-b");
        assertThat(aliases(team + "&sort_by=created_at&sort_order=asc")).containsExactly("list-a", "list-b", "list-c");
        assertThat(aliases(team)).as("newest first by default").containsExactly("list-c", "list-b", "list-a");
        JsonObject byHash = admin.getOk("/key/list?key_hash=" + a.getString("token"));
        assertThat(byHash.getJsonArray("keys").getList()).containsExactly(a.getString("token"));
        JsonObject expanded = admin.getOk("/key/list?team_id=lister&expand=user&sort_by=key_alias&sort_order=asc");
        assertThat(expanded.getJsonArray("keys").getJsonObject(2).getJsonObject("user").getString("user_id")).isEqualTo("lister-user");
        assertThat(expanded.getJsonArray("keys").getJsonObject(0).containsKey("user")).isFalse();
        // filters on fields no key here has (organizations, projects, access groups are not built) match no key
        for (String none : new String[] {"organization_id=o1", "project_id=p1", "access_group_id=g1"}) {
            assertThat(admin.getOk("/key/list?" + none).getInteger("total_count")).as(none).isZero();
        }
        // what cannot apply, or is no value LiteLLM takes, is a 400 naming it
        assertListRefused("status=deleted", "status", "not keep");
        assertListRefused("status=active", "status", "deleted");
        assertListRefused("sort_by=colour", "sort_by", "key_alias");
        assertListRefused("sort_by=spend&sort_order=up", "sort_order", "asc");
        assertListRefused("expand=team", "expand", "user");
        assertListRefused("size=101", "size", "100");
        assertListRefused("include_team_keys=maybe", "include_team_keys", "true or false");
        // LiteLLM's default page: 10 keys
        for (int i = 0; i < 8; i++) admin.generate(new JsonObject().put("key_alias", "list-more-" + i));
        JsonObject first = admin.getOk("/key/list");
        assertThat(first.getJsonArray("keys")).hasSize(10);
        assertThat(first.getInteger("total_count")).isGreaterThan(10);
        assertThat(first.getInteger("total_pages")).isEqualTo((first.getInteger("total_count") + 9) / 10);
    }

    /**
     * Keys made in a burst (32 at once: several in one millisecond) each get their own created_at, so newest first is
     * one order, the order they were made (a tie was broken by the random key id: the list changed from call to call).
     */
    @Test
    void keysMadeInOneBurstEachHaveTheirOwnCreatedAt() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            java.util.List<java.util.concurrent.Future<?>> made = new java.util.ArrayList<>();
            for (int i = 0; i < 32; i++) {
                String alias = "burst-" + i;
                made.add(pool.submit(() -> admin.generate(new JsonObject().put("key_alias", alias).put("team_id", "burst"))));
            }
            for (var f : made) f.get();
        } finally {
            pool.shutdown();
        }
        java.util.List<Long> created = admin.getOk("/key/list?team_id=burst&include_team_keys=true&return_full_object=true&size=100")
                .getJsonArray("keys").stream().map(k -> java.time.Instant.parse(((JsonObject) k).getString("created_at")).toEpochMilli())
                .toList();
        assertThat(created).hasSize(32).doesNotHaveDuplicates().isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    private static java.util.List<String> aliases(String path) {
        return admin.getOk(path).getJsonArray("keys").stream().map(k -> ((JsonObject) k).getString("key_alias")).toList();
    }

    private static void assertListRefused(String query, String param, String says) {
        HttpResponse<String> r = admin.get("/key/list?" + query);
        assertThat(r.statusCode()).as(query).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("param")).as(query).isEqualTo(param);
        assertThat(error.getString("message")).as(query).contains(says);
    }

    /** LiteLLM's names for two groupings of the spend report. */
    @Test
    void theSpendReportTakesLiteLlmsGroupNames() {
        JsonObject key = admin.generate(new JsonObject().put("key_alias", "grouped"));
        String body = "{\"model\":\"gpt\",\"user\":\"cust-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(Http.post(gw.v1() + "/chat/completions", key.getString("key"), body).statusCode()).isEqualTo(200);
        JsonObject byApiKey = admin.getOk("/global/spend/report?group_by=api_key");
        assertThat(byApiKey.getString("group_by")).isEqualTo("key");
        assertThat(byApiKey.getJsonArray("groups").stream().map(JsonObject.class::cast))
                .anyMatch(g -> key.getString("key_id").equals(g.getString("group")));
        JsonObject byCustomer = admin.getOk("/global/spend/report?group_by=customer");
        assertThat(byCustomer.getString("group_by")).isEqualTo("end_user");
        assertThat(byCustomer.getJsonArray("groups").stream().map(JsonObject.class::cast)).anyMatch(g -> "cust-1".equals(g.getString("group")));
        assertThat(admin.get("/global/spend/report?group_by=colour").statusCode()).isEqualTo(400);
    }

    /**
     * LiteLLM's {@code x-litellm-api-key} header, with or without {@code Bearer}, as LiteLLM reads it: before
     * {@code Authorization}, which may then carry another service's credential.
     */
    @Test
    void theXLitellmApiKeyHeaderIsTheCredential() throws Exception {
        String key = admin.generate(new JsonObject().put("key_alias", "by-header")).getString("key");
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        for (String value : new String[] {"Bearer " + key, key}) {
            HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.v1() + "/chat/completions"))
                    .header("content-type", "application/json").header("x-litellm-api-key", value)
                    .header("authorization", "Bearer ya29.a-google-access-token-for-vertex")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(chat())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(value.startsWith("Bearer") ? "Bearer <key>" : "<key>").isEqualTo(200);
        }
        JsonObject rows = admin.getOk("/spend/logs?key=by-header");
        assertThat(rows.getJsonArray("data")).hasSize(2); // both calls were the key's
        // the admin API too: the master key in the header
        HttpResponse<String> list = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + "/key/list"))
                .header("x-litellm-api-key", "Bearer " + TestGateway.MASTER_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        HttpResponse<String> wrong = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.v1() + "/chat/completions"))
                .header("content-type", "application/json").header("x-litellm-api-key", "Bearer sk-sb-" + "B".repeat(43))
                .header("authorization", "Bearer " + key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(chat())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).as("x-litellm-api-key wins over Authorization, as in LiteLLM").isEqualTo(401);
    }

    /** The other admin bodies where a field names what to act on: null there names nothing, as on /key/delete. */
    @Test
    void aNullFieldThatWouldNameSomethingNamesNothing() {
        admin.generate(new JsonObject().put("key_alias", "py-regen"));
        HttpResponse<String> r = post("/key/py-regen/regenerate", "{\"key\":null}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getString("token_id")).isEqualTo(admin.info("py-regen").getString("token"));
        assertThat(post("/key/py-regen/regenerate", "{\"key\":\"py-regen\"}").statusCode()).isEqualTo(400);
        r = post("/user/new", "{\"user_id\":\"py-user\",\"auto_create_key\":false,\"key_alias\":null,\"duration\":null}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(post("/user/new", "{\"user_id\":\"py-user-2\",\"auto_create_key\":false,\"key_alias\":\"k\"}").statusCode())
                .isEqualTo(400);
    }
}
