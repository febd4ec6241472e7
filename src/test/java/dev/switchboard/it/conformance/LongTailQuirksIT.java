package dev.switchboard.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the long-tail services refuse is a clear 400 before any call, and prefixes we do not serve stop the config. */
class LongTailQuirksIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: glm
                    litellm_params: { model: zhipu/glm-4-plus, api_base: "${SIM_ROOT}/quirks/zhipu/v1", api_key: sk-zhipu-test-9f8e7d6c }
                  - model_name: sonar
                    litellm_params: { model: perplexity/sonar-pro, api_base: "${SIM_ROOT}/quirks/perplexity/v1", api_key: sk-pplx-test-9f8e7d6c }
                  - model_name: command
                    litellm_params: { model: cohere/command-a-03-2025, api_base: "${SIM_ROOT}/quirks/cohere/v1", api_key: sk-co-test-9f8e7d6c }
                  - model_name: mistral
                    litellm_params: { model: mistral/mistral-small-latest, api_base: "${SIM_ROOT}/quirks/mistral/v1", api_key: sk-mi-test-9f8e7d6c }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static final String TOOL = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]";

    private static JsonObject refused(String alias, String extra, String field) {
        int before = gw.simulator.arrivals();
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"" + alias + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + extra + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject e = new JsonObject(r.body()).getJsonObject("error");
        assertThat(e.getString("param")).isEqualTo(field);
        assertThat(gw.simulator.arrivals()).as("refused before any call").isEqualTo(before);
        return e;
    }

    @Test
    void zhipuTakesToolChoiceAutoOnly() {
        assertThat(refused("glm", TOOL + ",\"tool_choice\":\"required\"", "tool_choice").getString("message"))
                .contains("zhipu/ does not accept tool_choice other than \"auto\"");
        HttpResponse<String> auto = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"glm\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + TOOL + ",\"tool_choice\":\"auto\"}");
        assertThat(auto.statusCode()).as(auto.body()).isEqualTo(200);
    }

    @Test
    void perplexityHasNoTools() {
        assertThat(refused("sonar", TOOL, "tools").getString("message")).contains("perplexity/ does not accept 'tools'");
    }

    @Test
    void cohereRefusesWhatItsCompatibilityApiDoesNotSupport() {
        refused("command", "\"parallel_tool_calls\":false," + TOOL, "parallel_tool_calls");
        refused("command", "\"n\":2", "n");
    }

    @Test
    void mistralGetsMaxTokensAndNoStreamOptionsAndItsUsageStillCounts() {
        String stream = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"mistral\",\"stream\":true,\"max_completion_tokens\":50,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").body();
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getInteger("max_tokens")).isEqualTo(50);
        assertThat(sent.containsKey("max_completion_tokens")).isFalse();
        assertThat(sent.containsKey("stream_options")).isFalse();
        assertThat(stream).contains("\"choices\":[],").contains("\"completion_tokens\":").endsWith("data: [DONE]\n\n");
    }

    /**
     * Perplexity's top-level {@code citations} and {@code search_results} (fields OpenAI's schema has not) come back as
     * sent, on the answer and on every streamed chunk: they are the answer's sources, and were dropped.
     */
    @Test
    void perplexityCitationsAndSearchResultsComeBackStreamedAndNot() {
        String ask = "{\"model\":\"sonar\",\"messages\":[{\"role\":\"user\",\"content\":\"who won?\"}]";
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, ask + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject answer = new JsonObject(r.body());
        assertThat(answer.getJsonArray("citations").getString(0)).isEqualTo("https://example.com/simulated-source");
        assertThat(answer.getJsonArray("search_results").getJsonObject(0).getString("title")).isEqualTo("Simulated source");
        assertThat(answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content")).contains("who won?");

        String stream = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                ask + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}").body();
        java.util.List<JsonObject> chunks = Http.sseData(stream).stream().filter(d -> d.startsWith("{")).map(JsonObject::new).toList();
        assertThat(chunks).isNotEmpty();
        for (JsonObject c : chunks.stream().filter(c -> !c.getJsonArray("choices").isEmpty()).toList()) {
            assertThat(c.getJsonArray("citations")).as(c.encode()).hasSize(1);
            assertThat(c.getJsonArray("search_results")).as(c.encode()).hasSize(1);
        }
        assertThat(stream).endsWith("data: [DONE]\n\n");
    }

    @Test
    void textCompletionOpenAiAndSagemakerAreNamedAsNotSupported() {
        for (String model : new String[] {"text-completion-openai/gpt-3.5-turbo-instruct", "sagemaker/jumpstart-llama"}) {
            assertThatThrownBy(() -> TestGateway.start("model_list:\n  - model_name: x\n    litellm_params: { model: " + model + " }\n").close())
                    .hasStackTraceContaining("is not supported by Switchboard");
        }
    }
}
