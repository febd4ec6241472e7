package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What real app frameworks found silently changed between dialects (issue #12, point 9): structured output asked in
 * one dialect reaches a provider of the other, embeddings come back in the encoding the client asked for, and a base
 * URL with one /v1 too many gets an answer in the client's dialect that says how to fix it.
 */
@ExtendWith(GatewayPerClass.class)
class DialectFidelityIT {
    static final String SCHEMA = """
            {"type":"object","properties":{"city":{"type":"string"},"temp":{"type":"number"}},
             "required":["city"],"additionalProperties":false}""";
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, ${SIM_OPENAI} }
                  - model_name: embedder
                    litellm_params: { model: openai/text-embedding-3-small, ${SIM_OPENAI} }
                  - model_name: floats-embedder
                    litellm_params: { model: openai/floats-only-embedder, ${SIM_OPENAI} }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, ${SIM_ANTHROPIC} }
                  - model_name: gemini
                    litellm_params: { model: gemini/gemini-2.5-flash, ${SIM_GEMINI} }
                """ + TestGateway.NO_RETRIES_MASTER_KEY);
    }

    private static HttpResponse<String> messages(String body) {
        return Http.post(gw.v1() + "/messages", null, body, "x-api-key", TestGateway.MASTER_KEY, "anthropic-version", "2023-06-01");
    }

    private static String anthropicBody(String model, String formatField) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":200,\"messages\":[{\"role\":\"user\",\"content\":\"weather in Paris?\"}],"
                + formatField + "}";
    }

    @Test
    void anthropicOutputConfigReachesAnOpenAiProviderAsResponseFormat() {
        for (boolean stream : new boolean[] {false, true}) {
            gw.simulator.reset();
            HttpResponse<String> r = messages(anthropicBody("gpt", "\"stream\":" + stream
                    + ",\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonObject format = gw.simulator.last().body().getJsonObject("response_format");
            assertThat(format).as("stream=" + stream).isNotNull();
            assertThat(format.getString("type")).isEqualTo("json_schema");
            assertThat(format.getJsonObject("json_schema").getString("name")).isEqualTo("response");
            assertThat(format.getJsonObject("json_schema").getJsonObject("schema")).isEqualTo(new JsonObject(SCHEMA));
        }
    }

    @Test
    void theOlderOutputFormatReachesGeminiAsResponseJsonSchema() {
        HttpResponse<String> r = messages(anthropicBody("gemini", "\"output_format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject config = gw.simulator.last().body().getJsonObject("generationConfig");
        assertThat(config.getString("responseMimeType")).isEqualTo("application/json");
        assertThat(config.getJsonObject("responseJsonSchema")).isEqualTo(new JsonObject(SCHEMA));
    }

    /**
     * An OpenAI json_schema as openai-node's zodTextFormat writes it (every integer bounded, a format Claude does not
     * enforce) reaches Claude in the subset its structured outputs take, as Anthropic's SDKs send it: the bounds in the
     * description, not the 400 Claude answers them with (QA leftover of the nineteenth session).
     */
    @Test
    void anOpenAiSchemaReachesClaudeInTheSubsetItsStructuredOutputsTake() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"claude","messages":[{"role":"user","content":"a person"}],"response_format":{"type":"json_schema",
                 "json_schema":{"name":"person","strict":true,"schema":{"type":"object","properties":{
                   "age":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991},
                   "name":{"type":"string","minLength":1}},"required":["age","name"],"additionalProperties":false}}}}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject schema = gw.simulator.last().body().getJsonObject("output_config").getJsonObject("format").getJsonObject("schema");
        assertThat(schema).isEqualTo(new JsonObject("""
                {"type":"object","properties":{
                   "age":{"type":"integer","description":"{minimum: -9007199254740991, maximum: 9007199254740991}"},
                   "name":{"type":"string","description":"{minLength: 1}"}},"additionalProperties":false,"required":["age","name"]}"""));
    }

    /**
     * A conversation that moves to Claude (a fallback, a client's model switch) with the thinking block another
     * provider's answer became ({@code "signature": ""}, as the gateway answers Gemini's thoughts): Claude never gets
     * the unsigned block it refuses, and the tool loop it leaves without a thinking block goes without thinking. The
     * same from the OpenAI dialect's {@code thinking_blocks}.
     */
    @Test
    void anUnsignedThinkingBlockNeverReachesClaude() {
        HttpResponse<String> r = messages("""
                {"model":"claude","max_tokens":4000,"thinking":{"type":"enabled","budget_tokens":2000},
                 "tools":[{"name":"w","input_schema":{"type":"object","properties":{}}}],"messages":[
                 {"role":"user","content":"weather?"},
                 {"role":"assistant","content":[{"type":"thinking","thinking":"Weighing it.","signature":""},
                   {"type":"tool_use","id":"toolu_01","name":"w","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"sunny"}]}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.encode()).doesNotContain("Weighing it.");
        assertThat(sent.containsKey("thinking")).isFalse();

        r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"claude","reasoning_effort":"low","tools":[{"type":"function","function":{"name":"w","parameters":{"type":"object"}}}],
                 "messages":[{"role":"user","content":"weather?"},
                 {"role":"assistant","content":null,"thinking_blocks":[{"type":"thinking","thinking":"Weighing it.","signature":""}],
                  "tool_calls":[{"id":"call_1","type":"function","function":{"name":"w","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"sunny"}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        sent = gw.simulator.last().body();
        assertThat(sent.encode()).doesNotContain("Weighing it.");
        assertThat(sent.containsKey("thinking")).isFalse();
    }

    @Test
    void anAnthropicAliasGetsOutputConfigUnchanged() {
        HttpResponse<String> r = messages(anthropicBody("claude", "\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("output_config").getJsonObject("format").getJsonObject("schema"))
                .isEqualTo(new JsonObject(SCHEMA));
    }

    @Test
    void aMalformedOutputFormatIsAnAnthropic400WhicheverProviderServes() {
        for (String model : new String[] {"gpt", "claude", "gemini"}) {
            for (String bad : new String[] {
                    "\"output_config\":{\"format\":{\"type\":\"json_object\"}}",
                    "\"output_config\":{\"format\":{\"type\":\"json_schema\"}}",
                    "\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":\"{}\"}}",
                    "\"output_config\":7",
                    "\"output_format\":[]"}) {
                gw.simulator.reset();
                HttpResponse<String> r = messages(anthropicBody(model, bad));
                assertThat(r.statusCode()).as(model + " " + bad + " → " + r.body()).isEqualTo(400);
                JsonObject e = new JsonObject(r.body());
                assertThat(e.getString("type")).isEqualTo("error");
                assertThat(e.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
                assertThat(e.getJsonObject("error").getString("message")).containsPattern("output_(config|format)");
                assertThat(gw.simulator.received()).as("refused before routing").isEmpty();
            }
        }
    }

    @Test
    void openAiJsonSchemaReachesAnthropicAsStructuredOutputs() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"claude","messages":[{"role":"user","content":"weather in Paris?"}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"weather","strict":true,"schema":%s}}}"""
                .formatted(SCHEMA));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject sent = gw.simulator.last().body();
        JsonObject format = sent.getJsonObject("output_config").getJsonObject("format");
        assertThat(format).isEqualTo(new JsonObject().put("type", "json_schema").put("schema", new JsonObject(SCHEMA)));
        assertThat(sent.getValue("system")).as("no prompt instruction when the API can constrain the output").isNull();
    }

    @Test
    void openAiJsonObjectStillAsksAnthropicInTheSystemPrompt() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"claude","messages":[{"role":"user","content":"weather in Paris?"}],"response_format":{"type":"json_object"}}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getValue("output_config")).isNull();
        assertThat(sent.getJsonArray("system").getJsonObject(0).getString("text")).contains("JSON");
    }

    @Test
    void base64IsWhatTheClientGetsWhenTheUpstreamIgnoresTheField() {
        JsonArray floats = embedding("floats-embedder", "float").getJsonArray("embedding");
        assertThat(floats.size()).isEqualTo(8);
        Object b64 = embedding("floats-embedder", "base64").getValue("embedding");
        assertThat(gw.simulator.last().body().getString("encoding_format")).isEqualTo("base64");
        assertThat(b64).as("the upstream sent floats; the client asked base64").isInstanceOf(String.class);
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode((String) b64)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(8 * Float.BYTES);
        for (int i = 0; i < floats.size(); i++) assertThat(bytes.getFloat()).isEqualTo(floats.getNumber(i).floatValue());
    }

    @Test
    void base64FromAnUpstreamThatHonoursItIsPassedOnAndFloatsStayFloats() {
        String b64 = embedding("embedder", "base64").getString("embedding");
        JsonArray floats = embedding("embedder", "float").getJsonArray("embedding");
        JsonArray unasked = embedding("embedder", null).getJsonArray("embedding");
        assertThat(unasked).isEqualTo(floats);
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < floats.size(); i++) assertThat(bytes.getFloat()).isEqualTo(floats.getNumber(i).floatValue());
    }

    @Test
    void dimensionsBeyondAnyEmbeddingModelAreA400() {
        HttpResponse<String> r = Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY,
                "{\"model\":\"embedder\",\"input\":\"x\",\"dimensions\":2147483647}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("param")).isEqualTo("dimensions");
        assertThat(gw.simulator.received()).isEmpty();
    }

    private static JsonObject embedding(String model, String format) {
        HttpResponse<String> r = Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY, "{\"model\":\"" + model
                + "\",\"input\":\"hello\"" + (format == null ? "" : ",\"encoding_format\":\"" + format + "\"") + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonArray("data").getJsonObject(0);
    }

    @Test
    void aDoubledV1OnAnAnthropicPathSaysToDropIt() {
        for (String path : new String[] {"/v1/v1/messages", "/v1/v1/messages/count_tokens"}) {
            HttpResponse<String> r = Http.post(gw.baseUrl() + path, null, anthropicBody("claude", "\"stream\":false"),
                    "x-api-key", TestGateway.MASTER_KEY, "anthropic-version", "2023-06-01");
            assertThat(r.statusCode()).isEqualTo(404);
            JsonObject e = new JsonObject(r.body());
            assertThat(e.getString("type")).as(r.body()).isEqualTo("error");
            assertThat(e.getJsonObject("error").getString("type")).isEqualTo("not_found_error");
            assertThat(e.getJsonObject("error").getString("message")).contains("drop the /v1 from the base URL")
                    .contains("endpoint is " + path.substring(3));
            assertThat(r.headers().firstValue("request-id")).isPresent();
        }
        HttpResponse<String> models = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + "/v1/v1/models"))
                .header("x-api-key", TestGateway.MASTER_KEY).header("anthropic-version", "2023-06-01").GET().build());
        assertThat(new JsonObject(models.body()).getString("type")).isEqualTo("error");
    }

    @Test
    void aDoubledV1OnAnOpenAiPathSaysSoInOpenAisShape() {
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/v1/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(404);
        JsonObject e = new JsonObject(r.body()).getJsonObject("error");
        assertThat(e.getString("code")).isEqualTo("unknown_url");
        assertThat(e.getString("message")).contains("drop one /v1 from the base URL");
        HttpResponse<String> other = Http.post(gw.baseUrl() + "/v2/messages", TestGateway.MASTER_KEY, "{}");
        assertThat(new JsonObject(other.body()).getJsonObject("error").getString("message")).doesNotContain("/v1 twice");
    }

    /**
     * An OpenAI body to an OpenAI-style provider goes as the client wrote it (the request relay): the upstream sees
     * the client's integer temperature, which the canonical encoding writes as 1.0, and only model replaced; a body the
     * encoding changes (a string stop) arrives in the encoding's form, and a stream still asks for usage.
     */
    @Test
    void anOpenAiBodyReachesAnOpenAiProviderAsWritten() {
        String body = "{ \"messages\": [ {\"role\":\"user\", \"content\":\"h\\u00e9\", \"x_note\":{\"k\":[1,null]}} ],"
                + " \"model\":\"gpt\", \"temperature\": 1, \"logit_bias\": {\"50256\": -100}, \"n\": 1 }";
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject sent = gw.simulator.last().body();
        JsonObject expected = new JsonObject(body).put("model", "gpt-4o-mini");
        assertThat(sent).isEqualTo(expected);
        assertThat(sent.getValue("temperature")).isInstanceOf(Integer.class); // the client's bytes, not a re-encoding
        assertThat(sent.getJsonArray("messages").getJsonObject(0).getString("content")).isEqualTo("h\u00e9");

        gw.simulator.reset();
        r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"temperature\":1,\"stop\":\"END\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        sent = gw.simulator.last().body();
        assertThat(sent.getJsonArray("stop")).isEqualTo(new JsonArray().add("END"));
        assertThat(sent.getValue("temperature")).isInstanceOf(Double.class); // the canonical encoding

        gw.simulator.reset();
        r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"stream\":true,\"temperature\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        sent = gw.simulator.last().body();
        assertThat(sent.getValue("temperature")).isInstanceOf(Integer.class);
        assertThat(sent.getBoolean("stream")).isTrue();
        assertThat(sent.getJsonObject("stream_options")).isEqualTo(new JsonObject().put("include_usage", true));
        assertThat(sent.getString("model")).isEqualTo("gpt-4o-mini");
    }
}
