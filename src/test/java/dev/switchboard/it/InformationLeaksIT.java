package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a caller without the master key could learn: not the traffic volume (ids), not the set-up (readiness). */
class InformationLeaksIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: mock
                    litellm_params: { model: mock/m }
                  - model_name: other
                    litellm_params: { model: mock/o }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void readinessSaysOnlyReadyWithoutTheMasterKey() {
        for (String key : new String[] {null, "sk-wrong"}) {
            HttpResponse<String> r = Http.get(gw.baseUrl() + "/health/readiness", key);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonObject body = new JsonObject(r.body());
            assertThat(body.fieldNames()).containsExactly("status");
            assertThat(body.getString("status")).isEqualTo("healthy");
        }
        JsonObject detail = new JsonObject(Http.get(gw.baseUrl() + "/health/readiness", TestGateway.MASTER_KEY).body());
        assertThat(detail.getInteger("models")).isEqualTo(2);
        assertThat(detail.getString("db")).isEqualTo("connected");
        assertThat(detail.getString("store")).startsWith("SQLite at ");
    }

    @Test
    void requestIdsAreRandomNotCounted() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = Http.get(gw.v1() + "/models", TestGateway.MASTER_KEY);
            String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
            assertThat(r.headers().firstValue("x-request-id")).contains(id);
            ids.add(id);
        }
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
        assertThat(ids).allMatch(id -> id.matches("req_[0-9a-f]{32}"));
        // the first 12 digits are the millisecond the id was made (RequestIds: so the store's indexes append), which
        // the caller knows anyway; consecutive ids differ in about half of the 80 random bits after it, where a
        // counter would change a handful
        long now = System.currentTimeMillis();
        assertThat(ids).allMatch(id -> Math.abs(Long.parseLong(id.substring(4, 16), 16) - now) < 600_000);
        double bitsChanged = 0;
        for (int i = 1; i < ids.size(); i++) {
            bitsChanged += new BigInteger(ids.get(i).substring(16), 16).xor(new BigInteger(ids.get(i - 1).substring(16), 16)).bitCount();
        }
        assertThat(bitsChanged / (ids.size() - 1)).isBetween(34.0, 46.0);
    }

    @Test
    void theLedgerRowCarriesTheIdTheCallerSaw() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\"id check\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        JsonObject logs = new Admin(gw).getOk("/spend/logs?page_size=50");
        assertThat(logs.getJsonArray("data").stream().map(o -> ((JsonObject) o).getString("request_id"))).contains(id);
    }
}
