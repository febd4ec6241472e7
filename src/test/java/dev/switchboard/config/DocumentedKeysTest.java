package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys LiteLLM documents that check called "unknown (LiteLLM documents none of that name)" (QA finding 6). */
class DocumentedKeysTest {
    private static GatewayConfig load(String yaml) { return new ConfigLoader(Map.of("K", "k")::get).parse(yaml); }

    @Test
    void safetySettingsAndModelIdAreKeptForTheirProvidersAndNamedOnOthers() {
        GatewayConfig c = load("""
                model_list:
                  - model_name: g
                    litellm_params:
                      model: gemini/gemini-2.5-flash
                      api_key: os.environ/K
                      safety_settings: [{ category: HARM_CATEGORY_HARASSMENT, threshold: BLOCK_NONE }]
                  - model_name: b
                    litellm_params: { model: "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", model_id: "arn:aws:bedrock:us-east-1:1:provisioned-model/x", aws_region_name: us-east-1 }
                  - model_name: o
                    litellm_params: { model: openai/gpt-4o, api_key: os.environ/K, safety_settings: [], model_id: x }
                  - model_name: llama3
                    litellm_params: { model: ollama_chat/llama3, keep_alive: 8m }
                general_settings: { disable_error_logs: true }
                """);
        assertThat(c.deployments().get(0).params()).containsKey("safety_settings");
        assertThat(c.deployments().get(1).params()).containsEntry("model_id", "arn:aws:bedrock:us-east-1:1:provisioned-model/x");
        assertThat(c.deployments().get(2).params()).doesNotContainKeys("safety_settings", "model_id");
        assertThat(c.warnings()).noneMatch(w -> w.contains("LiteLLM documents none"))
                .anyMatch(w -> w.contains("safety_settings is read by [gemini, vertex_ai, vertex_ai_beta] deployments, this one is openai/"))
                .anyMatch(w -> w.contains("model_id is read by [bedrock] deployments"))
                .anyMatch(w -> w.contains("general_settings.disable_error_logs: not supported, ignored: failed calls are still kept"))
                .anyMatch(w -> w.contains("litellm_params.keep_alive: not supported, ignored: Ollama's keep_alive is not sent"));
    }
}
