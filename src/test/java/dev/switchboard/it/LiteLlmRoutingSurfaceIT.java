package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What LiteLLM's docs tell users to check after a move (QA finding 7): the x-litellm-model-id / -api-base headers, the
 * model_group_alias names on /v1/model/info and /v1/model_group/info; and its request test controls, which must never
 * reach the provider (QA finding 5).
 */
class LiteLlmRoutingSurfaceIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt-3.5-turbo
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { id: default-model }
                  - model_name: plain
                    litellm_params: { model: openai/gpt-4o, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                  model_group_alias: { "gpt-4": "gpt-3.5-turbo" }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """);
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static HttpResponse<String> chat(String model, String extra) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]" + extra + "}");
    }

    @Test
    void answersNameTheDeploymentAsLiteLlmsHeadersDo() {
        HttpResponse<String> r = chat("gpt-3.5-turbo", "");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-litellm-model-id")).hasValue("default-model");
        String base = r.headers().firstValue("x-litellm-model-api-base").orElseThrow();
        assertThat(base).startsWith("http://").doesNotContain("?").doesNotContain("@");
        assertThat(chat("plain", "").headers().firstValue("x-litellm-model-id")).hasValue("openai/gpt-4o");
    }

    @Test
    void groupAliasesAreOnModelInfoAndModelGroupInfoUnderV1() {
        List<String> infoNames = admin.getOk("/v1/model/info").getJsonArray("data").stream()
                .map(o -> ((JsonObject) o).getString("model_name")).toList();
        assertThat(infoNames).contains("gpt-3.5-turbo", "gpt-4", "plain");
        HttpResponse<String> groups = admin.get("/v1/model_group/info");
        assertThat(groups.statusCode()).isEqualTo(200);
        List<String> groupNames = new JsonObject(groups.body()).getJsonArray("data").stream()
                .map(o -> ((JsonObject) o).getString("model_group")).toList();
        assertThat(groupNames).contains("gpt-3.5-turbo", "gpt-4", "plain");
        assertThat(admin.getOk("/model_group/info?model_group=gpt-4").getJsonArray("data")).hasSize(1);
    }

    @Test
    void liteLlmsTestControlsAreRefusedNotSentUpstream() {
        for (String f : List.of("\"mock_testing_fallbacks\":true", "\"mock_testing_rate_limit_error\":true",
                "\"mock_testing_context_window_fallbacks\":true", "\"mock_testing_content_policy_fallbacks\":true",
                "\"mock_response\":\"It is a mock\"")) {
            int before = gw.simulator.received().size();
            HttpResponse<String> r = chat("gpt-3.5-turbo", "," + f);
            assertThat(r.statusCode()).as(f).isEqualTo(400);
            assertThat(r.body()).contains("LiteLLM's test control");
            assertThat(gw.simulator.received()).as("nothing called for " + f).hasSize(before);
        }
        HttpResponse<String> off = chat("gpt-3.5-turbo", ",\"mock_testing_fallbacks\":false");
        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(gw.simulator.last().body().containsKey("mock_testing_fallbacks")).isFalse();
    }
}
