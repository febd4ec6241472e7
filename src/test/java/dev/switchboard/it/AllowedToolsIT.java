package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's {@code allowed_tools} tool choice (a subset of {@code tools} usable this turn): OpenAI gets it as written,
 * Anthropic and Gemini, which have no such choice, get only the allowed tools with the choice's mode; from chat
 * completions and from the Responses API.
 */
class AllowedToolsIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: gemini
                    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}},"
            + "{\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"parameters\":{\"type\":\"object\"}}}]";
    private static final String CHOICE = "\"tool_choice\":{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"required\","
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]}}";

    private static HttpResponse<String> chat(String model, String choice) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"" + model + "\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"weather in Paris?\"}]," + TOOLS + "," + choice + "}");
    }

    @Test
    void openAiGetsTheChoiceAsWritten() {
        HttpResponse<String> r = chat("gpt", CHOICE);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getJsonArray("tools")).hasSize(2);
        assertThat(sent.getJsonObject("tool_choice").getJsonObject("allowed_tools").getString("mode")).isEqualTo("required");
    }

    @Test
    void anthropicAndGeminiGetOnlyTheAllowedTools() {
        HttpResponse<String> claude = chat("claude", CHOICE);
        assertThat(claude.statusCode()).as(claude.body()).isEqualTo(200);
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getJsonArray("tools")).hasSize(1);
        assertThat(sent.getJsonArray("tools").getJsonObject(0).getString("name")).isEqualTo("get_weather");
        assertThat(sent.getJsonObject("tool_choice").getString("type")).isEqualTo("any");

        HttpResponse<String> gemini = chat("gemini", CHOICE.replace("required", "auto"));
        assertThat(gemini.statusCode()).as(gemini.body()).isEqualTo(200);
        JsonArray decls = gw.simulator.last().body().getJsonArray("tools").getJsonObject(0).getJsonArray("functionDeclarations");
        assertThat(decls).hasSize(1);
        assertThat(decls.getJsonObject(0).getString("name")).isEqualTo("get_weather");
    }

    @Test
    void theResponsesApisFormToo() {
        HttpResponse<String> r = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, """
                {"model":"claude","input":"weather in Paris?","tools":[
                  {"type":"function","name":"get_weather","parameters":{"type":"object"}},
                  {"type":"function","name":"get_time","parameters":{"type":"object"}}],
                 "tool_choice":{"type":"allowed_tools","mode":"auto","tools":[{"type":"function","name":"get_time"}]}}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray tools = gw.simulator.last().body().getJsonArray("tools");
        assertThat(tools).hasSize(1);
        assertThat(tools.getJsonObject(0).getString("name")).isEqualTo("get_time");
    }

    @Test
    void anAllowedToolThatIsNotAmongTheToolsIsA400() {
        HttpResponse<String> r = chat("gpt", CHOICE.replace("get_weather", "get_news"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("param")).isEqualTo("tool_choice.allowed_tools.tools");
        HttpResponse<String> mode = chat("gpt", CHOICE.replace("required", "sometimes"));
        assertThat(mode.statusCode()).isEqualTo(400);
    }
}
