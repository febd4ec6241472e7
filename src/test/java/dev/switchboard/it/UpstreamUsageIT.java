package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.CannedGateway;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What OpenAI-compatible servers send that OpenAI does not, and what the ledger and the client must make of it: a
 * running usage count on every chunk (Perplexity, vLLM's continuous usage stats) is metered at its last value, not
 * its first; an answer with no usage is priced with its output estimated, not as its prompt alone; a tool call without
 * an id gets one, whole or streamed, so the client can answer it.
 */
class UpstreamUsageIT {
    static CannedGateway env;

    @BeforeAll
    static void start() {
        env = CannedGateway.start("""
                model_list:
                  - model_name: compat
                    litellm_params: { model: openai/compat-model, api_base: "%1$s/v1", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000001 }
                  - model_name: gem
                    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "%1$s", api_key: os.environ/PROVIDER_KEY }
                    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000001 }
                router_settings: { num_retries: 0 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """);
    }

    @AfterAll
    static void stop() { env.close(); }

    private static String chunk(String delta, String finish, String usage) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"compat-model\",\"choices\":[{\"index\":0,"
                + "\"delta\":" + delta + ",\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]"
                + (usage == null ? "" : ",\"usage\":" + usage) + "}\n\n";
    }

    private static String usage(int prompt, int completion) {
        return "{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion) + "}";
    }

    private static HttpResponse<String> ask(String tag, boolean stream) {
        return Http.post(env.gw().v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"compat\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
    }

    @Test
    void aRunningUsageCountIsMeteredAtItsLastValue() {
        // Perplexity's shape: the usage so far on every chunk, the last beside the finish reason
        String tag = env.up().sse(chunk("{\"role\":\"assistant\",\"content\":\"Hel\"}", null, usage(1000, 1))
                + chunk("{\"content\":\"lo\"}", null, usage(1000, 250))
                + chunk("{\"content\":\"!\"}", "stop", usage(1000, 500)) + "data: [DONE]\n\n");
        HttpResponse<String> r = ask(tag, true);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject row = env.ledgerRow(r);
        assertThat(row.getLong("completion_tokens")).as(row.encode()).isEqualTo(500);
        assertThat(row.getBoolean("usage_estimated")).isFalse();
        assertThat(row.getDouble("spend")).isEqualTo(0.0015);
        // a server whose last chunk has no usage: the last running count stands, not the estimate
        String noFinal = env.up().sse(chunk("{\"role\":\"assistant\",\"content\":\"Hi\"}", null, usage(400, 1))
                + chunk("{\"content\":\" there\"}", null, usage(400, 300)) + chunk("{}", "stop", null) + "data: [DONE]\n\n");
        JsonObject second = env.ledgerRow(ask(noFinal, true));
        assertThat(second.getLong("completion_tokens")).isEqualTo(300);
        assertThat(second.getLong("prompt_tokens")).isEqualTo(400);
        assertThat(second.getBoolean("usage_estimated")).isFalse();
    }

    /** A usage chunk before the content does not end the answer; each of n choices that never said why gets its finish. */
    @Test
    void aFinishIsSaidOnlyAtTheEndAndForEveryChoice() {
        String early = env.up().sse("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"compat-model\",\"choices\":[],"
                + "\"usage\":" + usage(10, 0) + "}\n\n"
                + chunk("{\"role\":\"assistant\",\"content\":\"Hel\"}", null, null) + chunk("{\"content\":\"lo\"}", null, null)
                + "data: [DONE]\n\n");
        HttpResponse<String> r = Http.post(env.gw().v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"compat\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"" + early + "\"}]}");
        java.util.List<String> events = Http.sseData(r.body());
        java.util.List<String> finishes = new java.util.ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            for (Object c : new JsonObject(e).getJsonArray("choices")) {
                JsonObject ch = (JsonObject) c;
                if (ch.getString("finish_reason") != null) finishes.add(text + "|" + ch.getString("finish_reason"));
                text.append(ch.getJsonObject("delta").getString("content", ""));
            }
        }
        assertThat(finishes).as(r.body()).containsExactly("Hello|stop");
        assertThat(new JsonObject(events.get(events.size() - 2)).getJsonArray("choices")).as("the usage last").isEmpty();

        String two = env.up().sse(chunk("{\"role\":\"assistant\",\"content\":\"A\"}", null, null)
                + chunk("{\"role\":\"assistant\",\"content\":\"B\"}", null, null).replace("\"index\":0", "\"index\":1")
                + "data: [DONE]\n\n");
        HttpResponse<String> r2 = Http.post(env.gw().v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"compat\",\"stream\":true,"
                + "\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"" + two + "\"}]}");
        java.util.Set<Integer> finished = new java.util.TreeSet<>();
        for (String e : Http.sseData(r2.body())) {
            if (e.equals("[DONE]")) continue;
            for (Object c : new JsonObject(e).getJsonArray("choices")) {
                if (((JsonObject) c).getString("finish_reason") != null) finished.add(((JsonObject) c).getInteger("index"));
            }
        }
        assertThat(finished).as(r2.body()).containsExactly(0, 1);
    }

    @Test
    void aGeminiStreamWhoseWholeCountComesAfterTheFinishIsMeteredAtIt() {
        // the finishing event carries the count so far; an event of its own after it, the whole count
        String tag = env.up().sse("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hello\"}],\"role\":\"model\"},\"index\":0}],"
                + "\"usageMetadata\":{\"promptTokenCount\":700,\"totalTokenCount\":700},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}\r\n\r\n"
                + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" there\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],"
                + "\"usageMetadata\":{\"promptTokenCount\":700,\"candidatesTokenCount\":2,\"totalTokenCount\":702},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}\r\n\r\n"
                + "data: {\"usageMetadata\":{\"promptTokenCount\":700,\"candidatesTokenCount\":300,\"totalTokenCount\":1000},"
                + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}\r\n\r\n");
        HttpResponse<String> r = Http.post(env.gw().v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"gem\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        java.util.List<String> events = Http.sseData(r.body());
        JsonObject usage = new JsonObject(events.get(events.size() - 2)).getJsonObject("usage");
        assertThat(usage.getLong("completion_tokens")).as(r.body()).isEqualTo(300);
        JsonObject row = env.ledgerRow(r);
        assertThat(row.getLong("completion_tokens")).isEqualTo(300);
        assertThat(row.getBoolean("usage_estimated")).isFalse();
    }

    @Test
    void anAnswerWithNoUsageHasItsOutputEstimated() {
        String text = "word ".repeat(400); // 2,000 characters
        String tag = env.up().json(200, "{\"id\":\"c2\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"compat-model\",\"choices\":[{"
                + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text + "\"},\"finish_reason\":\"stop\"}]}");
        JsonObject row = env.ledgerRow(ask(tag, false));
        assertThat(row.getBoolean("usage_estimated")).isTrue();
        assertThat(row.getLong("completion_tokens")).as("~3 characters a token").isBetween(600L, 700L);
    }

    @Test
    void aStreamThatNeverSaysWhyItStoppedNorItsUsageGetsBoth() {
        // some OpenAI-compatible servers: text, then [DONE]; no finish_reason, no usage chunk
        String tag = env.up().sse(chunk("{\"role\":\"assistant\",\"content\":\"Hello\"}", null, null)
                + chunk("{\"content\":\" there\"}", null, null) + "data: [DONE]\n\n");
        HttpResponse<String> raw = Http.post(env.gw().v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"compat\","
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}");
        java.util.List<String> events = Http.sseData(raw.body());
        assertThat(events).last().isEqualTo("[DONE]");
        JsonObject finish = new JsonObject(events.get(events.size() - 3));
        JsonObject usage = new JsonObject(events.get(events.size() - 2));
        assertThat(finish.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
        assertThat(usage.getJsonArray("choices")).isEmpty();
        // the estimate the ledger settled at, priced
        JsonObject row = env.ledgerRow(raw);
        assertThat(row.getBoolean("usage_estimated")).isTrue();
        assertThat(usage.getJsonObject("usage").getLong("completion_tokens")).isEqualTo(row.getLong("completion_tokens")).isPositive();
        assertThat(usage.getJsonObject("usage").getLong("prompt_tokens")).isEqualTo(row.getLong("prompt_tokens")).isPositive();
        for (String e : events.subList(0, events.size() - 1)) dev.switchboard.support.OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", e);

        // the official SDK's accumulator needs the finish reason (it throws without one); a tool call's is tool_calls
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(env.gw().v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
        try {
            String tool = env.up().sse(chunk("{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]}", null, null) + "data: [DONE]\n\n");
            ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
            try (var s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder().model("compat")
                    .addUserMessage(tool).build())) {
                s.stream().forEach((ChatCompletionChunk ch) -> acc.accumulate(ch));
            }
            assertThat(acc.chatCompletion().choices().get(0).finishReason().asString()).isEqualTo("tool_calls");
        } finally {
            client.close();
        }
        // an Anthropic client of the same stream: a stop reason, and the estimated count instead of zeros
        HttpResponse<String> anthropic = Http.post(env.gw().baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"compat\","
                + "\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + env.up().sse(chunk(
                "{\"role\":\"assistant\",\"content\":\"Hi\"}", null, null) + "data: [DONE]\n\n") + "\"}]}");
        String delta = Http.sseData(anthropic.body()).stream().filter(e -> e.contains("\"message_delta\"")).findFirst().orElseThrow();
        JsonObject md = new JsonObject(delta);
        assertThat(md.getJsonObject("delta").getString("stop_reason")).isEqualTo("end_turn");
        assertThat(md.getJsonObject("usage").getLong("output_tokens")).isPositive();
        assertThat(md.getJsonObject("usage").getLong("input_tokens")).isPositive();
    }

    @Test
    void aToolCallWithoutAnIdGetsOneWholeOrStreamed() {
        String call = "{\"index\":0,\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}";
        String whole = env.up().json(200, "{\"id\":\"c3\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"compat-model\",\"choices\":[{"
                + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + call.replace("\"index\":0,", "")
                + "]},\"finish_reason\":\"tool_calls\"}],\"usage\":" + usage(10, 5) + "}");
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(env.gw().v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
        try {
            ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("compat")
                    .addUserMessage(whole).build());
            String id = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().id();
            assertThat(id).startsWith("call_").hasSize(29);
            // streamed: the first piece has no id and no type (what broke openai-node's accumulator)
            String streamed = env.up().sse(chunk("{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"get_weather\","
                    + "\"arguments\":\"\"}}]}", null, null)
                    + chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}", null, null)
                    + chunk("{}", "tool_calls", null) + "data: [DONE]\n\n");
            ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
            try (var s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder().model("compat")
                    .addUserMessage(streamed).build())) {
                s.stream().forEach((ChatCompletionChunk ch) -> acc.accumulate(ch));
            }
            var streamedCall = acc.chatCompletion().choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
            assertThat(streamedCall.id()).startsWith("call_").isNotEqualTo(id);
            assertThat(streamedCall.function().name()).isEqualTo("get_weather");
            assertThat(streamedCall.function().arguments()).isEqualTo("{}");
        } finally {
            client.close();
        }
    }
}
