package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Four entries of one {@code provider/model} (openai/gpt-4o): three with a {@code model_info.id}, one of them
 * unreachable and falling back on another, and one without. The ledger names the entry that served or failed each call
 * ({@code model_id} in {@code /spend/logs}, "" for the entry without an id), the attempt-error counter labels it, and
 * the dashboard's errors and latency are one row per entry. {@code deployment} stays {@code provider/model} everywhere.
 */
class DeploymentModelIdLedgerIT {
    static TestGateway gw;
    static final List<String> east = new ArrayList<>(), west = new ArrayList<>(), plain = new ArrayList<>();
    static String southRequest;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt-east
                    litellm_params: { model: openai/gpt-4o, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { id: gpt-east }
                  - model_name: gpt-west
                    litellm_params: { model: openai/gpt-4o, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { id: gpt-west }
                  - model_name: gpt-south
                    litellm_params: { model: openai/gpt-4o, api_base: "http://127.0.0.1:9/v1", api_key: sk-south-secret-0123456789 }
                    model_info: { id: gpt-south }
                  - model_name: gpt-plain
                    litellm_params: { model: openai/gpt-4o, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                  fallbacks: [{ gpt-south: [gpt-west] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        for (int i = 0; i < 2; i++) {
            east.add(call("gpt-east", i));
            west.add(call("gpt-west", i));
        }
        plain.add(call("gpt-plain", 0));
        southRequest = call("gpt-south", 0); // fails on gpt-south, served by gpt-west
    }

    private static String call(String model, int i) {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"call " + model + " " + i + "\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("x-switchboard-request-id").orElseThrow();
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static List<JsonObject> rows(JsonArray a) { return a.stream().map(JsonObject.class::cast).toList(); }

    private static List<JsonObject> ledgerRows(String requestId) {
        return rows(new Admin(gw).getOk("/spend/logs?request_id=" + requestId).getJsonArray("data"));
    }

    @Test
    void theLedgerNamesTheEntryThatServedOrFailedEachCall() {
        for (String id : east) {
            assertThat(ledgerRows(id)).singleElement().satisfies(r -> {
                assertThat(r.getString("deployment")).isEqualTo("openai/gpt-4o");
                assertThat(r.getString("model_id")).isEqualTo("gpt-east");
            });
        }
        for (String id : west) assertThat(ledgerRows(id)).singleElement().satisfies(r -> assertThat(r.getString("model_id")).isEqualTo("gpt-west"));
        assertThat(ledgerRows(plain.get(0))).as("an entry without model_info.id").singleElement()
                .satisfies(r -> assertThat(r.getString("model_id")).isEmpty());

        List<JsonObject> south = ledgerRows(southRequest);
        assertThat(south).hasSize(2);
        JsonObject failed = south.stream().filter(r -> r.getInteger("attempt") == 1).findFirst().orElseThrow();
        JsonObject served = south.stream().filter(r -> r.getInteger("attempt") == 0).findFirst().orElseThrow();
        assertThat(failed.getString("deployment")).isEqualTo("openai/gpt-4o");
        assertThat(failed.getString("model_id")).as(failed.encode()).isEqualTo("gpt-south");
        assertThat(failed.getInteger("status")).isGreaterThanOrEqualTo(400);
        assertThat(served.getString("deployment")).isEqualTo("openai/gpt-4o");
        assertThat(served.getString("model_id")).as(served.encode()).isEqualTo("gpt-west");
        assertThat(served.getString("route")).isEqualTo("fallback:error");

        // LiteLLM's own shape of /spend/logs carries it too (its rows' model_id)
        HttpResponse<String> lite = Http.get(gw.baseUrl() + "/spend/logs?summarize=false&request_id=" + southRequest, TestGateway.MASTER_KEY);
        assertThat(lite.statusCode()).as(lite.body()).isEqualTo(200);
        assertThat(rows(new JsonArray(lite.body())).stream().map(r -> r.getString("model_id")))
                .containsExactlyInAnyOrder("gpt-south", "gpt-west");
        // and the dashboard's attempt chain of the request
        JsonArray chain = new Admin(gw).getOk("/ui/api/requests/" + southRequest).getJsonArray("rows");
        assertThat(rows(chain).stream().map(r -> r.getString("model_id"))).containsExactlyInAnyOrder("gpt-south", "gpt-west");
    }

    @Test
    void theAttemptErrorCounterLabelsTheEntryThatFailed() {
        String metrics = new Admin(gw).get("/metrics").body();
        List<String> lines = metrics.lines().filter(l -> l.startsWith("switchboard_attempt_errors_total{")).toList();
        assertThat(lines).as(String.join("\n", lines)).singleElement().satisfies(l -> assertThat(l)
                .contains("deployment=\"openai/gpt-4o\"").contains("model_id=\"gpt-south\"").contains("provider=\"openai\"")
                .endsWith(" 1.0"));
        assertThat(metrics).doesNotContain("sk-south-secret").doesNotContain("127.0.0.1:9");
    }

    @Test
    void theDashboardsErrorsAndLatencyAreOneRowPerEntry() {
        JsonObject overview = new Admin(gw).getOk("/ui/api/overview");
        List<JsonObject> latency = rows(overview.getJsonArray("latency"));
        assertThat(latency).as(overview.getJsonArray("latency").encode()).allSatisfy(l -> assertThat(l.getString("deployment")).isEqualTo("openai/gpt-4o"));
        assertThat(latency.stream().map(l -> l.getString("model_id") + "=" + l.getLong("requests")))
                .as(overview.getJsonArray("latency").encode())
                .containsExactly("=1", "gpt-east=2", "gpt-west=3"); // gpt-west served the fallback too

        List<JsonObject> errors = rows(overview.getJsonObject("errors").getJsonArray("series"));
        assertThat(errors).as(overview.getJsonObject("errors").encode()).singleElement().satisfies(s -> {
            assertThat(s.getString("deployment")).isEqualTo("openai/gpt-4o");
            assertThat(s.getString("model_id")).isEqualTo("gpt-south");
            assertThat(s.getLong("total")).isEqualTo(1);
        });
    }
}
