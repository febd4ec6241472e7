package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every OpenAI-dialect answer, chunk and error — from the OpenAI provider and from the mock — validates
 * against OpenAI's published schemas, and carries the x-switchboard-* headers.
 */
class OpenAiWireIT {
    static TestGateway gw;
    static final String KEY = TestGateway.MASTER_KEY;
    static final String TOOLS = """
            ,"tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object",
            "properties":{"q":{"type":"string"}},"required":["q"]}}}]""";

    @BeforeAll
    static void start() { gw = TestGateway.standard(); }

    @AfterAll
    static void stop() { gw.close(); }

    private static HttpResponse<String> chat(String body) {
        return Http.post(gw.v1() + "/chat/completions", KEY, body);
    }

    @Test
    void nonStreamAnswersValidateForEveryProvider() {
        for (String model : List.of("gpt", "mock")) {
            for (String extra : List.of("", TOOLS, TOOLS + ",\"tool_choice\":\"required\"")) {
                HttpResponse<String> r = chat("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                OpenAiSchemas.assertValid("CreateChatCompletionResponse", r.body());
                assertThat(r.headers().firstValue("x-switchboard-model")).hasValue(model.equals("gpt") ? "openai/gpt-4o-mini" : "mock/mock-model");
                assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("primary");
                assertThat(r.headers().firstValue("x-switchboard-cache")).hasValue("miss");
                assertThat(r.headers().firstValue("x-switchboard-request-id")).get().asString().startsWith("req_");
            }
        }
    }

    @Test
    void everyStreamChunkValidatesAndTheStreamEndsWithDone() {
        for (String model : List.of("gpt", "mock")) {
            for (String extra : List.of("", ",\"stream_options\":{\"include_usage\":true}", TOOLS + ",\"tool_choice\":\"required\"")) {
                HttpResponse<String> r = chat("{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
                assertThat(r.headers().firstValue("x-switchboard-model")).isPresent();
                List<String> data = Http.sseData(r.body());
                assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
                for (String d : data.subList(0, data.size() - 1)) {
                    OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", d);
                    assertThat(d).contains("\"model\":\"" + (model.equals("gpt") ? "gpt-4o-mini-2024-07-18" : "mock-model") + "\"");
                }
                assertThat(data.stream().filter(d -> d.contains("\"usage\":{")).count())
                        .isEqualTo(extra.contains("include_usage") ? 1 : 0);
                // with include_usage OpenAI sends "usage":null on every chunk before the usage chunk; without, no field
                assertThat(data.stream().filter(d -> d.contains("\"usage\":null")).count())
                        .isEqualTo(extra.contains("include_usage") ? data.size() - 2 : 0);
            }
        }
    }

    /**
     * {@code n} answers through the pass-through, as OpenAI gives them: n choices, index 0 to n-1, their completion
     * tokens all in the usage; streamed, every choice's chunks and its own finish. (The simulator used to answer one.)
     */
    @Test
    void nChoicesComeBackAsOpenAiSendsThem() {
        String ask = "{\"model\":\"gpt\",%s\"messages\":[{\"role\":\"user\",\"content\":\"two ways\"}]}";
        JsonObject one = new JsonObject(chat(ask.formatted("")).body());
        HttpResponse<String> r = chat(ask.formatted("\"n\":2,"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        OpenAiSchemas.assertValid("CreateChatCompletionResponse", r.body());
        JsonObject two = new JsonObject(r.body());
        JsonArray choices = two.getJsonArray("choices");
        assertThat(choices).hasSize(2);
        assertThat(choices.getJsonObject(1).getInteger("index")).isEqualTo(1);
        assertThat(choices.getJsonObject(1).getJsonObject("message").getString("content"))
                .isEqualTo(choices.getJsonObject(0).getJsonObject("message").getString("content"));
        assertThat(two.getJsonObject("usage").getInteger("completion_tokens"))
                .isEqualTo(2 * one.getJsonObject("usage").getInteger("completion_tokens"));
        HttpResponse<String> s = chat(ask.formatted("\"n\":2,\"stream\":true,\"stream_options\":{\"include_usage\":true},"));
        StringBuilder[] text = {new StringBuilder(), new StringBuilder()};
        java.util.Set<Integer> finished = new java.util.TreeSet<>();
        for (String d : Http.sseData(s.body())) {
            if (d.equals("[DONE]")) continue;
            OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", d);
            for (Object c : new JsonObject(d).getJsonArray("choices")) {
                JsonObject ch = (JsonObject) c;
                text[ch.getInteger("index")].append(ch.getJsonObject("delta").getString("content", ""));
                if (ch.getString("finish_reason") != null) finished.add(ch.getInteger("index"));
            }
        }
        assertThat(finished).as(s.body()).containsExactly(0, 1);
        assertThat(text[1].toString()).isEqualTo(text[0].toString()).isEqualTo(one.getJsonArray("choices").getJsonObject(0)
                .getJsonObject("message").getString("content"));
    }

    @Test
    void messageFieldsWeDoNotModelReachAnOpenAiCompatibleUpstreamUnchanged() {
        // DeepSeek's and Mistral's prefix completion marks the last assistant message with "prefix": true
        HttpResponse<String> r = chat("""
                {"model":"gpt","messages":[{"role":"user","content":"Write a haiku","x_note":{"keep":[1,2]}},
                 {"role":"assistant","content":"Autumn","prefix":true}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray sent = gw.simulator.last().body().getJsonArray("messages");
        assertThat(sent.getJsonObject(0).getJsonObject("x_note")).isEqualTo(new JsonObject().put("keep", new JsonArray().add(1).add(2)));
        assertThat(sent.getJsonObject(1).getBoolean("prefix")).isTrue();
        assertThat(sent.getJsonObject(1).getString("content")).isEqualTo("Autumn");
    }

    /**
     * QA (low): a content part's own unknown fields were dropped (the text and image parts had no place for them), though
     * the README says they reach OpenAI-compatible providers unchanged, as a message's do; a lone text part carrying one
     * must stay a part, not be flattened to a string.
     */
    @Test
    void contentPartFieldsWeDoNotModelReachAnOpenAiCompatibleUpstreamUnchanged() {
        HttpResponse<String> r = chat("""
                {"model":"gpt","messages":[{"role":"user","content":[{"type":"text","text":"part field","x_custom":{"k":1}},
                 {"type":"text","text":"two","y":2},
                 {"type":"image_url","image_url":{"url":"https://example.com/a.png"},"z":"img"}]},
                 {"role":"assistant","content":"ok"},
                 {"role":"user","content":[{"type":"text","text":"alone","cache_control":{"type":"ephemeral"},"w":[true]}]}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray sent = gw.simulator.last().body().getJsonArray("messages");
        JsonArray parts = sent.getJsonObject(0).getJsonArray("content");
        assertThat(parts.getJsonObject(0)).isEqualTo(new JsonObject("{\"type\":\"text\",\"text\":\"part field\",\"x_custom\":{\"k\":1}}"));
        assertThat(parts.getJsonObject(1)).isEqualTo(new JsonObject("{\"type\":\"text\",\"text\":\"two\",\"y\":2}"));
        assertThat(parts.getJsonObject(2).getString("z")).isEqualTo("img");
        assertThat(parts.getJsonObject(2).getJsonObject("image_url").getString("url")).isEqualTo("https://example.com/a.png");
        // a lone text part with a field of its own stays a part (OpenAI takes no cache_control: that one is not sent)
        assertThat(sent.getJsonObject(2).getJsonArray("content").getJsonObject(0))
                .isEqualTo(new JsonObject("{\"type\":\"text\",\"text\":\"alone\",\"w\":[true]}"));
    }

    @Test
    void embeddingsAndModelsValidate() {
        HttpResponse<String> e = Http.post(gw.v1() + "/embeddings", KEY, "{\"model\":\"embedder\",\"input\":[\"a\",\"b\"]}");
        assertThat(e.statusCode()).isEqualTo(200);
        OpenAiSchemas.assertValid("CreateEmbeddingResponse", e.body());
        HttpResponse<String> m = Http.get(gw.v1() + "/models", KEY);
        OpenAiSchemas.assertValid("ListModelsResponse", m.body());
        HttpResponse<String> one = Http.get(gw.v1() + "/models/gpt", KEY);
        assertThat(one.statusCode()).isEqualTo(200);
        OpenAiSchemas.assertValid("Model", one.body());
        HttpResponse<String> none = Http.get(gw.v1() + "/models/nope", KEY);
        assertThat(none.statusCode()).isEqualTo(404);
        OpenAiSchemas.assertValid("ErrorResponse", none.body());
        assertThat(Http.get(gw.v1() + "/models/gpt", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aModelWithASlashInItsAliasIsFoundEncodedOrNot() {
        try (TestGateway slashed = TestGateway.start("""
                model_list:
                  - model_name: openai/gpt-4o
                    litellm_params: { model: mock/gpt-4o }
                """)) {
            for (String path : List.of("/models/openai/gpt-4o", "/models/openai%2Fgpt-4o")) {
                HttpResponse<String> r = Http.get(slashed.v1() + path, null);
                assertThat(r.statusCode()).as(path).isEqualTo(200);
                assertThat(new JsonObject(r.body()).getString("id")).isEqualTo("openai/gpt-4o");
            }
        }
    }

    @Test
    void routesWorkWithoutTheV1Prefix() {
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/chat/completions", KEY,
                "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.get(gw.baseUrl() + "/models", KEY).statusCode()).isEqualTo(200);
        assertThat(Http.post(gw.baseUrl() + "/embeddings", KEY, "{\"model\":\"embedder\",\"input\":\"a\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void healthNeedsNoKeyAndCarriesARequestId() {
        for (String path : new String[] {"/health/liveliness", "/health/liveness", "/health/readiness"}) {
            HttpResponse<String> r = Http.get(gw.baseUrl() + path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-request-id")).as(path).hasValueSatisfying(
                    id -> assertThat(id).startsWith("req_"));
        }
        assertThat(Http.get(gw.baseUrl() + "/health/readiness", null).body()).contains("healthy");
    }
}
