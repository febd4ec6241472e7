package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of bad input gets an OpenAI-shaped error with the right status, and the server keeps serving. */
class BadInputIT {
    static TestGateway gw;

    @BeforeAll
    static void start() { gw = TestGateway.standard(); }

    @AfterAll
    static void stop() { gw.close(); }

    @BeforeEach
    void reset() { gw.simulator.reset(); }

    private static JsonObject error(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.headers().firstValue("x-switchboard-request-id")).isPresent();
        OpenAiSchemas.assertValid("ErrorResponse", r.body());
        return new JsonObject(r.body()).getJsonObject("error");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "malformed JSON|{\"model\": \"gpt\", \"messages\": [|",
            "not an object|[1,2,3]|",
            "empty body||",
            "missing model|{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|",
            "model not a string|{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|model",
            "missing messages|{\"model\":\"gpt\"}|messages",
            "messages not an array|{\"model\":\"gpt\",\"messages\":\"hi\"}|messages",
            "empty messages|{\"model\":\"gpt\",\"messages\":[]}|messages",
            "bad role|{\"model\":\"gpt\",\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}|messages[0].role",
            "content wrong type|{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":5}]}|messages[0].content",
            "temperature wrong type|{\"model\":\"gpt\",\"temperature\":\"hot\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|temperature",
            "max_tokens zero|{\"model\":\"gpt\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|max_tokens",
            "stream not boolean|{\"model\":\"gpt\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|stream",
            "tool without name|{\"model\":\"gpt\",\"tools\":[{\"type\":\"function\",\"function\":{}}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|tools[0].function.name",
            "bad tool_choice|{\"model\":\"gpt\",\"tool_choice\":\"sometimes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|tool_choice",
            "tool_choice required without tools|{\"model\":\"gpt\",\"tool_choice\":\"required\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|tool_choice",
            "tool_choice naming no tool|{\"model\":\"gpt\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|tool_choice",
            "tool message without id|{\"model\":\"gpt\",\"messages\":[{\"role\":\"tool\",\"content\":\"r\"}]}|messages[0].tool_call_id",
            "bad image url|{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"file:///etc/passwd\"}}]}]}|messages[0].content[0].image_url.url",
            "bad response_format|{\"model\":\"gpt\",\"response_format\":{\"type\":\"yaml\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|response_format.type",
            "temperature 1e400|{\"model\":\"gpt\",\"temperature\":1e400,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|temperature",
            "top_p -1e400|{\"model\":\"gpt\",\"top_p\":-1e400,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|top_p",
            "unknown field 1e400|{\"model\":\"gpt\",\"presence_penalty\":1e400,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|presence_penalty",
            "1e400 in a tool schema|{\"model\":\"gpt\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"maximum\":1e999}}}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|tools[0].function.parameters.maximum",
            "seed 1e400|{\"model\":\"gpt\",\"seed\":1e400,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|seed",
            "seed over 64 bits|{\"model\":\"gpt\",\"seed\":123456789012345678901234567890,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|seed",
            "seed 2^63|{\"model\":\"gpt\",\"seed\":9223372036854775808,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|seed",
            "seed fraction|{\"model\":\"gpt\",\"seed\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|seed",
            "max_tokens 2^63|{\"model\":\"gpt\",\"max_tokens\":9223372036854775808,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|max_tokens",
            "max_completion_tokens 2^31|{\"model\":\"gpt\",\"max_completion_tokens\":2147483648,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|max_completion_tokens",
            "trailing garbage|{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} xyz|",
            "two objects|{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|",
    })
    void badChatRequestsAre400WithTheParam(String name, String body, String param) {
        JsonObject e = error(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body == null ? "" : body), 400);
        assertThat(e.getString("type")).isEqualTo("invalid_request_error");
        assertThat(e.getString("param")).isEqualTo(param);
        assertThat(e.getString("message")).isNotBlank().doesNotContain("Source:").doesNotContain("REDACTED");
        assertThat(gw.simulator.received()).isEmpty();
    }

    @Test
    void unknownModelNamesItAndListsTheKnownOnes() {
        JsonObject e = error(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt-5-turbo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 404);
        assertThat(e.getString("message")).contains("'gpt-5-turbo'").contains("gpt, mock, embedder, claude, gemini");
        assertThat(e.getString("code")).isEqualTo("model_not_found");
    }

    @Test
    void missingOrWrongKeyIs401() {
        String body = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(error(Http.post(gw.v1() + "/chat/completions", null, body), 401).getString("type")).isEqualTo("authentication_error");
        assertThat(error(Http.post(gw.v1() + "/chat/completions", "sk-nope", body), 401).getString("code")).isEqualTo("invalid_api_key");
        assertThat(error(Http.get(gw.v1() + "/models", "sk-nope"), 401)).isNotNull();
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = "x".repeat(1_100_000); // the test config sets max_request_size_mb: 1
        JsonObject e = error(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}"), 413);
        assertThat(e.getString("message")).contains("limit is 1 MiB");
    }

    @Test
    void chunkedBodyOverTheLimitIs413() {
        byte[] big = ("{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(1_200_000) + "\"}]}").getBytes();
        HttpRequest req = HttpRequest.newBuilder(URI.create(gw.v1() + "/chat/completions")).timeout(Duration.ofSeconds(20))
                .header("authorization", "Bearer " + TestGateway.MASTER_KEY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build();
        error(Http.send(req), 413);
    }

    @Test
    void unknownRouteIs404() {
        JsonObject e = error(Http.post(gw.v1() + "/completions/legacy", TestGateway.MASTER_KEY, "{}"), 404);
        assertThat(e.getString("message")).contains("POST /v1/completions/legacy");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "GET, /v1/chat/completions, POST",
            "POST, /v1/models, GET",
            "GET, /v1/embeddings, POST",
            "POST, /health/liveliness, GET",
            "PUT, /health/readiness, GET",
            "GET, /chat/completions, POST",
            "DELETE, /v1/models/, GET",
            // routes with a path parameter (/v1/responses/:id …) used to answer an empty Allow
            "PUT, /v1/responses/resp_x, 'DELETE, GET'",
            "PATCH, /responses/resp_x/, 'DELETE, GET'",
            "GET, /v1/responses/resp_x/cancel, POST",
            "POST, /v1/responses/resp_x/input_items, GET",
            // a literal path among parameterized ones: input_tokens is no response id (GET used to be a 404 for it)
            "GET, /v1/responses/input_tokens, POST",
            "DELETE, /v1/responses/input_tokens, POST",
            "PUT, /v1/responses/input_tokens, POST",
    })
    void knownPathWithTheWrongMethodIs405WithAllow(String method, String path, String allow) {
        HttpResponse<String> r = raw(method, path);
        JsonObject e = error(r, 405);
        assertThat(r.headers().firstValue("allow")).hasValue(allow);
        assertThat(e.getString("code")).isEqualTo("method_not_allowed");
        assertThat(e.getString("message")).contains(method).contains(path);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET, /v1/messages", "PUT, /v1/messages/count_tokens"})
    void wrongMethodOnTheAnthropicRoutesIs405InAnthropicsShape(String method, String path) {
        HttpResponse<String> r = raw(method, path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).hasValue("POST");
        assertThat(r.headers().firstValue("x-switchboard-request-id")).isPresent();
        assertThat(r.headers().firstValue("request-id")).isPresent();
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("type")).isEqualTo("error");
        assertThat(body.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
    }

    @Test
    void unknownPathsStay404WhateverTheMethod() {
        assertThat(error(raw("GET", "/v1/nothing/here"), 404).getString("code")).isEqualTo("unknown_url");
        assertThat(error(raw("DELETE", "/elsewhere"), 404).getString("code")).isEqualTo("unknown_url");
        HttpResponse<String> anthropic = raw("POST", "/v1/messages/batches");
        assertThat(anthropic.statusCode()).isEqualTo(404);
        assertThat(anthropic.headers().allValues("allow")).isEmpty();
        assertThat(new JsonObject(anthropic.body()).getJsonObject("error").getString("type")).isEqualTo("not_found_error");
    }

    private static HttpResponse<String> raw(String method, String path) {
        return Http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).timeout(Duration.ofSeconds(20))
                .header("authorization", "Bearer " + TestGateway.MASTER_KEY)
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "9223372036854775808|max_tokens|integer above maximum value. Expected a value <= 2147483647, but got 9223372036854775808 instead.",
            "-9223372036854775809|max_tokens|integer below minimum value. Expected a value >= 1, but got -9223372036854775809 instead.",
    })
    void anOutOfRangeLimitSaysWhichWay(String value, String param, String says) {
        JsonObject e = error(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"" + param + "\":" + value + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400);
        assertThat(e.getString("message")).contains(says);
    }

    /**
     * What OpenAI refuses in a chat request is refused in its words, code and param, before routing, whatever provider
     * serves the alias: these used to be dropped unsaid (stream_options on a plain call, max_tokens beside
     * max_completion_tokens) or sent on as written (Claude got temperature 3, Gemini candidateCount 129).
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "-", value = {
            "gpt|\"stream_options\":{\"include_usage\":true}|stream_options|-|The 'stream_options' parameter is only allowed when 'stream' is enabled.",
            "claude|\"stream\":false,\"stream_options\":{}|stream_options|-|The 'stream_options' parameter is only allowed when 'stream' is enabled.",
            "gemini|\"max_tokens\":5,\"max_completion_tokens\":6|max_tokens|invalid_parameter_combination|Setting 'max_tokens' and 'max_completion_tokens' at the same time is not supported.",
            "claude|\"temperature\":3|temperature|decimal_above_max_value|Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.",
            "gemini|\"temperature\":-1|temperature|decimal_below_min_value|Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead.",
            "gpt|\"top_p\":1.5|top_p|decimal_above_max_value|Invalid 'top_p': decimal above maximum value. Expected a value <= 1, but got 1.5 instead.",
            "gemini|\"n\":0|n|integer_below_min_value|Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead.",
            "gemini|\"n\":129|n|integer_above_max_value|Invalid 'n': integer above maximum value. Expected a value <= 128, but got 129 instead.",
            "claude|\"frequency_penalty\":3|frequency_penalty|decimal_above_max_value|Invalid 'frequency_penalty': decimal above maximum value. Expected a value <= 2, but got 3 instead.",
            "gpt|\"presence_penalty\":-2.5|presence_penalty|decimal_below_min_value|Invalid 'presence_penalty': decimal below minimum value. Expected a value >= -2, but got -2.5 instead.",
            "gpt|\"logprobs\":true,\"top_logprobs\":21|top_logprobs|integer_above_max_value|Invalid 'top_logprobs': integer above maximum value. Expected a value <= 20, but got 21 instead.",
            "claude|\"max_tokens\":0|max_tokens|integer_below_min_value|Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead.",
            "gemini|\"n\":\"two\"|n|invalid_type|Invalid type for 'n': expected an integer, but got a string instead.",
    })
    void whatOpenAiRefusesIsRefusedInItsWords(String alias, String field, String param, String code, String message) {
        JsonObject e = error(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"" + alias + "\","
                + field + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400);
        assertThat(e.getString("type")).isEqualTo("invalid_request_error");
        assertThat(e.getString("param")).isEqualTo(param);
        assertThat(e.getString("code")).isEqualTo(code);
        assertThat(e.getString("message")).isEqualTo(message);
        assertThat(gw.simulator.received()).as("no provider was asked").isEmpty();
    }

    /** The bounds themselves are OpenAI's to take, and reach the provider as written; a null stream_options is none. */
    @Test
    void valuesOnOpenAisBoundsPass() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"gpt\","
                + "\"temperature\":2,\"top_p\":0,\"n\":1,\"frequency_penalty\":-2,\"presence_penalty\":2.0,\"logprobs\":true,"
                + "\"top_logprobs\":20,\"stream_options\":null,\"max_tokens\":null,\"max_completion_tokens\":9,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject sent = gw.simulator.last().body();
        assertThat(sent.getDouble("temperature")).isEqualTo(2.0);
        assertThat(sent.getInteger("n")).isEqualTo(1);
        assertThat(sent.getDouble("frequency_penalty")).isEqualTo(-2.0);
        assertThat(sent.getInteger("top_logprobs")).isEqualTo(20);
        assertThat(sent.getInteger("max_completion_tokens")).isEqualTo(9);
        r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "{\"model\":\"mock\",\"temperature\":0,"
                + "\"n\":128,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void aSeedThatDoesNotFit64BitsIsRefusedNotWrapped() {
        JsonObject e = error(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"seed\":123456789012345678901234567890,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400);
        assertThat(e.getString("message")).contains("123456789012345678901234567890").contains("64-bit");
        // the largest that fits still goes through, unchanged
        HttpResponse<String> ok = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"seed\":9223372036854775807,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getLong("seed")).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty string|\"\"|input",
            "empty array|[]|input",
            "number|5|input",
            "object|{\"text\":\"a\"}|input",
            "null item|[null]|input[0]",
            "float token|[1.5]|input[0]",
            "token over 32 bits|[99999999999999999999]|input[0]",
            "negative token|[-1]|input[0]",
            "string then number|[\"a\",1]|input[1]",
            "empty string item|[\"a\",\"\"]|input[1]",
            "number then string|[1,\"a\"]|input[1]",
            "empty token array|[[1,2],[]]|input[1]",
            "float in a token array|[[1,2.5]]|input[0][1]",
            "token array then string|[[1],\"a\"]|input[1]",
            "boolean item|[true]|input[0]",
    })
    void badEmbeddingInputIs400NamingTheItem(String name, String input, String param) {
        JsonObject e = error(Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY,
                "{\"model\":\"embedder\",\"input\":" + input + "}"), 400);
        assertThat(e.getString("type")).isEqualTo("invalid_request_error");
        assertThat(e.getString("param")).isEqualTo(param);
        assertThat(gw.simulator.received()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"\"a\"", "[\"a\",\"b\"]", "[1,2,3]", "[[1,2],[3]]"})
    void everyFormOpenAiAcceptsStillEmbeds(String input) {
        HttpResponse<String> r = Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY,
                "{\"model\":\"embedder\",\"input\":" + input + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getValue("input").toString()).isEqualTo(new JsonObject("{\"i\":" + input + "}").getValue("i").toString());
    }

    @Test
    void badEmbeddingRequests() {
        assertThat(error(Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY, "{\"model\":\"embedder\"}"), 400)
                .getString("param")).isEqualTo("input");
        assertThat(error(Http.post(gw.v1() + "/embeddings", TestGateway.MASTER_KEY, "{\"model\":\"embedder\",\"input\":5}"), 400)
                .getString("param")).isEqualTo("input");
    }

    @Test
    void serverStillServesAfterGarbage() {
        for (int i = 0; i < 20; i++) Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, "\u0000\u00ff{{{" + i);
        HttpResponse<String> ok = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\"still there?\"}]}");
        assertThat(ok.statusCode()).isEqualTo(200);
    }
}
