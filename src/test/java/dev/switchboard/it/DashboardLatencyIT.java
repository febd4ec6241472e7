package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's latency per model on a fallback whose first model fails slowly, twice (a retry after a backoff),
 * before a quick one serves: the serving model's latency is its own attempt's, the request's whole time stays the
 * request log's, and each failed attempt's row starts when that attempt started (QA finding F7).
 */
class DashboardLatencyIT {
    /** How long the failing model takes to answer its 500. */
    static final long FAIL_MS = 500;
    static TestGateway gw;
    static final List<String> ids = new ArrayList<>();

    @BeforeAll
    static void start() {
        gw = TestGateway.start(TestGateway.simModels("primary=primary-model", "backup=backup-model") + """
                router_settings:
                  num_retries: 1
                  retry_backoff: 0.1
                  allowed_fails: 1000          # no cooldown: every call tries the failing model twice
                  fallbacks: [{ primary: [backup] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        gw.simulator.behaveAlways("primary-model", new SimBehaviour(500, 0, FAIL_MS, 0, 0, 1, null));
        for (int i = 0; i < 3; i++) {
            boolean stream = i == 2;
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"primary\"," + (stream ? "\"stream\":true," : "")
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"call " + i + "\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
            assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("openai/backup-model");
            ids.add(r.headers().firstValue("x-switchboard-request-id").orElseThrow());
        }
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static long millis(JsonObject row, String field) { return Instant.parse(row.getString(field)).toEpochMilli(); }

    @Test
    void theServedModelsLatencyIsItsOwnAttemptsAndTheRequestKeepsItsWholeTime() {
        for (String id : ids) {
            JsonArray rows = new Admin(gw).getOk("/ui/api/requests/" + id).getJsonArray("rows");
            assertThat(rows).as(rows.encodePrettily()).hasSize(3);
            JsonObject served = rows.getJsonObject(0), first = rows.getJsonObject(1), second = rows.getJsonObject(2);
            assertThat(served.getString("deployment")).isEqualTo("openai/backup-model");
            // the request's time: both failed attempts and the wait between them, what the client waited
            assertThat(served.getLong("latency_ms")).as(served.encode()).isGreaterThanOrEqualTo(2 * FAIL_MS);
            assertThat(millis(served, "endTime") - millis(served, "startTime")).isEqualTo(served.getLong("latency_ms"));
            // the serving attempt's own time (for a stream, to its last byte): the quick model's, not the failing one's
            assertThat(served.getLong("upstream_ms")).as(served.encode()).isLessThan(FAIL_MS);
            for (JsonObject failed : List.of(first, second)) {
                assertThat(failed.getString("deployment")).isEqualTo("openai/primary-model");
                assertThat(failed.getLong("latency_ms")).isGreaterThanOrEqualTo(FAIL_MS).isEqualTo(failed.getLong("upstream_ms"));
                // its own start: its end less its own latency, not the request's start
                assertThat(millis(failed, "endTime") - millis(failed, "startTime")).as(failed.encode())
                        .isEqualTo(failed.getLong("latency_ms"));
            }
            // each startTime is its row's end less its latency, both whole milliseconds measured on different clocks
            // (wall and monotonic): two derived starts of one instant may differ by the rounding, 1 ms
            assertThat(millis(first, "startTime")).isGreaterThanOrEqualTo(millis(served, "startTime") - 1);
            // the retry started after the first attempt had failed (and its backoff passed), not with the request
            assertThat(millis(second, "startTime")).as(rows.encodePrettily()).isGreaterThanOrEqualTo(millis(first, "endTime"));
            assertThat(millis(second, "startTime") - millis(served, "startTime")).isGreaterThanOrEqualTo(FAIL_MS);
        }
    }

    @Test
    void theRequestLogKeepsTheRequestsWholeTime() {
        for (String id : ids) {
            JsonObject log = null;
            for (int i = 0; i < 50 && log == null; i++) { // written in batches behind the request
                log = new Admin(gw).getOk("/ui/api/requests/" + id).getJsonObject("log");
                if (log == null) sleep(100);
            }
            assertThat(log).as("the request log's row of " + id).isNotNull();
            assertThat(log.getString("deployment")).isEqualTo("openai/backup-model");
            assertThat(log.getLong("latency_ms")).as(log.encode()).isGreaterThanOrEqualTo(2 * FAIL_MS);
        }
    }

    @Test
    void latencyPerModelChargesTheFallbacksTimeToNoModelThatDidNotTakeIt() {
        JsonArray latency = new Admin(gw).getOk("/ui/api/overview").getJsonArray("latency");
        JsonObject backup = null;
        for (Object o : latency) if ("openai/backup-model".equals(((JsonObject) o).getString("deployment"))) backup = (JsonObject) o;
        assertThat(backup).as(latency.encodePrettily()).isNotNull();
        assertThat(backup.getLong("requests")).isEqualTo(3);
        // each call's request took two failures of FAIL_MS and a backoff: none of it is the backup model's
        assertThat(backup.getLong("p95_ms")).as(backup.encode()).isLessThan(FAIL_MS);
        // the failing model served nothing: it has no latency of calls that succeeded (its errors are in the error panel)
        for (Object o : latency) assertThat(((JsonObject) o).getString("deployment")).isNotEqualTo("openai/primary-model");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
