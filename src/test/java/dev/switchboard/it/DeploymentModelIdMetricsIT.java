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
 * Two entries of one model group with the same {@code provider/model} (one reachable, one not), told apart by their
 * {@code model_info.id} where the router's series and the dashboard's cooldowns are concerned (QA run D, finding 3).
 * The existing {@code deployment} label stays {@code provider/model}; {@code model_id} is added beside it.
 */
class DeploymentModelIdMetricsIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt-pool
                    litellm_params: { model: openai/gpt-4o, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { id: gpt-east }
                  - model_name: gpt-pool
                    litellm_params: { model: openai/gpt-4o, api_base: "http://127.0.0.1:9/v1", api_key: sk-west-secret-0123456789 }
                    model_info: { id: gpt-west }
                router_settings:
                  num_retries: 2
                  allowed_fails: 0
                  cooldown_time: 60
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt-pool\",\"messages\":[{\"role\":\"user\",\"content\":\"call " + i + "\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void theCooldownSeriesNameTheEntryThatCooledDown() {
        String metrics = new Admin(gw).get("/metrics").body();
        assertThat(metrics).contains("switchboard_cooldowns_total{deployment=\"openai/gpt-4o\",model_id=\"gpt-west\"}");
        assertThat(metrics).doesNotContain("switchboard_cooldowns_total{deployment=\"openai/gpt-4o\",model_id=\"gpt-east\"}");
        // one gauge row per entry: the unreachable one cooling down, the other not
        assertThat(metrics).contains("switchboard_deployment_cooldown{alias=\"gpt-pool\",deployment=\"openai/gpt-4o\",model_id=\"gpt-west\"} 1.0");
        assertThat(metrics).contains("switchboard_deployment_cooldown{alias=\"gpt-pool\",deployment=\"openai/gpt-4o\",model_id=\"gpt-east\"} 0.0");
        assertThat(metrics).doesNotContain("sk-west-secret").doesNotContain("127.0.0.1:9");
    }

    @Test
    void theDashboardCountsCooldownsPerEntry() {
        JsonObject errors = new Admin(gw).getOk("/ui/api/overview").getJsonObject("errors");
        var cooldowns = errors.getJsonArray("cooldowns_since_start");
        assertThat(cooldowns.stream().map(o -> (JsonObject) o)
                .filter(c -> "gpt-west".equals(c.getString("model_id")) && "openai/gpt-4o".equals(c.getString("deployment"))))
                .as(cooldowns.encode()).hasSize(1);
        assertThat(cooldowns.stream().map(o -> (JsonObject) o).noneMatch(c -> "gpt-east".equals(c.getString("model_id"))))
                .as(cooldowns.encode()).isTrue();
    }
}
