package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAI parameters a provider has no counterpart for, from the official OpenAI SDK: refused with a 400 naming the
 * field before any call (LiteLLM's UnsupportedParamsError), dropped under {@code drop_params} (the request's, the
 * deployment's, litellm_settings'), OpenAI's own defaults passed quietly, {@code additional_drop_params} never sent,
 * and Gemini's thinking asked for with {@code reasoning_effort}.
 */
class DropParamsIT {
    /** The thought summary the Gemini simulator answers first when thoughts are asked for (GeminiSim.THOUGHT). */
    private static final String GEMINI_THOUGHT = "Weighing the question before answering.";
    static TestGateway gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: claude-lenient
                    litellm_params: { model: anthropic/claude-haiku-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY, drop_params: true }
                  - model_name: claude-seeded
                    litellm_params: { model: anthropic/claude-haiku-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY, seed: 7 }
                  - model_name: gemini
                    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                  - model_name: gemini3
                    litellm_params: { model: gemini/gemini-3-pro-preview, api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                  - model_name: mixed
                    litellm_params: { model: anthropic/claude-haiku-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: mixed
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: claude-then-gpt
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4.1, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: gemini2
                    litellm_params: { model: gemini/gemini-2.0-flash, api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                  - model_name: reasoner
                    litellm_params: { model: openai/o4-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY, additional_drop_params: [temperature] }
                router_settings:
                  fallbacks: [{ claude-then-gpt: [gpt] }]
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        gw.close();
    }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static ChatCompletionCreateParams.Builder ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("hello there").maxCompletionTokens(200);
    }

    @Test
    void aParameterClaudeCannotHonourIsA400NamingItBeforeAnyCall() {
        int before = gw.simulator.arrivals();
        assertThatThrownBy(() -> client.chat().completions().create(ask("claude").seed(42).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).hasValue("seed");
                    assertThat(e.getMessage()).contains("anthropic/ does not accept 'seed'").contains("drop_params");
                });
        assertThatThrownBy(() -> client.chat().completions().create(ask("claude").n(2).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("n"));
        assertThatThrownBy(() -> client.chat().completions().create(ask("claude").logprobs(true).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("logprobs"));
        assertThatThrownBy(() -> client.chat().completions().createStreaming(ask("claude").presencePenalty(0.5).build())
                .stream().count())
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("presence_penalty"));
        assertThat(gw.simulator.arrivals()).as("refused before any call").isEqualTo(before);
    }

    @Test
    void openAisOwnDefaultsSentExplicitlyPassAndAreNotSentOn() {
        ChatCompletion c = client.chat().completions().create(ask("claude").n(1).logprobs(false).presencePenalty(0)
                .frequencyPenalty(0).build());
        assertThat(c.choices()).hasSize(1);
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.fieldNames()).doesNotContain("n", "logprobs", "presence_penalty", "frequency_penalty");
    }

    @Test
    void dropParamsOnTheRequestTheDeploymentOrTheConfigDropsThem() {
        ChatCompletion asked = client.chat().completions().create(ask("claude").seed(42).n(2)
                .putAdditionalBodyProperty("drop_params", JsonValue.from(true)).build());
        assertThat(asked.choices()).hasSize(1);
        assertThat(gw.simulator.last().body().fieldNames()).doesNotContain("seed", "n", "drop_params");

        ChatCompletion lenient = client.chat().completions().create(ask("claude-lenient").seed(42).logprobs(true).build());
        assertThat(lenient.choices().get(0).message().content()).isPresent();
        assertThat(gw.simulator.last().body().fieldNames()).doesNotContain("seed", "logprobs");

        assertThatThrownBy(() -> client.chat().completions().create(ask("claude-lenient").seed(42)
                .putAdditionalBodyProperty("drop_params", JsonValue.from(false)).build()))
                .as("the request's own drop_params wins over the deployment's")
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("seed"));

        HttpResponse<String> wrong = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"drop_params\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(wrong.body()).getJsonObject("error").getString("param")).isEqualTo("drop_params");

        try (TestGateway lenientAll = TestGateway.start("""
                model_list:
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: strict
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY, drop_params: false }
                litellm_settings:
                  drop_params: true
                """)) {
            String body = "{\"model\":\"%s\",\"seed\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            HttpResponse<String> dropped = Http.post(lenientAll.v1() + "/chat/completions", null, body.formatted("claude"));
            assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
            assertThat(lenientAll.simulator.last().body().containsKey("seed")).isFalse();
            HttpResponse<String> strict = Http.post(lenientAll.v1() + "/chat/completions", null, body.formatted("strict"));
            assertThat(strict.statusCode()).as("the deployment's drop_params wins over litellm_settings'").isEqualTo(400);
        }
    }

    /**
     * A deployment that cannot honour a parameter is not the request's end: another deployment of the group serves it,
     * else an error fallback (marked as one); the 400 comes only when none can.
     */
    @Test
    void aDeploymentThatCannotHonourAParameterPassesTheRequestOn() {
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"mixed\",\"seed\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("openai/gpt-4o-mini");
            assertThat(gw.simulator.last().body().getLong("seed")).isEqualTo(5L);
        }
        HttpResponse<String> fell = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude-then-gpt\",\"seed\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(fell.statusCode()).as(fell.body()).isEqualTo(200);
        assertThat(fell.headers().firstValue("x-switchboard-route")).hasValue("fallback:error");
        assertThat(fell.headers().firstValue("x-switchboard-model")).hasValue("openai/gpt-4.1");
        HttpResponse<String> none = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"mixed\",\"logprobs\":true,\"fallbacks\":[\"claude\"],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(none.statusCode()).as("OpenAI takes logprobs: served").isEqualTo(200);
        HttpResponse<String> nobody = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"seed\":5,\"fallbacks\":[\"claude-lenient\"],\"drop_params\":false,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(nobody.statusCode()).as("nobody can: the 400 naming it").isEqualTo(400);
        assertThat(new JsonObject(nobody.body()).getJsonObject("error").getString("code")).isEqualTo("unsupported_params");
    }

    @Test
    void aDeploymentDefaultTheProviderCannotHonourIsNamedAsTheDeployments() {
        assertThatThrownBy(() -> client.chat().completions().create(ask("claude-seeded").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage())
                        .contains("'seed' (a default of the deployment's litellm_params, line"));
    }

    @Test
    void theResponsesApisLogprobsAreRefusedWhereChatsAre() {
        HttpResponse<String> r = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"input\":\"hi\",\"include\":[\"message.output_text.logprobs\"],\"top_logprobs\":2}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("unsupported_params");
        HttpResponse<String> dropped = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"input\":\"hi\",\"top_logprobs\":2,\"drop_params\":true}");
        assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
    }

    @Test
    void geminiTakesSeedAndNButNotLogprobs() {
        client.chat().completions().create(ask("gemini").seed(42).build());
        assertThat(gw.simulator.last().body().getJsonObject("generationConfig").getLong("seed")).isEqualTo(42L);
        assertThatThrownBy(() -> client.chat().completions().create(ask("gemini").logprobs(true).topLogprobs(3).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("logprobs"));
    }

    @Test
    void additionalDropParamsAreNeverSentToThatDeployment() {
        client.chat().completions().create(ask("reasoner").temperature(0.3).topP(0.9).build());
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.containsKey("temperature")).isFalse();
        assertThat(sent.getDouble("top_p")).isEqualTo(0.9);
    }

    @Test
    void reasoningEffortAsksGeminiToThinkAndTheThoughtComesBackAsReasoning() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"reasoning_effort\":\"medium\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject thinking = gw.simulator.last().body().getJsonObject("generationConfig").getJsonObject("thinkingConfig");
        assertThat(thinking.getInteger("thinkingBudget")).isEqualTo(8192);
        assertThat(thinking.getBoolean("includeThoughts")).isTrue();
        JsonObject message = new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message");
        assertThat(message.getString("reasoning_content")).isEqualTo(GEMINI_THOUGHT);
        assertThat(message.getString("content")).doesNotContain(GEMINI_THOUGHT);

        Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini3\",\"reasoning_effort\":\"medium\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        thinking = gw.simulator.last().body().getJsonObject("generationConfig").getJsonObject("thinkingConfig");
        assertThat(thinking.getString("thinkingLevel")).as("3 Pro knows low and high").isEqualTo("high");
        assertThat(thinking.containsKey("thinkingBudget")).isFalse();

        Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"reasoning_effort\":\"high\",\"max_completion_tokens\":500,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(gw.simulator.last().body().getJsonObject("generationConfig").getJsonObject("thinkingConfig").getInteger("thinkingBudget"))
                .as("thinking counts toward maxOutputTokens: the budget fits under the client's limit").isEqualTo(499);

        HttpResponse<String> old = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini2\",\"reasoning_effort\":\"low\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(old.statusCode()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("generationConfig", new JsonObject()).containsKey("thinkingConfig"))
                .as("a model that does not think gets no thinkingConfig").isFalse();

        // Claude Code's own form, from the Anthropic dialect
        HttpResponse<String> claudeCode = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"max_tokens\":4000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "anthropic-version", "2023-06-01");
        assertThat(claudeCode.statusCode()).as(claudeCode.body()).isEqualTo(200);
        thinking = gw.simulator.last().body().getJsonObject("generationConfig").getJsonObject("thinkingConfig");
        assertThat(thinking.getInteger("thinkingBudget")).isEqualTo(2000);
        assertThat(new JsonObject(claudeCode.body()).getJsonArray("content").getJsonObject(0).getString("thinking"))
                .isEqualTo(GEMINI_THOUGHT);
    }

    /**
     * Claude from Opus 4.1 and Sonnet / Haiku 4.5 on takes temperature or top_p, not both (its 400: "`temperature` and
     * `top_p` cannot both be specified for this model"): named before any call, or top_p dropped under drop_params.
     */
    @Test
    void newerClaudeTakesTemperatureOrTopPNotBoth() {
        long before = gw.simulator.arrivals();
        assertThatThrownBy(() -> client.chat().completions().create(ask("claude").temperature(0.3).topP(0.9).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).hasValue("top_p");
                    assertThat(e.code()).hasValue("unsupported_params");
                    assertThat(e.getMessage()).contains("Claude Sonnet 4.5 takes temperature or top_p, not both").contains("drop_params");
                });
        assertThat(gw.simulator.arrivals()).as("refused before any call").isEqualTo(before);
        client.chat().completions().create(ask("claude-lenient").temperature(0.3).topP(0.9).build());
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getDouble("temperature")).isEqualTo(0.3);
        assertThat(sent.fieldNames()).as("drop_params: top_p dropped, temperature kept").doesNotContain("top_p");
        client.chat().completions().create(ask("claude").topP(0.9).build());
        assertThat(gw.simulator.last().body().getDouble("top_p")).as("one of the two: as sent").isEqualTo(0.9);
    }

    /**
     * Anthropic's own tools (a server tool such as web search, an Anthropic-defined client tool, the MCP connector) run
     * only for Claude through the Messages API: for any other deployment they are a 400 naming the tool, in the Anthropic
     * dialect, or, under drop_params, the request is served without them; they were left out silently before.
     */
    @Test
    void anthropicsOwnToolsAreRefusedByNameWhereOnlyClaudeRunsThemOrDroppedUnderDropParams() {
        String body = "{\"model\":\"%s\",\"max_tokens\":200,%s\"tools\":[{\"name\":\"lookup\",\"input_schema\":{\"type\":\"object\"}},"
                + "{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":3}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"what happened today?\"}]}";
        HttpResponse<String> refused = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, body.formatted("gpt", ""),
                "anthropic-version", "2023-06-01");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("invalid_request_error");
        assertThat(error.getString("message")).contains("web_search_20250305").contains("tools[1]").contains("openai/gpt-4.1")
                .contains("drop_params");
        assertThat(gw.simulator.received()).as("refused before any call").isEmpty();

        HttpResponse<String> dropped = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY,
                body.formatted("gpt", "\"drop_params\":true,"), "anthropic-version", "2023-06-01");
        assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("tools")).as("the function tool only").hasSize(1);
        // a forced choice among Anthropic's own tools only: dropped with them, never a tool_choice without tools
        HttpResponse<String> alone = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, "{\"model\":\"gpt\",\"max_tokens\":200,"
                + "\"drop_params\":true,\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}],\"tool_choice\":"
                + "{\"type\":\"any\",\"disable_parallel_tool_use\":true},\"messages\":[{\"role\":\"user\",\"content\":\"news?\"}]}",
                "anthropic-version", "2023-06-01");
        assertThat(alone.statusCode()).as(alone.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().fieldNames()).doesNotContain("tools", "tool_choice", "parallel_tool_calls");

        HttpResponse<String> claude = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, body.formatted("claude", ""),
                "anthropic-version", "2023-06-01");
        assertThat(claude.statusCode()).as(claude.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("tools").getJsonObject(1).getString("type"))
                .as("Claude gets the client's tools as sent").isEqualTo("web_search_20250305");

        HttpResponse<String> mcp = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, "{\"model\":\"gemini\",\"max_tokens\":200,"
                + "\"mcp_servers\":[{\"type\":\"url\",\"url\":\"https://mcp.example.com/sse\",\"name\":\"example\"}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "anthropic-version", "2023-06-01");
        assertThat(mcp.statusCode()).as(mcp.body()).isEqualTo(400);
        assertThat(new JsonObject(mcp.body()).getJsonObject("error").getString("message")).contains("mcp_servers");
    }

    /**
     * Claude with thinking on takes temperature 1 only, top_p from 0.95, no top_k. When the gateway turns thinking on for
     * an OpenAI client (reasoning_effort, or LiteLLM's thinking), the conflict is the gateway's to name before the call, and
     * drop_params drops the sampling parameter; an Anthropic client's own thinking reaches Claude as sent.
     */
    @Test
    void claudesSamplingParametersWithTheThinkingARequestTurnsOnAreRefusedOrDropped() {
        int before = gw.simulator.arrivals();
        assertThatThrownBy(() -> client.chat().completions().create(ask("claude").maxCompletionTokens(3000).temperature(0.2)
                .reasoningEffort(com.openai.models.ReasoningEffort.LOW).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).hasValue("temperature");
                    assertThat(e.code()).hasValue("unsupported_params");
                    assertThat(e.getMessage()).contains("Claude takes temperature 1 only with thinking on").contains("drop_params");
                });
        HttpResponse<String> topP = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"claude\","
                + "\"max_completion_tokens\":3000,\"top_p\":0.5,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(topP.statusCode()).as(topP.body()).isEqualTo(400);
        assertThat(new JsonObject(topP.body()).getJsonObject("error").getString("param")).isEqualTo("top_p");
        assertThat(gw.simulator.arrivals()).as("refused before any call").isEqualTo(before);

        ChatCompletion dropped = client.chat().completions().create(ask("claude").maxCompletionTokens(3000).temperature(0.2)
                .topP(0.97).reasoningEffort(com.openai.models.ReasoningEffort.LOW)
                .putAdditionalBodyProperty("drop_params", JsonValue.from(true)).build());
        assertThat(dropped.choices().get(0).message().content()).isPresent();
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getJsonObject("thinking").getString("type")).isEqualTo("enabled");
        assertThat(sent.fieldNames()).doesNotContain("temperature");
        assertThat(sent.getDouble("top_p")).as("0.97 is allowed with thinking: kept").isEqualTo(0.97);

        // temperature 1, or thinking left off (no effort; a forced tool choice), keep the temperature as sent
        client.chat().completions().create(ask("claude").maxCompletionTokens(3000).temperature(1.0)
                .reasoningEffort(com.openai.models.ReasoningEffort.LOW).build());
        assertThat(gw.simulator.last().body().getDouble("temperature")).isEqualTo(1.0);
        client.chat().completions().create(ask("claude").temperature(0.2).build());
        assertThat(gw.simulator.last().body().getDouble("temperature")).isEqualTo(0.2);
        HttpResponse<String> forced = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"claude\","
                + "\"max_completion_tokens\":3000,\"temperature\":0.2,\"reasoning_effort\":\"low\",\"tool_choice\":\"required\","
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().fieldNames()).contains("temperature").doesNotContain("thinking");

        // an Anthropic client's own thinking with a temperature: Claude's own 400, as without the gateway
        HttpResponse<String> own = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"max_tokens\":4000,\"temperature\":0.5,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "anthropic-version", "2023-06-01");
        assertThat(own.statusCode()).as(own.body()).isEqualTo(400);
        assertThat(new JsonObject(own.body()).getJsonObject("error").getString("message"))
                .startsWith("`temperature` may only be set to 1 when thinking is enabled.");
    }
}
