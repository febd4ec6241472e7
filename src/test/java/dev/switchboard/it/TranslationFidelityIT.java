package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What black-box reviews with the official Anthropic and OpenAI clients found the translation losing or mangling
 * (2026-12-03): an OpenAI refusal, text blocks run together, top_k, a thinking budget outside Gemini's range, the
 * wording Claude Code compacts on, Anthropic's parameter ranges, and reasoning_effort where Claude would refuse thinking.
 */
@ExtendWith(GatewayPerClass.class)
class TranslationFidelityIT {
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, ${SIM_OPENAI} }
                  - model_name: refuser
                    litellm_params: { model: openai/refuser-1, ${SIM_OPENAI} }
                  - model_name: gemini
                    litellm_params: { model: gemini/gemini-2.5-flash, ${SIM_GEMINI} }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, ${SIM_ANTHROPIC} }
                  - model_name: bedrock-claude
                    litellm_params: { model: bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0, ${SIM_BEDROCK} }
                  - model_name: gemini-malformed
                    litellm_params: { model: gemini/malformed-flash, ${SIM_GEMINI} }
                  - model_name: o4
                    litellm_params: { model: openai/o4-mini, ${SIM_OPENAI} }
                  - model_name: nova
                    litellm_params: { model: bedrock/us.amazon.nova-pro-v1:0, ${SIM_BEDROCK} }
                  - model_name: groq-qwen
                    litellm_params: { model: groq/qwen/qwen3-32b, ${SIM_OPENAI} }
                  - model_name: vllm
                    litellm_params: { model: hosted_vllm/gpt-oss-20b, ${SIM_OPENAI} }
                  - model_name: gpt-default-effort
                    litellm_params: { model: openai/gpt-5-mini, ${SIM_OPENAI}, reasoning_effort: default }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
    }

    private static HttpResponse<String> messages(String body) {
        return Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, body, "anthropic-version", "2023-06-01");
    }

    private static HttpResponse<String> chat(String body) {
        return Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
    }

    @Test
    void anOpenAiRefusalReachesAnAnthropicClientAsARefusal() {
        JsonObject m = new JsonObject(messages("{\"model\":\"refuser\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").body());
        assertThat(m.getString("stop_reason")).isEqualTo("refusal");
        assertThat(m.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("I'm sorry, but I can't help with that.");
        String events = messages("{\"model\":\"refuser\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").body();
        assertThat(events).contains("\"text_delta\",\"text\":\"I'm \"").contains("\"stop_reason\":\"refusal\"");
    }

    @Test
    void textBlocksStayApartForGeminiAndBedrock() {
        messages("""
                {"model":"gemini","max_tokens":100,"top_k":7,"system":[{"type":"text","text":"Line one."},{"type":"text","text":"Line two."}],
                 "tools":[{"name":"f","input_schema":{"type":"object"}}],
                 "messages":[{"role":"user","content":"go"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","is_error":true,"content":[{"type":"text","text":"line A"},{"type":"text","text":"line B"}]}]}]}""");
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getJsonObject("systemInstruction").getJsonArray("parts").encode())
                .isEqualTo("[{\"text\":\"Line one.\"},{\"text\":\"Line two.\"}]");
        assertThat(sent.getJsonArray("contents").getJsonObject(2).getJsonArray("parts").getJsonObject(0).getJsonObject("functionResponse")
                .getJsonObject("response").getString("content")).isEqualTo("Error: line A\nline B");
        assertThat(sent.getJsonObject("generationConfig").getInteger("topK")).as("Claude Code's top_k").isEqualTo(7);

        HttpResponse<String> bedrock = messages("""
                {"model":"bedrock-claude","max_tokens":100,"tools":[{"name":"f","input_schema":{"type":"object"}}],
                 "messages":[{"role":"user","content":"go"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"line A"},{"type":"text","text":"line B"}]}]}]}""");
        assertThat(bedrock.statusCode()).as(bedrock.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(2).getJsonArray("content").getJsonObject(0)
                .getJsonObject("toolResult").getJsonArray("content").encode()).isEqualTo("[{\"text\":\"line A\"},{\"text\":\"line B\"}]");

        messages("{\"model\":\"nova\",\"max_tokens\":100,\"top_k\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(gw.simulator.last().body().getJsonObject("additionalModelRequestFields").encode())
                .as("Nova reads topK from its own inferenceConfig").isEqualTo("{\"inferenceConfig\":{\"topK\":5}}");
    }

    /** Claude Code's long MCP tool names: shortened for a provider that takes 64 characters, restored in the answer. */
    @Test
    void longToolNamesAreShortenedForTheProviderAndRestoredForTheClient() {
        String name = "mcp__a_rather_long_server_name_for_the_company_wiki__search_weather_pages_by_title";
        String body = "{\"model\":\"%s\",\"max_tokens\":100,%s\"tools\":[{\"name\":\"" + name + "\",\"input_schema\":{\"type\":\"object\","
                + "\"properties\":{\"q\":{\"type\":\"string\"}}}}],\"messages\":[{\"role\":\"user\",\"content\":\"weather in Paris?\"}]}";
        for (String alias : new String[] {"gpt", "gemini"}) {
            JsonObject m = new JsonObject(messages(body.formatted(alias, "")).body());
            JsonObject use = m.getJsonArray("content").stream().map(JsonObject.class::cast)
                    .filter(b -> "tool_use".equals(b.getString("type"))).findFirst().orElseThrow();
            assertThat(use.getString("name")).as(alias).isEqualTo(name);
            String events = messages(body.formatted(alias, "\"stream\":true,")).body();
            assertThat(events).as(alias).contains("\"name\":\"" + name + "\"");
        }
        String sent = gw.simulator.last().body().encode();
        assertThat(sent).doesNotContain(name).contains(name.substring(0, 55) + "_");
    }

    /** Claude Code's max_tokens (32,000 or 64,000) on a model that writes less: lowered to the model's own limit. */
    @Test
    void anAnthropicClientsMaxTokensFitsTheServingModel() {
        HttpResponse<String> r = messages("{\"model\":\"gpt\",\"max_tokens\":64000,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getInteger("max_completion_tokens")).as("gpt-4o-mini's own, from the catalog").isEqualTo(16384);
        HttpResponse<String> direct = chat("{\"model\":\"gpt\",\"max_completion_tokens\":64000,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(direct.statusCode()).as("an OpenAI client's own limit is its own: OpenAI's answer").isEqualTo(400);
    }

    /** Claude Code's thinking toggle on OpenAI's reasoning models is a reasoning_effort; other models get nothing of it. */
    @Test
    void anAnthropicClientsThinkingIsAReasoningEffortForOpenAisReasoningModels() {
        String body = "{\"model\":\"%s\",\"max_tokens\":10000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":%d},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        messages(body.formatted("o4", 4000).replace("\"messages\"", "\"temperature\":1,\"messages\""));
        assertThat(gw.simulator.last().body().getString("reasoning_effort")).isEqualTo("medium");
        assertThat(gw.simulator.last().body().containsKey("temperature")).as("reasoning models take only the default").isFalse();
        messages(body.formatted("o4", 31999).replace("10000", "40000"));
        assertThat(gw.simulator.last().body().getString("reasoning_effort")).isEqualTo("high");
        messages(body.formatted("gpt", 4000));
        assertThat(gw.simulator.last().body().containsKey("reasoning_effort")).as("gpt-4o-mini does not reason").isFalse();
        assertThat(gw.simulator.last().body().containsKey("thinking")).isFalse();
    }

    /**
     * OpenAI's reasoning models refuse max_tokens (the simulator in OpenAI's words: "Unsupported parameter: 'max_tokens'
     * is not supported with this model. Use 'max_completion_tokens' instead."): an OpenAI client's max_tokens reaches
     * o4-mini as max_completion_tokens, streamed or not, on the relayed path and the encoded one; gpt-4o-mini keeps it.
     */
    @Test
    void maxTokensReachesOpenAisReasoningModelsAsMaxCompletionTokens() {
        for (String stream : new String[] {"", "\"stream\":true,"}) {
            for (String extra : new String[] {"", "\"stop\":\"END\","}) { // a string stop is re-encoded, not relayed
                HttpResponse<String> r = chat("{\"model\":\"o4\"," + stream + extra
                        + "\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(r.statusCode()).as(stream + extra + r.body()).isEqualTo(200);
                JsonObject sent = gw.simulator.last().body();
                assertThat(sent.getInteger("max_completion_tokens")).as(stream + extra).isEqualTo(100);
                assertThat(sent.containsKey("max_tokens")).as(stream + extra).isFalse();
            }
        }
        HttpResponse<String> gpt = chat("{\"model\":\"gpt\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(gpt.statusCode()).as(gpt.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getInteger("max_tokens")).as("gpt-4o-mini takes the client's name").isEqualTo(100);
    }

    /**
     * An empty last user turn to Claude is the gateway's 400 naming it, before any call: dropped, it left the request
     * ending with the assistant's turn (Claude continued its own answer as a prefill) or, alone, messages: [] (QA F2).
     * An empty turn in the middle is still left out and served.
     */
    @Test
    void anEmptyLastUserTurnToClaudeIsRefusedNotDropped() {
        int before = gw.simulator.arrivals();
        for (String stream : new String[] {"", "\"stream\":true,"}) {
            HttpResponse<String> last = chat("{\"model\":\"claude\"," + stream + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                    + "{\"role\":\"assistant\",\"content\":\"Hello! How can I help?\"},{\"role\":\"user\",\"content\":\"\"}]}");
            assertThat(last.statusCode()).as(last.body()).isEqualTo(400);
            JsonObject e = new JsonObject(last.body()).getJsonObject("error");
            assertThat(e.getString("type")).isEqualTo("invalid_request_error");
            assertThat(e.getString("param")).isEqualTo("messages[2].content");
            assertThat(e.getString("message")).contains("Claude does not accept an empty user message");
            for (String content : new String[] {"\"\"", "[]"}) {
                HttpResponse<String> only = chat("{\"model\":\"claude\"," + stream + "\"messages\":[{\"role\":\"system\",\"content\":\"s\"},"
                        + "{\"role\":\"user\",\"content\":" + content + "}]}");
                assertThat(only.statusCode()).as(only.body()).isEqualTo(400);
                assertThat(new JsonObject(only.body()).getJsonObject("error").getString("param")).isEqualTo("messages[1].content");
            }
        }
        assertThat(gw.simulator.arrivals()).as("refused before any call").isEqualTo(before);
        HttpResponse<String> middle = chat("{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"\"},{\"role\":\"user\",\"content\":\"\"},{\"role\":\"user\",\"content\":\"again\"}]}");
        assertThat(middle.statusCode()).as(middle.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("messages")).hasSize(1);
    }

    /**
     * A reasoning_effort no provider takes is OpenAI's 400 before routing, whatever serves the alias: Claude and Gemini
     * took "extreme" as no reasoning and answered 200 (QA F3). The values some provider takes still reach it.
     */
    @Test
    void anUnknownReasoningEffortIsRefusedForEveryProvider() {
        int before = gw.simulator.arrivals();
        for (String alias : new String[] {"claude", "gemini", "gpt", "bedrock-claude"}) {
            for (String effort : new String[] {"\"extreme\"", "\"hihg\"", "3"}) {
                HttpResponse<String> r = chat("{\"model\":\"" + alias + "\",\"reasoning_effort\":" + effort
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
                assertThat(r.statusCode()).as(alias + " " + effort + ": " + r.body()).isEqualTo(400);
                JsonObject e = new JsonObject(r.body()).getJsonObject("error");
                assertThat(e.getString("param")).isEqualTo("reasoning_effort");
                assertThat(e.getString("type")).isEqualTo("invalid_request_error");
            }
        }
        assertThat(gw.simulator.arrivals()).as("refused before any call").isEqualTo(before);
        HttpResponse<String> xhigh = chat("{\"model\":\"claude\",\"reasoning_effort\":\"xhigh\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(xhigh.statusCode()).as(xhigh.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("thinking").getInteger("budget_tokens")).isEqualTo(8192);
        HttpResponse<String> minimal = chat("{\"model\":\"gemini\",\"reasoning_effort\":\"minimal\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(minimal.statusCode()).as(minimal.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("generationConfig").getJsonObject("thinkingConfig")
                .getInteger("thinkingBudget")).isEqualTo(1024);
    }

    /**
     * LiteLLM's reasoning_effort "disable" (thinking budget 0) is "none" on every provider: no thinking on Claude (as
     * before the values were checked), Gemini's thinking off, and OpenAI-style services sent the "none" they take,
     * never a "disable" they would refuse.
     */
    @Test
    void litellmsDisableIsNoneOnEveryProvider() {
        String body = "{\"model\":\"%s\",\"reasoning_effort\":\"disable\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        HttpResponse<String> claude = chat(body.formatted("claude"));
        assertThat(claude.statusCode()).as(claude.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().containsKey("thinking")).as("no thinking").isFalse();
        HttpResponse<String> gemini = chat(body.formatted("gemini"));
        assertThat(gemini.statusCode()).as(gemini.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("generationConfig").getJsonObject("thinkingConfig")
                .getInteger("thinkingBudget")).isEqualTo(0);
        for (String alias : new String[] {"gpt", "o4"}) {
            HttpResponse<String> r = chat(body.formatted(alias));
            assertThat(r.statusCode()).as(alias + ": " + r.body()).isEqualTo(200);
            assertThat(gw.simulator.last().body().getString("reasoning_effort")).as(alias).isEqualTo("none");
        }
        HttpResponse<String> streamed = chat(body.formatted("gpt").replace("{\"model\"", "{\"stream\":true,\"model\""));
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getString("reasoning_effort")).isEqualTo("none");
    }

    /**
     * The Responses API takes LiteLLM's efforts as chat does (it answered 400 to both): {@code disable} is OpenAI's
     * {@code none} on every provider (Claude no thinking, Gemini budget 0, OpenAI's own API passed {@code none}), and
     * {@code default} leaves OpenAI's body without an effort (OpenAI refuses the word) and Claude without thinking. A
     * value no one takes is still OpenAI's 400 naming reasoning.effort.
     */
    @Test
    void theResponsesApiTakesLitellmsEffortsOnEveryProvider() {
        com.openai.client.OpenAIClient sdk = com.openai.client.okhttp.OpenAIOkHttpClient.builder().baseUrl(gw.v1())
                .apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
        try {
            java.util.function.BiFunction<String, String, com.openai.models.responses.Response> create = (alias, effort) ->
                    sdk.responses().create(com.openai.models.responses.ResponseCreateParams.builder().model(alias).input("x")
                            .reasoning(com.openai.models.Reasoning.builder().effort(com.openai.models.ReasoningEffort.of(effort)).build())
                            .build());
            create.apply("claude", "disable");
            assertThat(gw.simulator.last().body().containsKey("thinking")).as("no thinking").isFalse();
            create.apply("gemini", "disable");
            assertThat(gw.simulator.last().body().getJsonObject("generationConfig").getJsonObject("thinkingConfig")
                    .getInteger("thinkingBudget")).isEqualTo(0);
            for (String alias : new String[] {"gpt", "o4"}) {
                create.apply(alias, "disable");
                assertThat(gw.simulator.last().path()).isEqualTo("/v1/responses");
                assertThat(gw.simulator.last().body().getJsonObject("reasoning").getString("effort")).as(alias).isEqualTo("none");
            }
            // the translated answer echoes the effort served
            assertThat(create.apply("claude", "disable").reasoning().orElseThrow().effort().orElseThrow().asString()).isEqualTo("none");
            create.apply("claude", "default");
            assertThat(gw.simulator.last().body().containsKey("thinking")).isFalse();
            create.apply("gpt", "default");
            assertThat(gw.simulator.last().body().getJsonObject("reasoning").containsKey("effort"))
                    .as("OpenAI's own default: no effort sent").isFalse();
            assertThatThrownBy(() -> create.apply("claude", "extreme"))
                    .isInstanceOf(com.openai.errors.BadRequestException.class)
                    .hasMessageContaining("reasoning.effort").hasMessageContaining("'default' and 'disable'");
        } finally {
            sdk.close();
        }
    }

    /**
     * LiteLLM's {@code "default"} effort (the model's own) reaches no OpenAI-style service as the word, which OpenAI
     * answers with a 400: chat's {@code reasoning_effort} (relayed or encoded, streamed or not) and a Responses client's
     * {@code reasoning.effort} translated for a chat server are left out, as is a deployment's {@code reasoning_effort:
     * default} (on the chat route and passed to OpenAI's Responses API); Groq, whose Qwen 3 models take the word, is sent
     * it as before. Before, the word went to each of them.
     */
    @Test
    void litellmsDefaultEffortIsTheProvidersDefault() {
        String body = "{\"model\":\"%s\",\"reasoning_effort\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        for (String alias : new String[] {"gpt", "o4", "vllm", "gpt-default-effort"}) {
            for (boolean stream : new boolean[] {false, true}) {
                String b = stream ? body.formatted(alias).replace("{\"model\"", "{\"stream\":true,\"model\"") : body.formatted(alias);
                HttpResponse<String> r = chat(b);
                assertThat(r.statusCode()).as(alias + ": " + r.body()).isEqualTo(200);
                assertThat(gw.simulator.last().body().containsKey("reasoning_effort")).as(alias + " " + gw.simulator.last().body()).isFalse();
            }
        }
        HttpResponse<String> noEffort = chat("{\"model\":\"gpt-default-effort\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(noEffort.statusCode()).as(noEffort.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().containsKey("reasoning_effort")).as("the deployment's default").isFalse();
        HttpResponse<String> groq = chat(body.formatted("groq-qwen"));
        assertThat(groq.statusCode()).as(groq.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getString("reasoning_effort")).isEqualTo("default");

        for (String alias : new String[] {"vllm", "gpt-default-effort"}) {
            String effort = alias.equals("vllm") ? ",\"reasoning\":{\"effort\":\"default\"}" : "";
            HttpResponse<String> r = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY,
                    "{\"model\":\"" + alias + "\",\"input\":\"x\"" + effort + "}");
            assertThat(r.statusCode()).as(alias + ": " + r.body()).isEqualTo(200);
            JsonObject sent = gw.simulator.last().body();
            assertThat(sent.containsKey("reasoning_effort")).as(alias + " " + sent).isFalse();
            assertThat(sent.getJsonObject("reasoning", new JsonObject()).containsKey("effort")).as(alias + " " + sent).isFalse();
        }
        assertThat(gw.simulator.last().path()).as("OpenAI's own Responses API").isEqualTo("/v1/responses");
    }

    /** Bedrock has no tool_choice none: without tool blocks in the conversation, the tools are left out instead; with them, refused or dropped. */
    @Test
    void bedrocksNoneLeavesTheToolsOut() {
        HttpResponse<String> r = chat("{\"model\":\"bedrock-claude\",\"tool_choice\":\"none\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().containsKey("toolConfig")).isFalse();
        assertThat(new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message").containsKey("tool_calls")).isFalse();

        // with tool calls in the conversation the tools must be described, so "none" cannot be kept: a 400 naming it
        // (LiteLLM's answer too), or, under drop_params, the tools described and no choice forced
        String loop = "{\"model\":\"bedrock-claude\",\"tool_choice\":\"none\",%s\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"t1\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"t1\",\"content\":\"sunny\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]}";
        int before = gw.simulator.arrivals();
        HttpResponse<String> refused = chat(loop.formatted(""));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        JsonObject e = new JsonObject(refused.body()).getJsonObject("error");
        assertThat(e.getString("param")).isEqualTo("tool_choice");
        assertThat(e.getString("code")).isEqualTo("unsupported_params");
        assertThat(e.getString("message")).startsWith("Bedrock's Converse has no tool_choice 'none'");
        assertThat(gw.simulator.arrivals()).isEqualTo(before);
        HttpResponse<String> dropped = chat(loop.formatted("\"drop_params\":true,"));
        assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
        JsonObject config = gw.simulator.last().body().getJsonObject("toolConfig");
        assertThat(config.getJsonArray("tools")).hasSize(1);
        assertThat(config.containsKey("toolChoice")).isFalse();
    }

    /** Gemini's MALFORMED_FUNCTION_CALL is a failure (retried, then a 502; an error event when streamed), not an empty answer. */
    @Test
    void aMalformedGeminiFunctionCallIsAnUpstreamFailure() {
        HttpResponse<String> r = chat("{\"model\":\"gemini-malformed\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("MALFORMED_FUNCTION_CALL").contains("get_weather(city=)");
        // streamed, it is the stream's first event: nothing was sent yet, so the stream fails as the answer does (a 502
        // in the caller's dialect after the retries), never a 200 holding an error event
        HttpResponse<String> streamed = messages("{\"model\":\"gemini-malformed\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(502);
        assertThat(new JsonObject(streamed.body()).getJsonObject("error").getString("message")).contains("MALFORMED_FUNCTION_CALL");
    }

    @Test
    void claudeCodesThinkingBudgetFitsGeminisRange() {
        messages("{\"model\":\"gemini\",\"max_tokens\":64000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":31999},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(gw.simulator.last().body().getJsonObject("generationConfig").getJsonObject("thinkingConfig").getInteger("thinkingBudget"))
                .as("2.5 Flash thinks at most 24,576 tokens").isEqualTo(24576);
    }

    @Test
    void aContextOverflowIsWordedAsAnthropicsForAnAnthropicClient() {
        gw.simulator.enqueue(SimBehaviour.contextLength());
        HttpResponse<String> r = messages("{\"model\":\"gpt\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).startsWith("prompt is too long: ");
    }

    @Test
    void anthropicsParameterRangesHoldWhateverServesTheAlias() {
        HttpResponse<String> r = messages("{\"model\":\"gpt\",\"max_tokens\":100,\"temperature\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("temperature: Input should be less than or equal to 1");
        assertThat(gw.simulator.received()).isEmpty();
    }

    @Test
    void reasoningEffortLeavesThinkingOffWhereClaudeWouldRefuseIt() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]";
        // a forced tool choice
        HttpResponse<String> forced = chat("{\"model\":\"claude\",\"reasoning_effort\":\"low\",\"tool_choice\":\"required\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]," + tools + "}");
        assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().containsKey("thinking")).isFalse();
        // a tool loop whose assistant turn came back without its signed block (what OpenAI clients send)
        String loop = "{\"model\":\"%s\",\"reasoning_effort\":\"low\",\"max_completion_tokens\":3000,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather?\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"toolu_A\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"toolu_A\",\"content\":\"20C\"}]," + tools + "}";
        for (String alias : new String[] {"claude", "bedrock-claude"}) {
            HttpResponse<String> r = chat(loop.formatted(alias));
            assertThat(r.statusCode()).as(alias + ": " + r.body()).isEqualTo(200);
        }
        // the same with the block, emptied by a client that kept only the stream's last piece, and the turn's reasoning
        HttpResponse<String> emptied = chat(("{\"model\":\"claude\",\"reasoning_effort\":\"low\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather?\"},{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"Let me think.\","
                + "\"thinking_blocks\":[{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"sig_9\"}],\"tool_calls\":[{\"id\":\"toolu_A\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"toolu_A\",\"content\":\"20C\"}]," + tools + "}"));
        assertThat(emptied.statusCode()).as(emptied.body()).isEqualTo(200);
        JsonObject block = gw.simulator.last().body().getJsonArray("messages").getJsonObject(1).getJsonArray("content").getJsonObject(0);
        assertThat(block.encode()).isEqualTo("{\"type\":\"thinking\",\"thinking\":\"Let me think.\",\"signature\":\"sig_9\"}");
        assertThat(gw.simulator.last().body().getJsonObject("thinking").getString("type")).isEqualTo("enabled");
        // Bedrock: the budget fits under the output limit, as on Anthropic's API
        chat("{\"model\":\"bedrock-claude\",\"reasoning_effort\":\"high\",\"max_completion_tokens\":2000,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(gw.simulator.last().body().getJsonObject("additionalModelRequestFields").getJsonObject("thinking")
                .getInteger("budget_tokens")).isEqualTo(1999);
    }
}
