package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.switchboard.support.CannedGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the stream and translation QA of the twenty-fifth session found lost or told differently between providers and
 * dialects: cache writes an OpenAI-style upstream reports ({@code prompt_tokens_details.cache_write_tokens}, OpenRouter's
 * for Claude and Gemini) reach every dialect and are priced as writes; Claude's writes reach OpenAI-typed clients where
 * their SDK reads them; an overloaded upstream is one OpenAI error type whichever provider it was; an answer cut by the
 * output limit marks the same Responses items incomplete streamed or not.
 */
class CrossProviderFidelityIT {
    static CannedGateway env;
    static OpenAIClient openai;
    static AnthropicClient anthropic;

    @BeforeAll
    static void start() {
        env = CannedGateway.start("""
                model_list:
                  - model_name: orc
                    litellm_params: { model: openrouter/anthropic/claude-sonnet-4.5, api_base: "%1$s/v1", api_key: os.environ/PROVIDER_KEY }
                  - model_name: compat
                    litellm_params: { model: openai_compatible/compat-model, api_base: "%1$s/v1", api_key: os.environ/PROVIDER_KEY }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "%1$s", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: gem
                    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "%1$s", api_key: os.environ/GEMINI_PROVIDER_KEY }
                router_settings:
                  num_retries: 0
                  allowed_fails: 100000
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """);
        openai = OpenAIOkHttpClient.builder().baseUrl(env.gw().v1()).apiKey(dev.switchboard.support.TestGateway.MASTER_KEY)
                .maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(env.gw().baseUrl()).apiKey(dev.switchboard.support.TestGateway.MASTER_KEY)
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        openai.close();
        anthropic.close();
        env.close();
    }

    /** OpenRouter's usage for a Claude call that read 600 prompt tokens from the cache and wrote 300 to it. */
    private static final String CACHE_USAGE = "{\"prompt_tokens\":1000,\"completion_tokens\":50,\"total_tokens\":1050,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":600,\"cache_write_tokens\":300}}";
    /**
     * Claude Sonnet 4.5's list price for it: 100 uncached at $3/M, 600 reads at $0.30/M, 300 writes at $3.75/M (1.25×),
     * 50 out at $15/M. Billed as plain input, the writes made it 0.00213.
     */
    private static final double CACHE_COST = 100 * 3e-6 + 600 * 0.3e-6 + 300 * 3.75e-6 + 50 * 15e-6;

    private static String cachedAnswer() {
        return env.up().json(200, "{\"id\":\"gen-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"anthropic/claude-sonnet-4.5\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Cached hello.\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":" + CACHE_USAGE + "}");
    }

    private static String cachedStream() {
        String head = "data: {\"id\":\"gen-2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"anthropic/claude-sonnet-4.5\",";
        return env.up().sse(head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Cached hello.\"},\"finish_reason\":null}]}\n\n"
                + head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + head + "\"choices\":[],\"usage\":" + CACHE_USAGE + "}\n\ndata: [DONE]\n\n");
    }

    private static void assertCacheCounts(CompletionUsage u) {
        assertThat(u.promptTokens()).isEqualTo(1000);
        CompletionUsage.PromptTokensDetails d = u.promptTokensDetails().orElseThrow();
        assertThat(d.cachedTokens()).contains(600L);
        assertThat(d.cacheWriteTokens()).as("the writes where OpenAI's SDKs type them").contains(300L);
    }

    @Test
    void cacheWritesAnOpenAiStyleUpstreamReportsReachEveryDialectAndArePricedAsWrites() {
        // billed at the write price, whole and streamed (the ledger row of each)
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> r = env.chat("orc", stream ? cachedStream() : cachedAnswer(), stream);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonObject row = env.ledgerRow(r);
            assertThat(row.getDouble("spend")).as("stream=" + stream + " " + row.encode()).isCloseTo(CACHE_COST, within(1e-12));
        }
        // the OpenAI SDK: the count in prompt_tokens_details.cache_write_tokens, whole and streamed
        ChatCompletion whole = openai.chat().completions().create(ChatCompletionCreateParams.builder().model("orc")
                .addUserMessage(cachedAnswer()).build());
        assertCacheCounts(whole.usage().orElseThrow());
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("orc").addUserMessage(cachedStream())
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(acc::accumulate);
        }
        assertCacheCounts(acc.chatCompletion().usage().orElseThrow());
        // the Anthropic SDK: cache_creation_input_tokens, and input_tokens without reads and writes
        Message m = anthropic.messages().create(MessageCreateParams.builder().model("orc").maxTokens(100)
                .addUserMessage(cachedAnswer()).build());
        assertThat(m.usage().cacheCreationInputTokens()).contains(300L);
        assertThat(m.usage().cacheReadInputTokens()).contains(600L);
        assertThat(m.usage().inputTokens()).isEqualTo(100);
        // the Responses API: input_tokens_details.cache_write_tokens
        Response resp = openai.responses().create(ResponseCreateParams.builder().model("orc").input(cachedAnswer()).build());
        assertThat(resp.usage().orElseThrow().inputTokensDetails().cacheWriteTokens()).isEqualTo(300);
        assertThat(resp.usage().orElseThrow().inputTokensDetails().cachedTokens()).isEqualTo(600);
    }

    /** Claude's own cache writes reach an OpenAI-dialect client in the field its SDK types, beside LiteLLM's top-level one. */
    @Test
    void claudesCacheWritesReachTheOpenAiSdksPromptTokensDetails() {
        String tag = env.up().json(200, "{\"id\":\"msg_c1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Cached hello.\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":100,\"output_tokens\":50,\"cache_read_input_tokens\":600,\"cache_creation_input_tokens\":300}}");
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder().model("claude").addUserMessage(tag).build());
        assertCacheCounts(c.usage().orElseThrow());
        assertThat(c.usage().orElseThrow()._additionalProperties().get("cache_creation_input_tokens")).isEqualTo(JsonValue.from(300));
        // a call that wrote nothing says nothing of writes, as before
        String none = env.up().json(200, "{\"id\":\"msg_c2\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Hi.\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}");
        HttpResponse<String> plain = env.chat("claude", none, false);
        assertThat(new JsonObject(plain.body()).getJsonObject("usage").getJsonObject("prompt_tokens_details").containsKey("cache_write_tokens"))
                .isFalse();
    }

    /**
     * An overloaded upstream reaches an OpenAI-dialect client as a 503 of type {@code server_error} (what OpenAI sends
     * with its own 503, and what an OpenAI-compatible upstream's passes on), not {@code service_unavailable}, a type
     * OpenAI never uses, for Claude's 529 and Gemini's UNAVAILABLE. The Anthropic dialect keeps {@code overloaded_error}.
     */
    @Test
    void anOverloadedUpstreamIsOneOpenAiErrorTypeWhicheverProviderItWas() {
        Map<String, String> overloaded = Map.of(
                "compat", env.up().json(503, "{\"error\":{\"message\":\"The server is overloaded.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}"),
                "claude", env.up().json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"),
                "gem", env.up().json(503, "{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}"));
        overloaded.forEach((alias, tag) -> {
            for (boolean stream : new boolean[] {false, true}) {
                HttpResponse<String> r = env.chat(alias, tag, stream);
                assertThat(r.statusCode()).as(alias + " " + r.body()).isEqualTo(503);
                assertThat(new JsonObject(r.body()).getJsonObject("error").getString("type")).as(alias + " stream=" + stream)
                        .isEqualTo("server_error");
            }
            HttpResponse<String> a = env.messages(alias, tag, false);
            assertThat(new JsonObject(a.body()).getJsonObject("error").getString("type")).as(alias).isEqualTo("overloaded_error");
        });
    }

    /**
     * An answer whose text was whole and whose tool call the output limit cut: streamed or not, the Responses API's
     * message item is {@code completed} (it closed before the call began, as OpenAI's own stream closes it) and the
     * call is {@code incomplete}, the response {@code incomplete}.
     */
    @Test
    void anAnswerCutByTheOutputLimitMarksTheSameItemsStreamedOrNot() {
        String calls = "\"tool_calls\":[{\"index\":0,\"id\":\"call_cut1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":";
        String whole = env.up().json(200, "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"compat-model\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"Let me check.\"," + calls + "\"{\\\"city\\\":\\\"Pa\"}}]},"
                + "\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":16,\"total_tokens\":36}}");
        String head = "data: {\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"compat-model\",\"choices\":[{\"index\":0,";
        String streamed = env.up().sse(head + "\"delta\":{\"role\":\"assistant\",\"content\":\"Let me check.\"},\"finish_reason\":null}]}\n\n"
                + head + "\"delta\":{" + calls + "\"\"}}]},\"finish_reason\":null}]}\n\n"
                + head + "\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\\\"Pa\"}}]},\"finish_reason\":null}]}\n\n"
                + head + "\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
                + "data: {\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"compat-model\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":16,\"total_tokens\":36}}\n\ndata: [DONE]\n\n");
        FunctionTool weather = FunctionTool.builder().name("get_weather").strict(false).parameters(FunctionTool.Parameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string")))).build()).build();

        Response answer = openai.responses().create(ResponseCreateParams.builder().model("compat").input(whole).addTool(weather).build());
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = openai.responses().createStreaming(ResponseCreateParams.builder()
                .model("compat").input(streamed).addTool(weather).build())) {
            s.stream().forEach(events::add);
        }
        Response last = events.get(events.size() - 1).incomplete().orElseThrow().response();
        for (Response r : List.of(answer, last)) {
            assertThat(r.status().orElseThrow().toString()).isEqualTo("incomplete");
            assertThat(statuses(r)).as(r.id()).containsExactly("message:completed", "function_call:incomplete");
        }
        // the items as each was done in the stream: the same statuses
        assertThat(events.stream().flatMap(e -> e.outputItemDone().stream()).map(e -> status(e.item())).toList())
                .containsExactly("message:completed", "function_call:incomplete");
    }

    private static List<String> statuses(Response r) {
        return r.output().stream().map(CrossProviderFidelityIT::status).toList();
    }

    private static String status(ResponseOutputItem item) {
        if (item.isMessage()) return "message:" + item.asMessage().status();
        if (item.isFunctionCall()) return "function_call:" + item.asFunctionCall().status().map(Object::toString).orElse("none");
        return item.toString();
    }
}
