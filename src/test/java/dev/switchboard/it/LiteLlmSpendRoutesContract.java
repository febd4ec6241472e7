package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * LiteLLM's spend routes as the scripts and dashboards written against LiteLLM call them ({@code /spend/tags},
 * {@code /global/spend*}, {@code /spend/logs?summarize=}, the report's {@code internal_user_id} / {@code team_id} /
 * {@code customer_id}), through a real socket, on each store: every figure must be the ledger's, the same the spend
 * report shows. Five calls of known cost are made once: key A (tag proj-x, user alice, team red) twice on cheap (one
 * for customer cust-1) and once on smart, key B (tag proj-y) once on cheap for cust-2, the master key once on smart
 * tagged batch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LiteLlmSpendRoutesContract {
    TestGateway gw;
    Admin admin;
    JsonObject a, b;

    abstract String databaseSettings();

    @BeforeAll
    void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: cheap
                    litellm_params: { model: mock/cheap-model }
                    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
                  - model_name: smart
                    litellm_params: { model: mock/smart-model }
                    model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """ + databaseSettings());
        admin = new Admin(gw);
        a = admin.generate(new JsonObject().put("key_alias", "app-a").put("tags", new JsonArray().add("proj-x"))
                .put("user_id", "alice").put("team_id", "red"));
        b = admin.generate(new JsonObject().put("key_alias", "app-b").put("tags", new JsonArray().add("proj-y")));
        call(a.getString("key"), "cheap", "cust-1");
        call(a.getString("key"), "cheap", null);
        call(a.getString("key"), "smart", null);
        call(b.getString("key"), "cheap", "cust-2");
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body("smart", null), "x-switchboard-tags", "batch");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @AfterAll
    void stop() { gw.close(); }

    private void call(String key, String model, String user) {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", key, body(model, user));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static String body(String model, String user) {
        return "{\"model\":\"" + model + "\"," + (user == null ? "" : "\"user\":\"" + user + "\",")
                + "\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"What does a ledger hold?\"}]}";
    }

    private JsonArray array(String pathAndQuery) {
        HttpResponse<String> r = admin.get(pathAndQuery);
        assertThat(r.statusCode()).as(pathAndQuery + ": " + r.body()).isEqualTo(200);
        return new JsonArray(r.body());
    }

    /** The spend report's groups, by group, as the one reference every LiteLLM figure must equal. */
    private Map<String, BigDecimal> report(String query) {
        return admin.getOk("/global/spend/report?" + query).getJsonArray("groups").stream().map(JsonObject.class::cast)
                .collect(Collectors.toMap(g -> g.getString("group"), g -> new BigDecimal(g.getValue("spend").toString())));
    }

    private static BigDecimal money(JsonObject o, String field) { return new BigDecimal(o.getValue(field).toString()); }

    private static BigDecimal sum(Map<String, BigDecimal> m) { return m.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add); }

    private static String today() { return LocalDate.now(ZoneOffset.UTC).toString(); }

    @Test
    void spendPerTagIsTheReportsFigurePerTagInLiteLlmsTwoShapes() {
        Map<String, BigDecimal> byTag = report("group_by=tag");
        JsonArray rows = array("/spend/tags");
        Map<String, JsonObject> tags = rows.stream().map(JsonObject.class::cast)
                .collect(Collectors.toMap(o -> o.getString("individual_request_tag"), o -> o));
        assertThat(tags.get("proj-x").getInteger("log_count")).isEqualTo(3);
        assertThat(money(tags.get("proj-x"), "total_spend")).isEqualByComparingTo(byTag.get("proj-x"));
        assertThat(tags.get("batch").getInteger("log_count")).isEqualTo(1);
        assertThat(tags).containsKeys("proj-y", "user:alice", "team:red");

        // LiteLLM's UI chart: dates required, a list of tags (or all-tags)
        HttpResponse<String> noDates = admin.get("/global/spend/tags");
        assertThat(noDates.statusCode()).isEqualTo(400);
        assertThat(noDates.body()).contains("start_date");
        String window = "start_date=" + today() + "&end_date=" + today();
        JsonArray two = admin.getOk("/global/spend/tags?" + window + "&tags=proj-x,proj-y").getJsonArray("spend_per_tag");
        assertThat(two.stream().map(o -> ((JsonObject) o).getString("name")).toList()).containsExactlyInAnyOrder("proj-x", "proj-y");
        JsonObject projY = two.stream().map(JsonObject.class::cast).filter(o -> o.getString("name").equals("proj-y")).findFirst().orElseThrow();
        assertThat(money(projY, "spend")).isEqualByComparingTo(byTag.get("proj-y"));
        assertThat(projY.getInteger("log_count")).isEqualTo(1);
        assertThat(admin.getOk("/global/spend/tags?" + window + "&tags=all-tags").getJsonArray("spend_per_tag")).hasSize(byTag.size());
        assertThat(admin.getOk("/global/spend/tags?start_date=2020-01-01&end_date=2020-01-02").getJsonArray("spend_per_tag")).isEmpty();
    }

    @Test
    void globalSpendKeysModelsAndDaysAreTheLast30DaysOfTheLedger() {
        BigDecimal total = sum(report("group_by=key"));
        assertThat(total).isPositive();
        JsonObject global = admin.getOk("/global/spend");
        assertThat(money(global, "spend")).isEqualByComparingTo(total);
        assertThat(global.containsKey("max_budget")).isTrue();
        assertThat(global.getValue("max_budget")).isNull();

        JsonArray days = array("/global/spend/logs");
        assertThat(days).hasSize(1);
        assertThat(days.getJsonObject(0).getString("date")).isEqualTo(today());
        assertThat(money(days.getJsonObject(0), "spend")).isEqualByComparingTo(total);
        JsonArray aDays = array("/global/spend/logs?api_key=" + a.getString("key"));
        assertThat(aDays.getJsonObject(0).getString("api_key")).as("LiteLLM's api_key: the token hash").isEqualTo(a.getString("token"));
        assertThat(money(aDays.getJsonObject(0), "spend")).isEqualByComparingTo(report("group_by=key").get(a.getString("key_id")));

        JsonArray keys = array("/global/spend/keys");
        assertThat(keys).hasSize(3);
        JsonObject top = array("/global/spend/keys?limit=1").getJsonObject(0);
        assertThat(money(top, "total_spend")).isEqualByComparingTo(keys.stream().map(o -> money((JsonObject) o, "total_spend")).max(BigDecimal::compareTo).orElseThrow());
        JsonObject keyA = keys.stream().map(JsonObject.class::cast).filter(k -> "app-a".equals(k.getString("key_alias"))).findFirst().orElseThrow();
        assertThat(keyA.getString("api_key")).isEqualTo(a.getString("token"));
        assertThat(keyA.getString("key_name")).isEqualTo(a.getString("key_name"));
        assertThat(keyA.getString("key_id")).isEqualTo(a.getString("key_id"));
        assertThat(keys.encode()).doesNotContain(a.getString("key")).doesNotContain(b.getString("key"));
        assertThat(admin.get("/global/spend/keys?limit=0").statusCode()).isEqualTo(400);

        JsonArray models = array("/global/spend/models");
        assertThat(models.stream().map(o -> ((JsonObject) o).getString("model")).toList())
                .containsExactly("mock/smart-model", "mock/cheap-model"); // the most expensive first
        assertThat(models.stream().map(o -> money((JsonObject) o, "total_spend")).reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo(total);
        assertThat(array("/global/spend/models?limit=1")).hasSize(1);
    }

    @Test
    void everySpendRouteNeedsTheMasterKey() {
        for (String path : List.of("/spend/tags", "/global/spend", "/global/spend/logs", "/global/spend/keys",
                "/global/spend/models", "/global/spend/tags?start_date=" + today() + "&end_date=" + today())) {
            assertThat(Http.get(gw.baseUrl() + path, a.getString("key")).statusCode()).as(path).isEqualTo(403);
            assertThat(Http.get(gw.baseUrl() + path, null).statusCode()).as(path).isEqualTo(401);
        }
        assertThat(admin.get("/global/spend?colour=blue").body()).contains("colour");
    }

    @Test
    void spendLogsGivesLiteLlmsShapesWhenSummarizeAsksForThem() {
        JsonArray rows = array("/spend/logs?summarize=false");
        assertThat(rows).hasSize(5);
        JsonObject row = rows.getJsonObject(0);
        assertThat(row.containsKey("api_key")).isTrue();
        assertThat(row.containsKey("spend")).isTrue();
        assertThat(array("/spend/logs?summarize=false&api_key=" + a.getString("key"))).hasSize(3)
                .allSatisfy(o -> assertThat(((JsonObject) o).getString("api_key")).isEqualTo(a.getString("token")));
        assertThat(array("/spend/logs?summarize=false&page_size=2")).hasSize(2);
        // without dates LiteLLM's summarize changes nothing: its list of rows
        assertThat(array("/spend/logs?summarize=true")).hasSize(5);

        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        JsonArray summaries = array("/spend/logs?summarize=true&start_date=" + today() + "&end_date=" + tomorrow);
        assertThat(summaries).hasSize(2);
        JsonObject day = summaries.getJsonObject(0);
        assertThat(day.getString("startTime")).isEqualTo(today());
        assertThat(money(day, "spend")).isEqualByComparingTo(sum(report("group_by=key")));
        assertThat(money(day, a.getString("token"))).isEqualByComparingTo(report("group_by=key").get(a.getString("key_id")));
        assertThat(money(day.getJsonObject("users"), "alice")).isEqualByComparingTo(report("group_by=key").get(a.getString("key_id")));
        assertThat(day.getJsonObject("models").fieldNames()).containsExactlyInAnyOrder("mock/cheap-model", "mock/smart-model");
        JsonObject empty = summaries.getJsonObject(1);
        assertThat(empty.getString("startTime")).isEqualTo(tomorrow);
        assertThat(money(empty, "spend")).isZero();

        // the paged object stays the answer of a client that does not name summarize
        assertThat(admin.getOk("/spend/logs?start_date=" + today() + "&end_date=" + tomorrow).getInteger("total")).isEqualTo(5);
        assertThat(admin.get("/spend/logs?summarize=perhaps").body()).contains("summarize");
    }

    @Test
    void theReportTakesLiteLlmsUserTeamAndCustomerFilters() {
        Map<String, BigDecimal> all = report("group_by=key");
        assertThat(report("group_by=key&internal_user_id=alice")).containsOnlyKeys(a.getString("key_id"));
        assertThat(report("group_by=key&team_id=red").get(a.getString("key_id"))).isEqualByComparingTo(all.get(a.getString("key_id")));
        assertThat(report("group_by=key&team_id=blue")).isEmpty();
        assertThat(report("group_by=customer&customer_id=cust-2")).containsOnlyKeys("cust-2");
        assertThat(report("group_by=customer&customer_id=cust-2").get("cust-2")).isEqualByComparingTo(all.get(b.getString("key_id")));
        assertThat(report("group_by=key&customer_id=cust-1&team_id=red")).containsOnlyKeys(a.getString("key_id"));
        assertThat(report("group_by=key&customer_id=cust-1")).doesNotContainKey(b.getString("key_id"));
    }
}
