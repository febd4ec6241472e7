package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnprocessableEntityException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's {@code budget_exceeded_status_code}: every budget refusal (a key's, an end user's, the global one) answers
 * with the status it names — here LiteLLM v1.104's default, 422 — keeping its {@code budget_exceeded} type, in both
 * dialects; the official SDKs see the exception of that status and do not retry it.
 */
class BudgetStatusCodeIT {
    static TestGateway gw;
    static Admin admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.00001, output_cost_per_token: 0.00002 }
                litellm_settings:
                  budget_exceeded_status_code: "422"   # quoted, as os.environ/ values come: read as the number
                  max_end_user_budget: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        admin = new Admin(gw);
    }

    @AfterAll
    static void stop() { gw.close(); }

    @Test
    void aKeysAndAnEndUsersRefusalAnswerWithTheConfiguredStatus() {
        String key = admin.generate(new JsonObject().put("key_alias", "status-422").put("max_budget", 0)).getString("key");
        HttpResponse<String> keyRefusal = Http.post(gw.v1() + "/chat/completions", key,
                "{\"model\":\"gpt\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(keyRefusal.statusCode()).isEqualTo(422);
        JsonObject error = new JsonObject(keyRefusal.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("budget_exceeded");
        assertThat(error.getString("message")).startsWith("Budget has been exceeded!");

        HttpResponse<String> endUserRefusal = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"claude\","
                + "\"max_tokens\":10,\"metadata\":{\"user_id\":\"pat\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(endUserRefusal.statusCode()).isEqualTo(422);
        assertThat(new JsonObject(endUserRefusal.body()).getJsonObject("error").getString("message"))
                .startsWith("ExceededBudget: End User=pat over budget.");

        OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(key).maxRetries(2).build();
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(TestGateway.MASTER_KEY).maxRetries(2).build();
        try {
            int before = gw.simulator.arrivals();
            assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                    .maxCompletionTokens(10).addUserMessage("hi").build()))
                    .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("Budget has been exceeded!");
            assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(10)
                    .metadata(com.anthropic.models.messages.Metadata.builder().userId("pat").build()).addUserMessage("hi").build()))
                    .isInstanceOf(com.anthropic.errors.UnprocessableEntityException.class).hasMessageContaining("ExceededBudget: End User=pat");
            assertThat(gw.simulator.arrivals()).as("nothing reached a provider, nothing was retried").isEqualTo(before);
        } finally {
            openai.close();
            anthropic.close();
        }
        // a call within every budget is served as ever
        assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
    }
}
