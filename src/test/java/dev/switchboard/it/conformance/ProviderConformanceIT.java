package dev.switchboard.it.conformance;

import static dev.switchboard.it.conformance.ConformanceRequests.anthropic;
import static dev.switchboard.it.conformance.ConformanceRequests.anthropicToolCall;
import static dev.switchboard.it.conformance.ConformanceRequests.openAi;
import static dev.switchboard.it.conformance.ConformanceRequests.openAiToolCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.Admin;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The provider conformance suite: what every provider must do, from both inbound dialects (the official OpenAI SDK on
 * {@code /v1/chat/completions}, the official Anthropic SDK on {@code /v1/messages}), against the built-in simulator
 * speaking the provider's wire format. A provider subclasses it and gives its deployment and capabilities
 * ({@link #subject()}); tests of capabilities it lacks are skipped by an assumption naming the flag.
 *
 * <p>Aliases of the gateway it starts: {@code subject} (the deployment), {@code guarded} (the same, with content-policy
 * and context-window fallbacks to {@code fallback}, a mock), {@code embedder} (when the provider embeds).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ProviderConformanceIT {
    static final String SUBJECT = "subject";
    private TestGateway gw;
    private OpenAIClient openai;
    private AnthropicClient anthropic;
    private ConformanceSubject subject;

    /** The provider under test: its deployment, key and capabilities. */
    protected abstract ConformanceSubject subject();

    @BeforeEach
    void openAndReset() {
        if (gw == null) {
            subject = subject();
            gw = subject.env().isEmpty() ? TestGateway.start(subject.config()) : TestGateway.start(subject.config(), subject.env());
            openai = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
            anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
        }
        gw.simulator.reset();
    }

    /** Closes the gateway; a parameterized subclass calls it after each of its invocations. */
    @AfterAll
    protected void closeGateway() {
        if (gw == null) return;
        openai.close();
        anthropic.close();
        gw.close();
        gw = null;
    }

    private void need(Capability c) {
        assumeTrue(subject.has(c), () -> subject.model() + " lacks capability " + c + ": skipped");
    }

    // ---- text and usage ----

    @Test
    void textFromTheOpenAiDialect() {
        ChatCompletion c = openai.chat().completions().create(openAi(SUBJECT, "hello conformance").build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content().orElseThrow()).contains("You said: hello conformance");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.model()).as("the model that served").contains(lastSegment(subject.upstreamModel()));
        CompletionUsage u = c.usage().orElseThrow();
        assertThat(u.promptTokens()).isPositive();
        assertThat(u.completionTokens()).isPositive();
        assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + u.completionTokens());
    }

    @Test
    void textFromTheAnthropicDialect() {
        Message m = anthropic.messages().create(anthropic(SUBJECT, "hello conformance").system("Be brief.").build());
        assertThat(text(m)).contains("You said: hello conformance");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.model().asString()).contains(lastSegment(subject.upstreamModel()));
        assertThat(m.usage().inputTokens()).isPositive();
        assertThat(m.usage().outputTokens()).isPositive();
    }

    @Test
    void theDeploymentsKeyReachesTheUpstream() {
        assumeTrue(subject.key() != null, () -> subject.model() + " sends no key: skipped");
        gw.simulator.requireKey(subject.key());
        assertThat(openai.chat().completions().create(openAi(SUBJECT, "keyed").build()).choices()).hasSize(1);
        assertThat(text(anthropic.messages().create(anthropic(SUBJECT, "keyed").build()))).contains("keyed");
    }

    // ---- streaming ----

    @Test
    void streamFromTheOpenAiDialect() {
        need(Capability.STREAMING);
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (var s = openai.chat().completions().createStreaming(openAi(SUBJECT, "stream conformance")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        List<Integer> finishAt = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            int at = i;
            chunks.get(i).choices().forEach(ch -> {
                ch.delta().content().ifPresent(text::append);
                ch.finishReason().ifPresent(f -> {
                    assertThat(f.asString()).isEqualTo("stop");
                    finishAt.add(at);
                });
            });
        }
        assertThat(text.toString()).contains("You said: stream conformance");
        assertThat(chunks.get(0).choices().get(0).delta().role().map(r -> r.asString())).as("the first chunk names the role").contains("assistant");
        assertThat(finishAt).as("one finish_reason").hasSize(1);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).as("the usage chunk comes last, without choices").isEmpty();
        assertThat(finishAt.get(0)).isLessThan(chunks.size() - 1);
        assertThat(last.usage().orElseThrow().promptTokens()).isPositive();
        assertThat(last.usage().orElseThrow().completionTokens()).isPositive();
        assertThat(chunks).extracting(ChatCompletionChunk::id).as("one id for the whole stream").containsOnly(chunks.get(0).id());
    }

    @Test
    void streamFromTheAnthropicDialect() {
        need(Capability.STREAMING);
        MessageAccumulator acc = MessageAccumulator.create();
        List<String> types = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(anthropic(SUBJECT, "stream conformance").build())) {
            s.stream().forEach(e -> {
                acc.accumulate(e);
                types.add(eventType(e));
            });
        }
        assertThat(String.join(" ", types)).as("Anthropic's event order")
                .matches("message_start( content_block_start( content_block_delta)+ content_block_stop)+ message_delta message_stop");
        Message m = acc.message();
        assertThat(text(m)).contains("You said: stream conformance");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).as("final usage").isPositive();
        assertThat(m.usage().outputTokens()).isPositive();
    }

    // ---- tools ----

    @Test
    void toolRoundTripFromTheOpenAiDialect() {
        need(Capability.TOOLS);
        ChatCompletion first = openai.chat().completions().create(openAiToolCall(SUBJECT).build());
        assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.id()).isNotBlank();
        new JsonObject(call.function().arguments()); // valid JSON object
        ChatCompletion second = openai.chat().completions().create(openAi(SUBJECT, "What is the weather in Paris?")
                .addTool(ConformanceRequests.openAiWeather()).addMessage(first.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18 degrees and sunny").build()).build());
        assertThat(second.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(second.choices().get(0).message().toolCalls().orElse(List.of())).isEmpty();
        if (subject.has(Capability.UPSTREAM_ERRORS)) { // the simulated model reads the tool result back
            assertThat(second.choices().get(0).message().content().orElseThrow()).contains("18 degrees and sunny");
        }
    }

    @Test
    void toolRoundTripFromTheAnthropicDialect() {
        need(Capability.TOOLS);
        Message first = anthropic.messages().create(anthropicToolCall(SUBJECT).build());
        assertThat(first.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = first.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use.id()).isNotBlank();
        Message second = anthropic.messages().create(anthropic(SUBJECT, "What is the weather in Paris?")
                .addTool(ConformanceRequests.anthropicWeather()).addMessage(first)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(use.id()).content("18 degrees and sunny").build()))).build());
        assertThat(second.stopReason()).contains(StopReason.END_TURN);
        if (subject.has(Capability.UPSTREAM_ERRORS)) assertThat(text(second)).contains("18 degrees and sunny");
    }

    @Test
    void streamedToolCallArgumentsFromTheOpenAiDialect() {
        need(Capability.TOOLS);
        need(Capability.STREAMING);
        StringBuilder args = new StringBuilder();
        List<String> names = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> finish = new ArrayList<>();
        try (var s = openai.chat().completions().createStreaming(openAiToolCall(SUBJECT).build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> {
                ch.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
                    tc.id().ifPresent(ids::add);
                    tc.function().flatMap(f -> f.name()).ifPresent(names::add);
                    tc.function().flatMap(f -> f.arguments()).ifPresent(args::append);
                }));
                ch.finishReason().ifPresent(f -> finish.add(f.asString()));
            }));
        }
        assertThat(names).as("the name once per call").containsExactly("get_weather");
        assertThat(ids).as("the id once per call").hasSize(1);
        new JsonObject(args.toString()); // the pieces join into one JSON object
        assertThat(finish).containsExactly("tool_calls");
    }

    @Test
    void streamedToolCallArgumentsFromTheAnthropicDialect() {
        need(Capability.TOOLS);
        need(Capability.STREAMING);
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(anthropicToolCall(SUBJECT).build())) {
            s.stream().forEach(acc::accumulate);
        }
        List<ToolUseBlock> uses = acc.message().content().stream().filter(ContentBlock::isToolUse).map(ContentBlock::asToolUse).toList();
        assertThat(uses).hasSize(1);
        assertThat(uses.get(0).name()).isEqualTo("get_weather");
        assertThat(uses.get(0)._input().isMissing()).isFalse();
        assertThat(acc.message().stopReason()).contains(StopReason.TOOL_USE);
    }

    // ---- images ----

    @Test
    void imagesFromBothDialects() {
        need(Capability.IMAGES);
        ChatCompletion c = openai.chat().completions().create(ConformanceRequests.openAiImage(SUBJECT));
        assertThat(c.choices().get(0).message().content().orElseThrow()).contains("I see 1 image");
        assertThat(text(anthropic.messages().create(ConformanceRequests.anthropicImage(SUBJECT)))).contains("I see 1 image");
    }

    // ---- embeddings ----

    @Test
    void embeddings() {
        need(Capability.EMBEDDINGS);
        var e = openai.embeddings().create(EmbeddingCreateParams.builder().model("embedder").input("embed conformance").build());
        assertThat(e.data()).hasSize(1);
        assertThat(e.data().get(0).embedding()).isNotEmpty();
        assertThat(e.usage().promptTokens()).isPositive();
    }

    // ---- prompt cache tokens ----

    @Test
    void cachedInputTokensInBothDialects() {
        need(Capability.CACHE_READ_TOKENS);
        CompletionUsage first = openai.chat().completions().create(ConformanceRequests.openAiCached(SUBJECT, "q1")).usage().orElseThrow();
        CompletionUsage second = openai.chat().completions().create(ConformanceRequests.openAiCached(SUBJECT, "q2")).usage().orElseThrow();
        long cached = second.promptTokensDetails().flatMap(d -> d.cachedTokens()).orElse(0L);
        assertThat(cached).as("cached tokens on the second call").isGreaterThanOrEqualTo(1024);
        assertThat(second.promptTokens()).as("prompt_tokens includes the cached ones").isGreaterThan(cached);
        if (subject.has(Capability.CACHE_WRITE_TOKENS)) {
            long written = first._additionalProperties().get("cache_creation_input_tokens") == null ? 0
                    : ((Number) first._additionalProperties().get("cache_creation_input_tokens").asNumber().orElse(0)).longValue();
            assertThat(written).as("cache writes reported on the first call").isGreaterThanOrEqualTo(1024);
        }

        Message a1 = anthropic.messages().create(ConformanceRequests.anthropicCached(SUBJECT, "q1"));
        Message a2 = anthropic.messages().create(ConformanceRequests.anthropicCached(SUBJECT, "q2"));
        assertThat(a2.usage().cacheReadInputTokens().orElse(0L)).isGreaterThanOrEqualTo(1024);
        if (subject.has(Capability.CACHE_WRITE_TOKENS)) {
            assertThat(a1.usage().cacheCreationInputTokens().orElse(0L)).isGreaterThanOrEqualTo(1024);
        }
    }

    // ---- reasoning ----

    @Test
    void reasoningFromBothDialects() {
        need(Capability.REASONING);
        ChatCompletion c = openai.chat().completions().create(openAi(SUBJECT, "think first").reasoningEffort(ReasoningEffort.LOW).build());
        var reasoning = c.choices().get(0).message()._additionalProperties().get("reasoning_content");
        String thought = reasoning == null ? "" : String.valueOf(reasoning.asString().orElse(""));
        assertThat(thought).as("reasoning_content").isNotBlank();
        Message m = anthropic.messages().create(anthropic(SUBJECT, "think first").maxTokens(4096).enabledThinking(1024).build());
        assertThat(m.content().stream().anyMatch(ContentBlock::isThinking)).as("a thinking block").isTrue();
    }

    // ---- errors ----

    @ParameterizedTest
    @EnumSource(UpstreamFault.class)
    void upstreamErrorsInTheOpenAiDialect(UpstreamFault fault) {
        need(Capability.UPSTREAM_ERRORS);
        need(fault.needs());
        gw.simulator.enqueue(fault.behaviour);
        OpenAIServiceException e = catchThrowableOfType(OpenAIServiceException.class,
                () -> openai.chat().completions().create(openAi(SUBJECT, "fail please").build()));
        assertThat(e).as("an error for " + fault).isNotNull();
        assertThat(e.statusCode()).isEqualTo(fault.status);
        // the gateway's type for the failure, or the one an OpenAI-style upstream sent itself (passed through unchanged),
        // never another dialect's (Google's INVALID_ARGUMENT, Anthropic's api_error)
        assertThat(e.type().orElseThrow()).isIn(fault.openAiType, fault.openAiWireType);
        if (fault.openAiCode != null) assertThat(e.code()).contains(fault.openAiCode);
        assertThat(e.getMessage()).isNotBlank();
        if (fault == UpstreamFault.RATE_LIMIT) assertThat(e.headers().values("retry-after")).containsExactly("7");
        assertNoKey(e.body().toString());
    }

    @ParameterizedTest
    @EnumSource(UpstreamFault.class)
    void upstreamErrorsInTheAnthropicDialect(UpstreamFault fault) {
        need(Capability.UPSTREAM_ERRORS);
        need(fault.needs());
        gw.simulator.enqueue(fault.behaviour);
        AnthropicServiceException e = catchThrowableOfType(AnthropicServiceException.class,
                () -> anthropic.messages().create(anthropic(SUBJECT, "fail please").build()));
        assertThat(e).as("an error for " + fault).isNotNull();
        assertThat(e.statusCode()).isEqualTo(fault.status);
        JsonObject body = new JsonObject(e.body().toString().isEmpty() ? "{}" : jsonOf(e.body()));
        assertThat(body.getString("type")).as("Anthropic's error shape").isEqualTo("error");
        assertThat(body.getJsonObject("error").getString("type")).isEqualTo(fault.anthropicType);
        assertThat(body.getJsonObject("error").getString("message")).isNotBlank();
        if (fault == UpstreamFault.RATE_LIMIT) assertThat(e.headers().values("retry-after")).containsExactly("7");
        assertNoKey(body.encode());
    }

    @Test
    void anErrorBeforeTheFirstByteOfAStreamIsAStatusInBothDialects() {
        need(Capability.UPSTREAM_ERRORS);
        need(Capability.STREAMING);
        gw.simulator.enqueue(SimBehaviour.rateLimited(3));
        OpenAIServiceException o = catchThrowableOfType(OpenAIServiceException.class, () -> {
            try (var s = openai.chat().completions().createStreaming(openAi(SUBJECT, "stream fail").build())) {
                s.stream().forEach(c -> { });
            }
        });
        assertThat(o).isNotNull();
        assertThat(o.statusCode()).isEqualTo(429);
        gw.simulator.enqueue(SimBehaviour.rateLimited(3));
        AnthropicServiceException a = catchThrowableOfType(AnthropicServiceException.class, () -> {
            try (var s = anthropic.messages().createStreaming(anthropic(SUBJECT, "stream fail").build())) {
                s.stream().forEach(c -> { });
            }
        });
        assertThat(a).isNotNull();
        assertThat(a.statusCode()).isEqualTo(429);
    }

    @Test
    void aContentPolicyRefusalFallsBackInBothDialects() {
        need(Capability.CONTENT_POLICY_ERRORS);
        gw.simulator.enqueue(SimBehaviour.contentPolicy());
        HttpResponseFor<ChatCompletion> o = openai.chat().completions().withRawResponse().create(openAi("guarded", "refuse me").build());
        assertThat(o.headers().values("x-switchboard-route")).containsExactly("fallback:content_policy");
        assertThat(o.parse().choices().get(0).message().content().orElseThrow()).isEqualTo("from the fallback");
        gw.simulator.enqueue(SimBehaviour.contentPolicy());
        var a = anthropic.messages().withRawResponse().create(anthropic("guarded", "refuse me").build());
        assertThat(a.headers().values("x-switchboard-route")).containsExactly("fallback:content_policy");
        assertThat(text(a.parse())).isEqualTo("from the fallback");
    }

    @Test
    void aContextLengthErrorFallsBackInBothDialects() {
        need(Capability.UPSTREAM_ERRORS);
        gw.simulator.enqueue(SimBehaviour.contextLength());
        HttpResponseFor<ChatCompletion> o = openai.chat().completions().withRawResponse().create(openAi("guarded", "too long").build());
        assertThat(o.headers().values("x-switchboard-route")).containsExactly("fallback:context_window");
        gw.simulator.enqueue(SimBehaviour.contextLength());
        var a = anthropic.messages().withRawResponse().create(anthropic("guarded", "too long").build());
        assertThat(a.headers().values("x-switchboard-route")).containsExactly("fallback:context_window");
    }

    // ---- the ledger ----

    @Test
    void theLedgerRowNamesTheDeploymentAndItsCostFromBothDialects() {
        HttpResponseFor<ChatCompletion> o = openai.chat().completions().withRawResponse().create(openAi(SUBJECT, "ledger").build());
        CompletionUsage u = o.parse().usage().orElseThrow();
        assertLedgerRow(o.headers().values("x-switchboard-request-id").get(0), o.headers().values("x-switchboard-model").get(0),
                o.headers().values("x-switchboard-cost").get(0), u.promptTokens(), u.completionTokens());

        var a = anthropic.messages().withRawResponse().create(anthropic(SUBJECT, "ledger").build());
        Message m = a.parse();
        assertLedgerRow(a.headers().values("x-switchboard-request-id").get(0), a.headers().values("x-switchboard-model").get(0),
                a.headers().values("x-switchboard-cost").get(0), m.usage().inputTokens(), m.usage().outputTokens());
    }

    private void assertLedgerRow(String requestId, String servedHeader, String costHeader, long prompt, long completion) {
        assertThat(servedHeader).as("x-switchboard-model").isEqualTo(subject.model());
        JsonArray rows = new Admin(gw).getOk("/spend/logs?request_id=" + requestId).getJsonArray("data");
        assertThat(rows).as("one ledger row for " + requestId).hasSize(1);
        JsonObject row = rows.getJsonObject(0);
        assertThat(row.getString("deployment")).isEqualTo(subject.model());
        assertThat(row.getString("model")).isEqualTo(SUBJECT);
        assertThat(row.getInteger("status")).isEqualTo(200);
        assertThat(row.getBoolean("priced")).as(subject.model() + " has a price (catalog or model_info)").isTrue();
        BigDecimal spend = new BigDecimal(row.getValue("spend").toString());
        assertThat(spend).isPositive();
        assertThat(spend).isEqualByComparingTo(new BigDecimal(costHeader));
        assertThat(row.getLong("prompt_tokens")).isEqualTo(prompt);
        assertThat(row.getLong("completion_tokens")).isEqualTo(completion);
    }

    // ---- helpers ----

    private void assertNoKey(String text) {
        if (subject.key() != null) assertThat(text).doesNotContain(subject.key());
    }

    private static String jsonOf(com.anthropic.core.JsonValue v) {
        try {
            return com.anthropic.core.ObjectMappers.jsonMapper().writeValueAsString(v);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(Message m) {
        StringBuilder sb = new StringBuilder();
        m.content().forEach(b -> b.text().ifPresent(t -> sb.append(t.text())));
        return sb.toString();
    }

    /** Served model names drop an organisation path (huggingface/meta-llama/…): the last segment is what they share. */
    private static String lastSegment(String model) { return model.substring(model.lastIndexOf('/') + 1); }

    private static String eventType(RawMessageStreamEvent e) {
        return e.isMessageStart() ? "message_start" : e.isContentBlockStart() ? "content_block_start"
                : e.isContentBlockDelta() ? "content_block_delta" : e.isContentBlockStop() ? "content_block_stop"
                : e.isMessageDelta() ? "message_delta" : "message_stop";
    }
}
