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
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.Admin;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's built-in content filter ({@code guardrail: litellm_content_filter}: PII patterns and banned keywords, BLOCK
 * or MASK) through a real socket with the official SDKs: before this it was refused at start as an unknown kind, so a
 * LiteLLM config with PII masking or banned words did not start. The simulator echoes the prompt ("You said: …"), so
 * what reached the provider and what the client got are both visible.
 */
class ContentFilterGuardrailIT {
    static TestGateway gw;
    static OpenAIClient openai;
    static AnthropicClient anthropic;

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
                  - guardrail_name: pii-pre
                    litellm_params:
                      guardrail: litellm_content_filter
                      mode: pre_call
                      patterns:
                        - { pattern_type: prebuilt, pattern_name: us_ssn, action: BLOCK }
                        - { pattern_type: prebuilt, pattern_name: email, action: MASK }
                        - { pattern_type: regex, pattern: 'PROJECT-\\d{6}', name: project_code, action: MASK }
                      blocked_words:
                        - { keyword: confidential, action: BLOCK, description: Sensitive internal information }
                        - { keyword: proprietary, action: MASK }
                  - guardrail_name: pii-post
                    litellm_params:
                      guardrail: litellm_content_filter
                      mode: post_call
                      pattern_redaction_format: "***{pattern_name}***"
                      patterns:
                        - { pattern_type: prebuilt, pattern_name: email, action: MASK }
                      blocked_words:
                        - { keyword: "s*cret", action: BLOCK }
                  - guardrail_name: runaway
                    litellm_params:
                      guardrail: litellm_content_filter
                      mode: pre_call
                      patterns:
                        - { pattern_type: regex, pattern: '\\w*\\w*\\w*\\w*\\w*x', name: runaway, action: MASK }
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

    @Test
    void aBlockedPatternAnswersLiteLlmsForbiddenDetailInBothDialectsAndNoProviderIsCalled() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"My SSN is 123-45-6789\"}],\"guardrails\":[\"pii-pre\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(new JsonObject(error.getString("message")))
                .isEqualTo(new JsonObject().put("error", "Content blocked: us_ssn pattern detected").put("pattern", "us_ssn"));
        assertThat(error.getString("code")).isEqualTo("403");
        assertThat(r.headers().firstValue("x-litellm-applied-guardrails")).hasValue("pii-pre");
        assertThat(providerCalls()).isZero();
        JsonObject row = new Admin(gw).getOk("/spend/logs?request_id=" + r.headers().firstValue("x-switchboard-request-id").orElseThrow())
                .getJsonArray("data").getJsonObject(0);
        assertThat(row.getString("error_type")).isEqualTo("guardrail_blocked");
        assertThat(row.getInteger("status")).isEqualTo(403);
        assertThat(row.getDouble("spend")).isZero();

        assertThatThrownBy(() -> anthropic.messages().create(askClaude("this is CONFIDENTIAL stuff", "pii-pre").build()))
                .isInstanceOfSatisfying(com.anthropic.errors.PermissionDeniedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("Content blocked: keyword 'confidential' detected (Sensitive internal information)")
                            .contains("\\\"keyword\\\":\\\"confidential\\\"");
                });
        assertThatThrownBy(() -> openai.chat().completions().create(ask("this is confidential", "pii-pre").build()))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(providerCalls()).isZero();
    }

    @Test
    void maskedPiiNeverReachesTheProviderInEitherDialect() {
        var a = openai.chat().completions().create(ask("mail ann@example.com about PROJECT-123456, proprietary", "pii-pre").build());
        String said = a.choices().get(0).message().content().orElseThrow();
        assertThat(said).contains("You said: mail [EMAIL_REDACTED] about [PROJECT_CODE_REDACTED], [KEYWORD_REDACTED]");
        assertThat(gw.simulator.last().body().encode()).doesNotContain("ann@example.com").doesNotContain("PROJECT-123456");

        // the Anthropic body goes upstream raw: it is masked there too
        var m = anthropic.messages().create(askClaude("write to bob@example.org", "pii-pre").build());
        assertThat(m.content().get(0).text().orElseThrow().text()).contains("You said: write to [EMAIL_REDACTED]");
        assertThat(gw.simulator.last().path()).isEqualTo("/v1/messages");
        assertThat(gw.simulator.last().body().encode()).doesNotContain("bob@example.org").contains("[EMAIL_REDACTED]");
    }

    @Test
    void aPostCallFilterMasksTheAnswerStreamedOrNotAndBlocksAKeywordWithAWildcard() {
        var a = openai.chat().completions().create(ask("reach me at ann@example.com", "pii-post").build());
        assertThat(a.choices().get(0).message().content().orElseThrow()).contains("reach me at ***EMAIL***").doesNotContain("ann@");
        assertThat(gw.simulator.last().body().encode()).contains("ann@example.com"); // post_call: the prompt went as written

        StringBuilder text = new StringBuilder();
        try (var s = openai.chat().completions().createStreaming(ask("reach me at ann@example.com", "pii-post").build())) {
            s.stream().forEach((ChatCompletionChunk c) -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        }
        assertThat(text.toString()).contains("reach me at ***EMAIL***").doesNotContain("ann@");

        StringBuilder claude = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(askClaude("mail ann@example.com", "pii-post").build())) {
            s.stream().forEach(e -> e.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> claude.append(t.text())));
        }
        assertThat(claude.toString()).contains("mail ***EMAIL***").doesNotContain("ann@");

        assertThatThrownBy(() -> {
            try (var s = openai.chat().completions().createStreaming(ask("the secret is out", "pii-post").build())) {
                s.stream().forEach(c -> { });
            }
        }).isInstanceOfSatisfying(PermissionDeniedException.class, e -> assertThat(e.getMessage())
                .contains("Content blocked: keyword 's*cret' detected"));
    }

    /**
     * Raw bodies go upstream as the client wrote them, so every prompt text in them is masked there: an Anthropic
     * system (a string or blocks), a tool_result (a string or blocks); a Responses instructions, input (a string or
     * items) and a function_call_output's output. A tool call's arguments are left as written (tool arguments are not
     * checked), even a "text" key inside them.
     */
    @Test
    void everyPromptTextOfARawBodyIsMaskedUpstreamButToolArgumentsAreLeft() {
        String tools = ",\"tools\":[{\"name\":\"lookup\",\"input_schema\":{\"type\":\"object\",\"properties\":{}}}]";
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, """
                {"model":"claude","max_tokens":64,"guardrails":["pii-pre"],"system":"owner: ann@example.com","messages":[
                 {"role":"user","content":"look up someone"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":"x","text":"eve@example.com"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"found dan@example.com"}]}]""" + tools + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().path()).isEqualTo("/v1/messages");
        String upstream = gw.simulator.last().body().encode();
        assertThat(upstream).doesNotContain("ann@example.com").doesNotContain("dan@example.com")
                .contains("owner: [EMAIL_REDACTED]").contains("found [EMAIL_REDACTED]").contains("eve@example.com");

        r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, """
                {"model":"claude","max_tokens":64,"guardrails":["pii-pre"],"system":[{"type":"text","text":"owner: ann@example.com"}],"messages":[
                 {"role":"user","content":"look up someone"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":"x"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"found dan@example.com"}]}]}]"""
                + tools + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        upstream = gw.simulator.last().body().encode();
        assertThat(upstream).doesNotContain("ann@example.com").doesNotContain("dan@example.com")
                .contains("owner: [EMAIL_REDACTED]").contains("found [EMAIL_REDACTED]");

        r = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, """
                {"model":"gpt","guardrails":["pii-pre"],"instructions":"owner: ann@example.com","input":[
                 {"role":"user","content":[{"type":"input_text","text":"mail bob@example.org"}]},
                 {"type":"function_call","call_id":"call_1","name":"lookup","arguments":"{\\"q\\":\\"eve@example.com\\"}"},
                 {"type":"function_call_output","call_id":"call_1","output":"found dan@example.com"}],
                 "tools":[{"type":"function","name":"lookup","parameters":{"type":"object","properties":{}}}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().path()).isEqualTo("/v1/responses");
        upstream = gw.simulator.last().body().encode();
        assertThat(upstream).doesNotContain("ann@example.com").doesNotContain("bob@example.org").doesNotContain("dan@example.com")
                .contains("owner: [EMAIL_REDACTED]").contains("mail [EMAIL_REDACTED]").contains("found [EMAIL_REDACTED]")
                .contains("eve@example.com");

        r = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"guardrails\":[\"pii-pre\"],\"input\":\"mail bob@example.org\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getString("input")).isEqualTo("mail [EMAIL_REDACTED]");
    }

    /** A regex that backtracks without end refuses the call (403, named) in the caller's dialect: never a hang. */
    @Test
    void aPatternThatTimesOutRefusesTheCallAndNoProviderIsCalled() {
        String text = "a".repeat(200);
        assertThatThrownBy(() -> openai.chat().completions().create(ask(text, "runaway").build()))
                .isInstanceOfSatisfying(PermissionDeniedException.class, e -> assertThat(e.getMessage())
                        .contains("Content blocked: the content filter timed out (pattern 'runaway' took over 50 ms"));
        assertThatThrownBy(() -> anthropic.messages().create(askClaude(text, "runaway").build()))
                .isInstanceOfSatisfying(com.anthropic.errors.PermissionDeniedException.class, e -> assertThat(e.getMessage())
                        .contains("the content filter timed out"));
        assertThat(providerCalls()).isZero();
    }
}
