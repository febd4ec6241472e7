package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's guardrails through a real socket, with the official OpenAI and Anthropic SDKs as clients and the simulator
 * playing both the providers and the guardrail services (Bedrock ApplyGuardrail, Aporia, Lakera), each in its own wire
 * format; the simulated services flag text containing "forbidden". Every guardrail here is asked for per request
 * ({@code guardrails: [...]}), as LiteLLM's clients ask, except {@code always}, which is default_on.
 */
class GuardrailsIT {
    static final String APORIA_KEY = "aporia-secret-key-0123456789abcdef";
    static final String LAKERA_KEY = "lakera-secret-key-0123456789abcdef";
    static TestGateway gw;
    static OpenAIClient openai;
    static AnthropicClient anthropic;

    private static String bedrock(String name, String mode, String id) {
        return """
                  - guardrail_name: %s
                    litellm_params:
                      guardrail: bedrock
                      mode: %s
                      guardrailIdentifier: %s
                      guardrailVersion: DRAFT
                      aws_region_name: us-east-1
                      aws_access_key_id: %s
                      aws_secret_access_key: "%s"
                      aws_bedrock_runtime_endpoint: ${SIM_ROOT}
                """.formatted(name, mode, id, ProviderSimulator.BEDROCK_ACCESS_KEY, ProviderSimulator.BEDROCK_SECRET);
    }

    private static String remote(String name, String kind, String mode, String key, String base) {
        return """
                  - guardrail_name: %s
                    litellm_params: { guardrail: %s, mode: %s, api_key: %s, api_base: "%s", timeout: 2 }
                """.formatted(name, kind, mode, key, base);
    }

    private static final String TOOL_RULES = String.join("\n",
            "      rules:",
            "        - id: \"allow_bash\"",
            "          tool_name: \"Bash\"",
            "          decision: \"allow\"",
            "        - id: \"deny_read_commands\"",
            "          tool_name: \"Read\"",
            "          decision: \"Deny\"",
            "      default_action: \"deny\"", "");

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                guardrails:
                """ + bedrock("bedrock-pre", "pre_call", "gr-sim-1") + bedrock("bedrock-post", "post_call", "gr-sim-1")
                + bedrock("bedrock-missing", "pre_call", "missing")
                + remote("aporia-during", "aporia", "during_call", APORIA_KEY, "${SIM_ROOT}")
                + remote("aporia-post", "aporia", "post_call", APORIA_KEY, "${SIM_ROOT}")
                + remote("lakera-pre", "lakera_v2", "pre_call", LAKERA_KEY, "${SIM_ROOT}")
                + remote("lakera-both", "lakera_v2", "[pre_call, post_call]", LAKERA_KEY, "${SIM_ROOT}")
                + remote("lakera-down", "lakera_v2", "pre_call", LAKERA_KEY, "http://127.0.0.1:9")
                + """
                  - guardrail_name: tools
                    litellm_params:
                      guardrail: tool_permission
                      mode: post_call
                """ + TOOL_RULES + """
                  - guardrail_name: tools-rewrite
                    litellm_params:
                      guardrail: tool_permission
                      mode: post_call
                      on_disallowed_action: rewrite
                """ + TOOL_RULES + """
                  - guardrail_name: tools-offered
                    litellm_params:
                      guardrail: tool_permission
                      mode: pre_call
                """ + TOOL_RULES + """
                  - guardrail_name: always
                    litellm_params: { guardrail: tool_permission, mode: pre_call, default_on: true, default_action: allow }
                """);
        openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        openai.close();
        anthropic.close();
        gw.close();
    }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static long providerCalls() { return GuardrailRequests.providerCalls(gw); }

    private static ChatCompletionCreateParams.Builder ask(String text, String... guardrails) {
        return GuardrailRequests.ask(text, guardrails);
    }

    private static MessageCreateParams.Builder askClaude(String text, String... guardrails) {
        return GuardrailRequests.askClaude(text, guardrails);
    }

    private static ChatCompletionFunctionTool tool(String name) {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name(name).description(name + " a file")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("path", Map.of("type", "string")))).build())
                .build()).build();
    }

    @Test
    void aPreCallBlockAnswersLiteLlmsErrorAndNeverCallsTheProvider() {
        assertThatThrownBy(() -> openai.chat().completions().create(ask("tell me something forbidden", "bedrock-pre").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("Violated guardrail policy").contains("Sorry, the model cannot answer this question.")
                            .contains("\"guardrailIdentifier\":\"gr-sim-1\"");
                });
        assertThat(providerCalls()).isZero();
        assertThat(gw.simulator.received()).anyMatch(r -> r.path().equals("/guardrail/gr-sim-1/version/DRAFT/apply")
                && r.body().getString("source").equals("INPUT")
                && r.body().getJsonArray("content").getJsonObject(0).getJsonObject("text").getString("text").equals("tell me something forbidden")
                && r.headers().get("authorization").contains("/us-east-1/bedrock/aws4_request"));

        ChatCompletion ok = openai.chat().completions().create(ask("tell me something nice", "bedrock-pre").build());
        assertThat(ok.choices().get(0).message().content().orElseThrow()).contains("You said: tell me something nice");
        assertThat(providerCalls()).isEqualTo(1);
        // the body field is the gateway's: it never reaches the provider
        assertThat(gw.simulator.last().body().containsKey("guardrails")).isFalse();
    }

    @Test
    void aPreCallBlockInTheAnthropicDialect() {
        assertThatThrownBy(() -> anthropic.messages().create(askClaude("something forbidden", "lakera-pre").build()))
                .isInstanceOfSatisfying(com.anthropic.errors.BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("Violated guardrail policy").contains("lakera_guardrail_response");
                });
        assertThat(providerCalls()).isZero();
        ProviderSimulator.Received lakera = gw.simulator.received().stream().filter(r -> r.path().equals("/v2/guard")).findFirst().orElseThrow();
        assertThat(lakera.headers().get("authorization")).isEqualTo("Bearer " + LAKERA_KEY);
        assertThat(lakera.body().getJsonArray("messages").getJsonObject(0).encode()).isEqualTo("{\"role\":\"user\",\"content\":\"something forbidden\"}");
        assertThat(lakera.body().getBoolean("breakdown")).isTrue();

        var ok = anthropic.messages().create(askClaude("something fine", "lakera-pre").build());
        assertThat(ok.content().get(0).text().orElseThrow().text()).contains("You said: something fine");
        // the raw Anthropic body went upstream without the gateway's field
        assertThat(gw.simulator.last().path()).isEqualTo("/v1/messages");
        assertThat(gw.simulator.last().body().containsKey("guardrails")).isFalse();
    }

    @Test
    void aPostCallBlockComesAfterTheProviderAnsweredAndIsInTheLedgerAsBlocked() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"repeat: forbidden\"}],\"guardrails\":[\"bedrock-post\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("message")).contains("Violated guardrail policy");
        assertThat(error.getString("code")).isEqualTo("400");
        assertThat(r.headers().firstValue("x-litellm-applied-guardrails")).hasValue("always,bedrock-post");
        assertThat(providerCalls()).isEqualTo(1);
        assertThat(gw.simulator.received()).anyMatch(x -> x.path().endsWith("/apply") && x.body().getString("source").equals("OUTPUT"));

        String id = r.headers().firstValue("x-switchboard-request-id").orElseThrow();
        JsonArray rows = new Admin(gw).getOk("/spend/logs?request_id=" + id).getJsonArray("data");
        assertThat(rows).hasSize(1);
        JsonObject row = rows.getJsonObject(0);
        assertThat(row.getInteger("status")).isEqualTo(400);
        assertThat(row.getString("error_type")).isEqualTo("guardrail_blocked");
        assertThat(row.getString("deployment")).isEqualTo("openai/gpt-4o-mini");
        assertThat(row.getInteger("completion_tokens")).isPositive(); // the provider was paid for the answer nobody got
    }

    @Test
    void aPreCallBlockIsInTheLedgerAtNoCost() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"forbidden\"}],\"metadata\":{\"guardrails\":[\"bedrock-pre\"]}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject row = new Admin(gw).getOk("/spend/logs?request_id=" + r.headers().firstValue("x-switchboard-request-id").orElseThrow())
                .getJsonArray("data").getJsonObject(0);
        assertThat(row.getString("error_type")).isEqualTo("guardrail_blocked");
        assertThat(row.getDouble("spend")).isZero();
        assertThat(row.getValue("deployment")).isNull();
        assertThat(providerCalls()).isZero();
    }

    @Test
    void aStreamWithAPostCallGuardrailIsCheckedWholeThenReplayed() {
        assertThatThrownBy(() -> {
            try (var s = openai.chat().completions().createStreaming(ask("say forbidden", "bedrock-post").build())) {
                s.stream().forEach(c -> { });
            }
        }).isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("Violated guardrail policy"));
        assertThat(providerCalls()).isEqualTo(1);

        StringBuilder text = new StringBuilder();
        try (var s = openai.chat().completions().createStreaming(ask("say hello", "bedrock-post").build())) {
            s.stream().forEach((ChatCompletionChunk c) -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        }
        assertThat(text.toString()).contains("You said: say hello");

        // Anthropic dialect, streamed, post_call by aporia: a clean error before any event
        assertThatThrownBy(() -> {
            try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(askClaude("echo forbidden", "aporia-post").build())) {
                s.stream().forEach(e -> { });
            }
        }).isInstanceOfSatisfying(com.anthropic.errors.BadRequestException.class,
                e -> assertThat(e.getMessage()).contains("aporia_ai_response").contains("Aporia detected and blocked forbidden content"));
        ProviderSimulator.Received aporia = gw.simulator.received().stream().filter(r -> r.path().equals("/validate")).reduce((a, b) -> b).orElseThrow();
        assertThat(aporia.headers().get("X-APORIA-API-KEY")).isEqualTo(APORIA_KEY);
        assertThat(aporia.body().getString("validation_target")).isEqualTo("both");
        assertThat(aporia.body().getString("response")).contains("echo forbidden");
    }

    @Test
    void aDuringCallGuardrailRunsBesideTheProviderAndItsBlockWins() {
        assertThatThrownBy(() -> openai.chat().completions().create(ask("forbidden words", "aporia-during").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("aporia_ai_response"));
        assertThat(providerCalls()).isEqualTo(1); // during_call: the provider was asked at the same time
        assertThat(gw.simulator.received()).anyMatch(r -> r.path().equals("/validate") && r.body().getString("validation_target").equals("prompt"));
        ChatCompletion ok = openai.chat().completions().create(ask("fine words", "aporia-during").build());
        assertThat(ok.choices().get(0).message().content().orElseThrow()).contains("fine words");
    }

    /** The ledger row of the call {@code r} answered. */
    private static JsonObject ledgerRow(HttpResponse<String> r) {
        JsonArray rows = new Admin(gw).getOk("/spend/logs?request_id=" + r.headers().firstValue("x-switchboard-request-id").orElseThrow())
                .getJsonArray("data");
        assertThat(rows).hasSize(1);
        return rows.getJsonObject(0);
    }

    private static HttpResponse<String> blockedDuringCall(String dialect, boolean stream, String text) {
        String body = dialect.equals("openai")
                ? "{\"model\":\"gpt\",\"stream\":" + stream + ",\"guardrails\":[\"aporia-during\"],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}"
                : "{\"model\":\"claude\",\"max_tokens\":256,\"stream\":" + stream + ",\"guardrails\":[\"aporia-during\"],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        HttpResponse<String> r = Http.post(dialect.equals("openai") ? gw.v1() + "/chat/completions" : gw.baseUrl() + "/v1/messages",
                TestGateway.MASTER_KEY, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("aporia_ai_response");
        return r;
    }

    /**
     * D2 of the multi-gateway QA run: a streamed call that a slow during_call guardrail blocks after the provider sent
     * its whole answer, usage included, is priced on that usage, as the same call not streamed is; it was priced at a
     * prompt-only estimate (0 output tokens), the stream cancelled unread. Both dialects.
     */
    @Test
    void aStreamedDuringCallBlockIsPricedOnTheUsageTheProviderAlreadySent() {
        gw.simulator.delayGuardrails(400); // the verdict comes after the provider's whole answer
        for (String dialect : List.of("openai", "anthropic")) {
            JsonObject whole = ledgerRow(blockedDuringCall(dialect, false, "forbidden words, " + dialect));
            JsonObject streamed = ledgerRow(blockedDuringCall(dialect, true, "forbidden words, " + dialect));
            assertThat(streamed.getString("error_type")).isEqualTo("guardrail_blocked");
            assertThat(streamed.getBoolean("usage_estimated")).as(dialect + ": the provider's usage").isFalse();
            assertThat(streamed.getInteger("completion_tokens")).as(dialect).isPositive()
                    .isEqualTo(whole.getInteger("completion_tokens"));
            assertThat(streamed.getInteger("prompt_tokens")).as(dialect).isEqualTo(whole.getInteger("prompt_tokens"));
            assertThat(streamed.getValue("spend").toString()).as(dialect).isEqualTo(whole.getValue("spend").toString());
        }
    }

    /**
     * A streamed call blocked while the provider is still streaming, so no usage came: the estimate counts the output
     * the provider had sent (it bills it), not only the prompt, and the upstream stream is cancelled. Both dialects.
     */
    @Test
    void aStreamedDuringCallBlockWithoutUsageIsEstimatedWithTheOutputAlreadyStreamed() {
        gw.simulator.delayGuardrails(400);
        gw.simulator.behaveAlways("gpt-4o-mini", dev.switchboard.simulator.SimBehaviour.longSlowStream(40, 200));
        gw.simulator.behaveAlways("claude-sonnet-4-5", dev.switchboard.simulator.SimBehaviour.longSlowStream(40, 200));
        for (String dialect : List.of("openai", "anthropic")) {
            int cancelled = gw.simulator.cancelledStreams();
            JsonObject row = ledgerRow(blockedDuringCall(dialect, true, "forbidden words, " + dialect));
            assertThat(row.getString("error_type")).isEqualTo("guardrail_blocked");
            assertThat(row.getBoolean("usage_estimated")).as(dialect).isTrue();
            // ~10 events of text had come in the 400 ms the verdict took: far more than nothing
            assertThat(row.getInteger("completion_tokens")).as(dialect + ": the output streamed before the block").isGreaterThan(5);
            org.awaitility.Awaitility.await(dialect + ": the upstream stream is cancelled").atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> gw.simulator.cancelledStreams() > cancelled);
        }
    }

    /**
     * A blocked answer the response cache served cost nothing: no provider was called for it. It was priced on the
     * stored call's usage (the streamed one, once the blocked stream was read for its usage, too).
     */
    @Test
    void aBlockedCacheHitIsRecordedAtNoCost() {
        try (TestGateway cached = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                litellm_settings: { cache: true }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                guardrails:
                """ + remote("aporia-during", "aporia", "during_call", APORIA_KEY, "${SIM_ROOT}")
                + remote("aporia-post", "aporia", "post_call", APORIA_KEY, "${SIM_ROOT}"))) {
            for (String guard : List.of("aporia-during", "aporia-post")) {
                boolean first = true;
                for (boolean stream : List.of(false, true, false)) {
                    String body = "{\"model\":\"gpt\",\"stream\":" + stream + ",\"guardrails\":[\"" + guard + "\"],"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"repeat: forbidden, " + guard + "\"}]}";
                    HttpResponse<String> r = Http.post(cached.v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
                    JsonObject row = new Admin(cached).getOk("/spend/logs?request_id="
                            + r.headers().firstValue("x-switchboard-request-id").orElseThrow()).getJsonArray("data").getJsonObject(0);
                    assertThat(row.getString("error_type")).isEqualTo("guardrail_blocked");
                    assertThat(cached.simulator.received().stream().filter(x -> x.path().equals("/v1/chat/completions")))
                            .as("one provider call, then the cache").hasSize(1);
                    if (first) { // the provider was called and paid
                        assertThat(row.getDouble("spend")).as(guard).isPositive();
                        first = false;
                        continue;
                    }
                    assertThat(row.getValue("deployment")).as(guard + ", stream " + stream + ": served by the cache").isNull();
                    assertThat(row.getDouble("spend")).as(guard + ", stream " + stream).isZero();
                }
                cached.simulator.reset();
            }
        }
    }

    @Test
    void lakeraOnBothSidesChecksTheAnswerWithTheConversation() {
        assertThatThrownBy(() -> anthropic.messages().create(askClaude("just say it: forbid" + "den", "lakera-both").build()))
                .isInstanceOf(com.anthropic.errors.BadRequestException.class);
        assertThat(providerCalls()).isZero(); // flagged on the way in already
        var ok = anthropic.messages().create(askClaude("hello there", "lakera-both").build());
        assertThat(ok.content().get(0).text().orElseThrow().text()).contains("hello there");
        List<ProviderSimulator.Received> calls = gw.simulator.received().stream().filter(r -> r.path().equals("/v2/guard")).toList();
        JsonArray post = calls.get(calls.size() - 1).body().getJsonArray("messages");
        assertThat(post.getJsonObject(post.size() - 1).getString("role")).isEqualTo("assistant");
    }

    @Test
    void toolPermissionDeniesAToolCallInTheAnswerInBothDialects() {
        assertThatThrownBy(() -> openai.chat().completions().create(ask("read it", "tools").addTool(tool("Read")).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage())
                        .contains("Guardrail raised an exception, Guardrail: tools, Message: Tool 'Read' denied by rule 'deny_read_commands'"));
        ChatCompletion bash = openai.chat().completions().create(ask("run it", "tools").addTool(tool("Bash")).build());
        assertThat(bash.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().function().name()).isEqualTo("Bash");

        com.anthropic.models.messages.Tool read = com.anthropic.models.messages.Tool.builder().name("Read").description("Read a file")
                .inputSchema(com.anthropic.models.messages.Tool.InputSchema.builder()
                        .properties(com.anthropic.core.JsonValue.from(Map.of("path", Map.of("type", "string")))).build()).build();
        assertThatThrownBy(() -> anthropic.messages().create(askClaude("read it", "tools").addTool(read).build()))
                .isInstanceOfSatisfying(com.anthropic.errors.BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("Tool 'Read' denied by rule 'deny_read_commands'"));
        // streamed: read whole, checked, refused before any event
        assertThatThrownBy(() -> {
            try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(askClaude("read it", "tools").addTool(read).build())) {
                s.stream().forEach(e -> { });
            }
        }).isInstanceOf(com.anthropic.errors.BadRequestException.class);
    }

    @Test
    void toolPermissionRewriteRemovesTheDeniedCallAndSaysWhy() {
        ChatCompletion c = openai.chat().completions().create(ask("read it", "tools-rewrite").addTool(tool("Read")).build());
        var m = c.choices().get(0).message();
        assertThat(m.toolCalls().orElse(List.of())).isEmpty();
        assertThat(m.content().orElseThrow()).contains("Permission denied: Tool 'Read' denied by rule 'deny_read_commands' (Rule: deny_read_commands)");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    }

    @Test
    void toolPermissionOnTheRequestRefusesADeniedToolBeforeTheProvider() {
        assertThatThrownBy(() -> openai.chat().completions().create(ask("x", "tools-offered").addTool(tool("Read")).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage())
                        .contains("detection_message").contains("Tool 'Read' denied by rule 'deny_read_commands'"));
        assertThat(providerCalls()).isZero();
    }

    @Test
    void aGuardrailThatCannotBeReachedFailsTheRequestClosedWithoutItsKey() {
        assertThatThrownBy(() -> openai.chat().completions().create(ask("hello", "lakera-down").build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> assertThat(e.getMessage())
                        .contains("Guardrail 'lakera-down' failed to respond").doesNotContain(LAKERA_KEY));
        assertThat(providerCalls()).isZero();
        // Bedrock's own error status is passed on, with Bedrock's message
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"guardrails\":[\"bedrock-missing\"]}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("failed to respond").contains("does not exist").doesNotContain(ProviderSimulator.BEDROCK_SECRET);
        assertThat(providerCalls()).isZero();
    }

    @Test
    void anthropicMetadataGuardrailsSelectAndNeverReachAnthropic() {
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"forbidden\"}],"
                        + "\"metadata\":{\"user_id\":\"u1\",\"guardrails\":[\"bedrock-pre\"]}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
        assertThat(providerCalls()).isZero();
        HttpResponse<String> ok = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"claude\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"fine\"}],"
                        + "\"metadata\":{\"user_id\":\"u1\",\"guardrails\":[\"bedrock-pre\"]}}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("metadata").encode()).isEqualTo("{\"user_id\":\"u1\"}");
    }

    @Test
    void aGuardrailNobodyConfiguredIsRefused() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"guardrails\":[\"no-such-guard\"]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Guardrail 'no-such-guard' is not configured");
        assertThat(providerCalls()).isZero();
    }
}
