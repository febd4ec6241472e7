package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the ledger and the request log say of each attempt and deployment entry, through the admin API: a failed
 * attempt's row names how the request came to its alias ({@code route}), the request log and the spend report by model
 * name the entry ({@code model_id}), and a cache hit names the entry whose answer it got.
 */
class LedgerEntryFidelityIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt-south
                    litellm_params: { model: openai/gpt-4o, api_base: "http://127.0.0.1:9/v1", api_key: sk-south-secret-0123456789 }
                    model_info: { id: gpt-south }
                  - model_name: gpt-north
                    litellm_params: { model: openai/gpt-4o, api_base: "http://127.0.0.1:9/v1", api_key: sk-north-secret-0123456789 }
                    model_info: { id: gpt-north }
                  - model_name: gpt-west
                    litellm_params: { model: openai/gpt-4o, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { id: gpt-west }
                  - model_name: gpt-cached
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, cache: true }
                    model_info: { id: gpt-cached-entry }
                  - model_name: plain-cached
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, cache: true }
                router_settings:
                  num_retries: 0
                  allowed_fails: 1000
                  fallbacks: [{ gpt-south: [gpt-north, gpt-west] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static HttpResponse<String> chat(String model, String text, boolean stream) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}");
    }

    private static JsonObject logRow(String requestId) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<String> got = Http.get(gw.baseUrl() + "/logs/" + requestId, TestGateway.MASTER_KEY);
            return got.statusCode() == 200 ? new JsonObject(got.body()) : null;
        }, java.util.Objects::nonNull);
    }

    /** Each failed attempt's row says how the request came to its alias, as the served row and the attempt's span do. */
    @Test
    void aFailedAttemptsRowNamesItsRoute() {
        HttpResponse<String> r = chat("gpt-south", "route of each attempt", false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<Integer, JsonObject> rows = admin.ledgerRows(r).stream().collect(Collectors.toMap(x -> x.getInteger("attempt"), x -> x));
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1).getString("model_id")).isEqualTo("gpt-south");
        assertThat(rows.get(1).getString("route")).as(rows.get(1).encode()).isEqualTo("primary");
        assertThat(rows.get(2).getString("model_id")).isEqualTo("gpt-north");
        assertThat(rows.get(2).getString("route")).as(rows.get(2).encode()).isEqualTo("fallback:error");
        assertThat(rows.get(0).getString("model_id")).isEqualTo("gpt-west");
        assertThat(rows.get(0).getString("route")).isEqualTo("fallback:error");
    }

    /** The request log names the entry: the one that served, or where a failed request's last attempt failed. */
    @Test
    void theRequestLogNamesTheDeploymentEntry() {
        HttpResponse<String> served = chat("gpt-west", "logged with its entry", false);
        assertThat(served.statusCode()).isEqualTo(200);
        JsonObject row = logRow(Admin.requestId(served));
        assertThat(row.getString("model_id")).as(row.encode()).isEqualTo("gpt-west");

        HttpResponse<String> failed = chat("gpt-north", "nobody answers", false);
        assertThat(failed.statusCode()).isGreaterThanOrEqualTo(500);
        JsonObject failedRow = logRow(Admin.requestId(failed));
        assertThat(failedRow.getString("deployment")).isEqualTo("openai/gpt-4o");
        assertThat(failedRow.getString("model_id")).as(failedRow.encode()).isEqualTo("gpt-north");

        JsonArray listed = admin.getOk("/logs?model=gpt-west").getJsonArray("data");
        assertThat(listed.stream().map(JsonObject.class::cast).filter(x -> x.getString("request_id").equals(Admin.requestId(served))))
                .singleElement().satisfies(x -> assertThat(x.getString("model_id")).isEqualTo("gpt-west"));
    }

    /** By model, the report has a group a deployment entry: two entries of openai/gpt-4o are told apart by model_id. */
    @Test
    void theSpendReportByModelNamesEachEntry() {
        assertThat(chat("gpt-south", "report by entry", false).statusCode()).isEqualTo(200);
        JsonObject report = admin.getOk("/global/spend/report?group_by=model");
        List<JsonObject> groups = report.getJsonArray("groups").stream().map(JsonObject.class::cast)
                .filter(g -> g.getString("group").equals("openai/gpt-4o")).toList();
        Map<String, JsonObject> byId = groups.stream().collect(Collectors.toMap(g -> g.getString("model_id"), g -> g));
        assertThat(byId.keySet()).as(report.encode()).contains("gpt-south", "gpt-north", "gpt-west");
        assertThat(byId.get("gpt-south").getLong("failed_attempts")).isGreaterThanOrEqualTo(1);
        assertThat(byId.get("gpt-south").getLong("requests")).isZero();
        assertThat(byId.get("gpt-west").getLong("requests")).isGreaterThanOrEqualTo(1);
        assertThat(byId.get("gpt-west").getLong("failed_attempts")).isZero();
    }

    /** A hit's row names the entry whose answer it got (stored with the answer), whole answers and streams alike. */
    @Test
    void aCacheHitNamesTheEntryThatProducedTheAnswer() {
        for (boolean stream : new boolean[] {false, true}) {
            String text = "cache me " + stream;
            HttpResponse<String> miss = chat("gpt-cached", text, stream);
            assertThat(miss.headers().firstValue("x-switchboard-cache")).hasValue("miss");
            HttpResponse<String> hit = await().atMost(Duration.ofSeconds(5)).until(() -> chat("gpt-cached", text, stream),
                    h -> h.headers().firstValue("x-switchboard-cache").orElse("").startsWith("hit"));
            JsonObject row = admin.ledgerRow(hit);
            assertThat(row.getString("cache_status")).startsWith("hit");
            assertThat(row.getString("model_id")).as("stream " + stream + ": " + row.encode()).isEqualTo("gpt-cached-entry");
            assertThat(admin.ledgerRow(miss).getString("model_id")).isEqualTo("gpt-cached-entry");
        }
        // an entry without a model_info.id: its hits name none either
        assertThat(chat("plain-cached", "no id", false).statusCode()).isEqualTo(200);
        HttpResponse<String> plainHit = await().atMost(Duration.ofSeconds(5)).until(() -> chat("plain-cached", "no id", false),
                h -> h.headers().firstValue("x-switchboard-cache").orElse("").startsWith("hit"));
        assertThat(admin.ledgerRow(plainHit).getString("model_id")).isEmpty();
    }
}
