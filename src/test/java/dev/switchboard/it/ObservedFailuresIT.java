package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failed requests seen as well as served ones: a failure's latency is timed, the metrics' error labels are the
 * gateway's own (a fixed set, whatever an upstream puts in its error type), the first request failing leaves the
 * HELP text in place, an error answer carries its trace id, and a failed request's log row names the deployment it
 * failed at.
 */
class ObservedFailuresIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("broken=broken-model", "slow=slow-model") + """
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        gw.simulator.behaveAlways("broken-model", SimBehaviour.status(500));
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void aFailedRequestIsTimedLabelledByTheGatewayTracedAndLogged() {
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"broken\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "traceparent", "00-" + trace + "-b7ad6b7169203331-01");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.headers().firstValue("x-switchboard-trace-id")).as("an error answer names its trace too").hasValue(trace);

        String metrics = Http.get(gw.baseUrl() + "/metrics", TestGateway.MASTER_KEY).body();
        assertThat(metrics).as("the first request failed: the HELP text is there all the same")
                .contains("# HELP switchboard_requests_total Requests by alias");
        assertThat(metrics.lines().filter(l -> l.startsWith("switchboard_request_duration_seconds_count{") && l.contains("model=\"broken\"")))
                .as("a failed request is timed").singleElement().satisfies(l -> assertThat(l).doesNotEndWith(" 0"));
        assertThat(metrics.lines().filter(l -> l.startsWith("switchboard_attempt_errors_total{")))
                .as("the gateway's own error type, not the upstream's").singleElement()
                .satisfies(l -> assertThat(l).contains("error_type=\"upstream_error\"").contains("deployment=\"openai/broken-model\""));

        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        JsonObject row = await().atMost(Duration.ofSeconds(5)).until(() -> {
            HttpResponse<String> l = Http.get(gw.baseUrl() + "/logs/" + id, TestGateway.MASTER_KEY);
            return l.statusCode() == 200 ? new JsonObject(l.body()) : null;
        }, o -> o != null);
        assertThat(row.getInteger("status")).isEqualTo(502);
        assertThat(row.getString("deployment")).as("where it failed").isEqualTo("openai/broken-model");
    }

    /** A client hanging up says nothing about the provider: the dashboard's provider errors leave the 499 out. */
    @Test
    void theDashboardsProviderErrorsLeaveOutClientsThatLeft() throws Exception {
        Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"broken\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        gw.simulator.enqueue("slow-model", SimBehaviour.slowFirstByte(5_000));
        int before = gw.simulator.arrivals();
        try (java.net.Socket client = dev.switchboard.support.RawPost.open(gw, "/v1/chat/completions",
                "{\"model\":\"slow\",\"messages\":[{\"role\":\"user\",\"content\":\"leave\"}]}")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> gw.simulator.arrivals() > before);
        } // gone before the answer
        await().atMost(Duration.ofSeconds(5)).until(() -> Http.get(gw.baseUrl() + "/spend/logs?model=slow", TestGateway.MASTER_KEY)
                .body().contains("\"status\":499"));
        JsonObject errors = await().atMost(Duration.ofSeconds(5)).until(() -> new JsonObject(Http.get(gw.baseUrl()
                + "/ui/api/overview", TestGateway.MASTER_KEY).body()).getJsonObject("errors"), e -> e.getLong("total") > 0);
        assertThat(errors.getJsonArray("series").stream().map(o -> ((JsonObject) o).getString("deployment")))
                .contains("openai/broken-model").doesNotContain("openai/slow-model");
    }
}
