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
 * An Anthropic client's tool loop whose tool returned an image (Claude Code reading a screenshot) served by other
 * providers: the image reaches each in the place its API takes it, never dropped. OpenAI-style tool messages take text
 * only, so the image follows the tool messages as a user turn; Gemini takes it in the functionResponse's user turn;
 * Bedrock's toolResult takes image blocks.
 */
class ToolResultAttachmentsIT {
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    static TestGateway gw;

    @BeforeAll
    static void start() {
        String aws = TestGateway.BEDROCK_PARAMS;
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: gemini
                    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                  - model_name: bedrock
                    litellm_params: { model: bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0, %s }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """.formatted(aws));
    }

    @AfterAll
    static void stop() { gw.close(); }

    private static JsonObject send(String model) {
        String body = """
                {"model":"%s","max_tokens":200,
                 "tools":[{"name":"screenshot","description":"Takes a screenshot","input_schema":{"type":"object"}}],
                 "messages":[{"role":"user","content":"what is on my screen?"},
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"screenshot","input":{}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":[
                    {"type":"text","text":"screen captured"},
                    {"type":"image","source":{"type":"base64","media_type":"image/png","data":"%s"}}]},
                   {"type":"text","text":"describe it"}]}]}""".formatted(model, PNG);
        HttpResponse<String> r = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, body, "anthropic-version", "2023-06-01");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getString("type")).isEqualTo("message");
        return gw.simulator.last().body();
    }

    @Test
    void openAiStyleGetsTheImageAsAUserTurnRightAfterTheToolMessages() {
        JsonArray messages = send("gpt").getJsonArray("messages");
        assertThat(messages.getJsonObject(2).getString("role")).isEqualTo("tool");
        assertThat(messages.getJsonObject(2).getString("content")).isEqualTo("screen captured");
        JsonObject attachments = messages.getJsonObject(3);
        assertThat(attachments.getString("role")).isEqualTo("user");
        JsonArray parts = attachments.getJsonArray("content");
        assertThat(parts.getJsonObject(0).getString("text")).isEqualTo("Attachments of tool result toolu_01:");
        assertThat(parts.getJsonObject(1).getJsonObject("image_url").getString("url")).isEqualTo("data:image/png;base64," + PNG);
        assertThat(messages.getJsonObject(4).getString("content")).as("the turn's own text after them").isEqualTo("describe it");
    }

    @Test
    void parallelToolResultsStayTogetherBeforeTheAttachments() {
        String body = """
                {"model":"gpt","max_tokens":200,
                 "tools":[{"name":"screenshot","input_schema":{"type":"object"}},{"name":"clock","input_schema":{"type":"object"}}],
                 "messages":[{"role":"user","content":"what is on my screen, and the time?"},
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"screenshot","input":{}},
                                                 {"type":"tool_use","id":"toolu_02","name":"clock","input":{}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":[
                    {"type":"image","source":{"type":"base64","media_type":"image/png","data":"%s"}}]},
                   {"type":"tool_result","tool_use_id":"toolu_02","content":"12:00"}]}]}""".formatted(PNG);
        HttpResponse<String> r = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, body, "anthropic-version", "2023-06-01");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray messages = gw.simulator.last().body().getJsonArray("messages");
        assertThat(messages.stream().map(m -> ((JsonObject) m).getString("role")).toList())
                .as("OpenAI wants every tool message right after the assistant turn that called them")
                .containsExactly("user", "assistant", "tool", "tool", "user");
        assertThat(messages.getJsonObject(2).getString("content")).isEqualTo("(the result is in the attachments that follow)");
        assertThat(messages.getJsonObject(3).getString("content")).isEqualTo("12:00");
        assertThat(messages.getJsonObject(4).getJsonArray("content").getJsonObject(1).getString("type")).isEqualTo("image_url");
    }

    @Test
    void geminiGetsTheImageInTheFunctionResponsesTurn() {
        JsonArray contents = send("gemini").getJsonArray("contents");
        JsonArray parts = contents.getJsonObject(2).getJsonArray("parts");
        assertThat(parts.getJsonObject(0).getJsonObject("functionResponse").getString("name")).isEqualTo("screenshot");
        assertThat(parts.getJsonObject(1).getJsonObject("inlineData").getString("data")).isEqualTo(PNG);
        assertThat(parts.getJsonObject(1).getJsonObject("inlineData").getString("mimeType")).isEqualTo("image/png");
    }

    @Test
    void bedrockGetsTheImageInsideTheToolResult() {
        JsonArray messages = send("bedrock").getJsonArray("messages");
        JsonObject result = messages.getJsonObject(2).getJsonArray("content").getJsonObject(0).getJsonObject("toolResult");
        JsonArray content = result.getJsonArray("content");
        assertThat(content.getJsonObject(0).getString("text")).isEqualTo("screen captured");
        assertThat(content.getJsonObject(1).getJsonObject("image").getString("format")).isEqualTo("png");
        assertThat(content.getJsonObject(1).getJsonObject("image").getJsonObject("source").getString("bytes")).isEqualTo(PNG);
    }
}
