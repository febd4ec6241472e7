package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's {@code GET /health} through a real socket: a real call to each deployment (a chat, or an embedding for
 * {@code mode: embedding}, a wildcard entry through its {@code health_check_model}), healthy and unhealthy endpoints in
 * LiteLLM's shape, {@code ?model=}, each check a ledger row, the master key required; then the background checks'
 * cached answer and {@code health_check_details: false}.
 */
class HealthChecksIT {
    static TestGateway gw;

    private static String entry(String alias, String model, String extra, String modelInfo) {
        return "  - model_name: \"" + alias + "\"\n    litellm_params: { model: " + model + ", api_base: \"${SIM}\", api_key: "
                + "os.environ/PROVIDER_KEY" + (extra == null ? "" : ", " + extra) + " }\n"
                + (modelInfo == null ? "" : "    model_info: " + modelInfo + "\n");
    }

    @BeforeAll
    static void start() {
        gw = TestGateway.start("model_list:\n"
                + entry("chat", "openai/chat-model", null, "{ id: chat-1, health_check_max_tokens: 3 }")
                + entry("broken", "openai/broken-model", null, null)
                + entry("vectors", "openai/embed-model", null, "{ mode: embedding }")
                + entry("openai/*", "openai/*", null, "{ health_check_model: openai/wild-model }")
                + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static List<JsonObject> received(String model) {
        return gw.simulator.received().stream().filter(r -> model.equals(r.body().getString("model"))).map(r -> r.body()).toList();
    }

    private static JsonObject endpoint(JsonArray list, String model) {
        for (Object o : list) if (((JsonObject) o).getString("model").equals(model)) return (JsonObject) o;
        throw new AssertionError(model + " not in " + list.encode());
    }

    @Test
    void everyDeploymentIsCalledAndSortedIntoHealthyAndUnhealthy() {
        gw.simulator.behaveAlways("broken-model", SimBehaviour.status(500));
        JsonObject h = new Admin(gw).getOk("/health");
        assertThat(h.getInteger("healthy_count")).as(h.encode()).isEqualTo(3);
        assertThat(h.getInteger("unhealthy_count")).isEqualTo(1);
        JsonObject chat = endpoint(h.getJsonArray("healthy_endpoints"), "openai/chat-model");
        assertThat(endpoint(h.getJsonArray("unhealthy_endpoints"), "openai/broken-model").getString("model_id"))
                .as("without model_info.id, the id ?model_id= takes").isEqualTo("openai/broken-model");
        assertThat(chat.getString("model_name")).isEqualTo("chat");
        assertThat(chat.getString("model_id")).isEqualTo("chat-1");
        assertThat(chat.getString("api_base")).startsWith("http://127.0.0.1:");
        assertThat(chat.getLong("latency_ms")).isNotNull();
        endpoint(h.getJsonArray("healthy_endpoints"), "openai/embed-model");
        endpoint(h.getJsonArray("healthy_endpoints"), "openai/wild-model");
        JsonObject broken = endpoint(h.getJsonArray("unhealthy_endpoints"), "openai/broken-model");
        assertThat(broken.getString("error")).contains("500").doesNotContain(TestGateway.PROVIDER_KEY);

        JsonObject ask = received("chat-model").get(0);
        assertThat(ask.containsKey("max_completion_tokens") ? ask.getInteger("max_completion_tokens") : ask.getInteger("max_tokens"))
                .as("health_check_max_tokens").isEqualTo(3);
        assertThat(gw.simulator.received().stream().anyMatch(r -> r.path().endsWith("/embeddings")
                && "embed-model".equals(r.body().getString("model")))).as("mode: embedding is checked with an embedding").isTrue();

        // each answered check was a real, billed call: a ledger row of the master key, call_type health_check
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonArray rows = new Admin(gw).getOk("/spend/logs?page_size=1000").getJsonArray("data");
            List<JsonObject> checks = rows.stream().map(o -> (JsonObject) o).filter(r -> "health_check".equals(r.getString("call_type"))).toList();
            assertThat(checks).extracting(r -> r.getString("model")).contains("chat", "vectors", "openai/wild-model");
        });
    }

    @Test
    void oneModelNameOrOneDeploymentAndOnlyForTheMasterKey() {
        int before = received("broken-model").size();
        JsonObject h = new Admin(gw).getOk("/health?model=chat");
        assertThat(h.getInteger("healthy_count") + h.getInteger("unhealthy_count")).isEqualTo(1);
        endpoint(h.getJsonArray("healthy_endpoints"), "openai/chat-model");
        assertThat(received("broken-model")).as("only the model asked for is called").hasSize(before);
        assertThat(new Admin(gw).getOk("/health?model_id=chat-1").getInteger("healthy_count")).isEqualTo(1);
        assertThat(Http.get(gw.baseUrl() + "/health", null).statusCode()).isEqualTo(401);
        assertThat(Http.get(gw.baseUrl() + "/health", "sk-wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void backgroundChecksAnswerFromTheLastRunAndDetailsCanBeHidden() {
        try (TestGateway bg = TestGateway.start("model_list:\n" + entry("solo", "openai/bg-model", null, null) + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  background_health_checks: true
                  health_check_interval: 3600
                  health_check_details: false
                """)) {
            Admin admin = new Admin(bg);
            JsonObject first = admin.getOk("/health");
            JsonObject second = admin.getOk("/health");
            assertThat(first.getInteger("healthy_count")).isEqualTo(1);
            assertThat(second.encode()).isEqualTo(first.encode());
            assertThat(bg.simulator.received().stream().filter(r -> "bg-model".equals(r.body().getString("model"))).count())
                    .as("one check at start, none per GET").isEqualTo(1);
            assertThat(first.getJsonArray("healthy_endpoints").getJsonObject(0).fieldNames()).containsExactly("model");
        }
    }

    @Test
    void aCheckPastItsTimeoutAndAWildcardThatCannotBeCheckedAreUnhealthyWithTheirReason() {
        try (TestGateway other = TestGateway.start("model_list:\n"
                + entry("slow", "openai/slow-model", null, "{ health_check_timeout: 1 }")
                + entry("claude-*", "openai/*", null, "{ health_check_model: no-family-model }")
                + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            other.simulator.behaveAlways("slow-model", SimBehaviour.slowFirstByte(3_000));
            long t0 = System.nanoTime();
            JsonObject h = new Admin(other).getOk("/health");
            assertThat((System.nanoTime() - t0) / 1_000_000).as("health_check_timeout: 1").isLessThan(2_900);
            assertThat(h.getInteger("unhealthy_count")).as(h.encode()).isEqualTo(2);
            assertThat(endpoint(h.getJsonArray("unhealthy_endpoints"), "openai/slow-model").getString("error"))
                    .contains("No answer within health_check_timeout (1 s)");
            assertThat(endpoint(h.getJsonArray("unhealthy_endpoints"), "claude-*").getString("error"))
                    .contains("health_check_model 'no-family-model' cannot be checked");
            // reset by the check's own timeout, after the provider had the prompt: a row, priced at it
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(new Admin(other)
                    .getOk("/spend/logs?page_size=100").getJsonArray("data").stream().map(o -> (JsonObject) o)
                    .filter(r -> "health_check".equals(r.getString("call_type")) && "slow".equals(r.getString("model")))
                    .toList()).singleElement().satisfies(r -> assertThat(r.getInteger("status")).isEqualTo(499)));
        }
    }
}
