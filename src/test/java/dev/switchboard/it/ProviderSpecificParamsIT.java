package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provider-specific litellm_params LiteLLM documents (QA: both were "unknown keys" and dropped): Gemini's
 * {@code safety_settings} (vertex.md "Set Safety Settings") and Bedrock's {@code model_id} (bedrock.md "Provisioned
 * throughput models"), through a real socket to the simulator.
 */
class ProviderSpecificParamsIT {
    static TestGateway gw;
    static final String ARN = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123";

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gemini-pro
                    litellm_params:
                      model: gemini/gemini-2.5-flash
                      api_base: "${SIM_ROOT}"
                      api_key: os.environ/GEMINI_PROVIDER_KEY
                      safety_settings:
                        - category: HARM_CATEGORY_HARASSMENT
                          threshold: BLOCK_NONE
                        - category: HARM_CATEGORY_HATE_SPEECH
                          threshold: BLOCK_NONE
                  - model_name: gemini-plain
                    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                  - model_name: bedrock-claude
                    litellm_params: { model: "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", model_id: "%s", %s }
                router_settings: { num_retries: 0 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """.formatted(ARN, TestGateway.BEDROCK_PARAMS));
    }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static HttpResponse<String> chat(String model, String extra) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}");
    }

    @Test
    void theDeploymentsSafetySettingsReachGeminiAsSafetySettings() {
        assertThat(chat("gemini-pro", "").statusCode()).isEqualTo(200);
        JsonArray sent = gw.simulator.last().body().getJsonArray("safetySettings");
        assertThat(sent).isEqualTo(new JsonArray()
                .add(new JsonObject().put("category", "HARM_CATEGORY_HARASSMENT").put("threshold", "BLOCK_NONE"))
                .add(new JsonObject().put("category", "HARM_CATEGORY_HATE_SPEECH").put("threshold", "BLOCK_NONE")));
    }

    @Test
    void theRequestsOwnSafetySettingsWin() {
        String own = ",\"safety_settings\":[{\"category\":\"HARM_CATEGORY_DANGEROUS_CONTENT\",\"threshold\":\"BLOCK_ONLY_HIGH\"}]";
        assertThat(chat("gemini-pro", own).statusCode()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("safetySettings")).isEqualTo(new JsonArray()
                .add(new JsonObject().put("category", "HARM_CATEGORY_DANGEROUS_CONTENT").put("threshold", "BLOCK_ONLY_HIGH")));
        assertThat(chat("gemini-plain", own).statusCode()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("safetySettings")).hasSize(1);
    }

    @Test
    void aProvisionedThroughputArnIsTheBedrockPathsModel() {
        HttpResponse<String> r = chat("bedrock-claude", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().path())
                .isEqualTo("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aprovisioned-model%2Fabc123/converse");
    }
}
