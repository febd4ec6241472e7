package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.UnauthorizedException;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.simulator.SimBehaviour;
import dev.switchboard.support.GatewayPerClass;
import dev.switchboard.support.Http;
import dev.switchboard.support.OpenAiSchemas;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The official OpenAI SDK against a Gemini-backed alias, and the Anthropic dialect translated to Gemini. */
@ExtendWith(GatewayPerClass.class)
class GeminiIT {
    static TestGateway gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.standard();
        client = OpenAIOkHttpClient.builder().baseUrl(gw.v1()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void closeClient() { client.close(); }

    private static ChatCompletionFunctionTool weather() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false)).build()).build()).build();
    }

    @Test
    void textStreamAndNot() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini")
                .addSystemMessage("Be kind.").addUserMessage("hello gemini").temperature(0.3).maxCompletionTokens(100).build());
        assertThat(c.choices().get(0).message().content().orElseThrow()).isEqualTo("Hello from the simulator! You said: hello gemini");
        assertThat(c.model()).isEqualTo("gemini-2.5-flash");
        ProviderSimulator.Received seen = gw.simulator.last();
        assertThat(seen.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(seen.headers().get("x-goog-api-key")).isEqualTo(TestGateway.GEMINI_PROVIDER_KEY);
        assertThat(seen.headers().get("authorization")).isNull();
        assertThat(seen.body().getJsonObject("systemInstruction").getJsonArray("parts").getJsonObject(0).getString("text")).isEqualTo("Be kind.");
        assertThat(seen.body().getJsonObject("generationConfig").getInteger("maxOutputTokens")).isEqualTo(100);

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gemini").addUserMessage("stream it").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(ch -> ch.choices().forEach(x -> x.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("Hello from the simulator! You said: stream it");
        assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().promptTokens()).isPositive();
        assertThat(gw.simulator.last().path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    }

    @Test
    void toolsRoundTripStreamAndNot() {
        ChatCompletion first = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini")
                .addUserMessage("weather?").addTool(weather()).build());
        ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(new JsonObject(call.function().arguments()).getString("location")).isEqualTo("Paris");
        assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        // the client's JSON Schema goes to parametersJsonSchema unchanged (additionalProperties included),
        // not to the OpenAPI-subset `parameters`, which would reject it
        JsonObject decl = gw.simulator.last().body().getJsonArray("tools").getJsonObject(0)
                .getJsonArray("functionDeclarations").getJsonObject(0);
        assertThat(decl.containsKey("parameters")).isFalse();
        assertThat(decl.getJsonObject("parametersJsonSchema").getBoolean("additionalProperties")).isFalse();
        assertThat(decl.getJsonObject("parametersJsonSchema").getJsonObject("properties").containsKey("location")).isTrue();

        ChatCompletion second = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini")
                .addUserMessage("weather?").addTool(weather()).addMessage(first.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("sunny").build()).build());
        assertThat(second.choices().get(0).message().content().orElseThrow()).isEqualTo("The tool returned: sunny");
        JsonObject response = gw.simulator.last().body().getJsonArray("contents").getJsonObject(2).getJsonArray("parts")
                .getJsonObject(0).getJsonObject("functionResponse");
        assertThat(response.getString("name")).isEqualTo("get_weather");

        List<String> names = new ArrayList<>();
        StringBuilder args = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gemini").addUserMessage("weather?").addTool(weather()).build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
                tc.function().flatMap(f -> f.name()).ifPresent(names::add);
                tc.function().flatMap(f -> f.arguments()).ifPresent(args::append);
            }))));
        }
        assertThat(names).containsExactly("get_weather");
        assertThat(new JsonObject(args.toString()).getString("location")).isEqualTo("Paris");
    }

    @Test
    void aNamedToolChoiceCallsThatTool() {
        // OpenAI's named tool_choice is Gemini's ANY with allowedFunctionNames: the second tool, not the first, is called
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"gemini","messages":[{"role":"user","content":"time?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{}}}},
                          {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{}}}}],
                 "tool_choice":{"type":"function","function":{"name":"get_time"}}}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject cfg = gw.simulator.last().body().getJsonObject("toolConfig").getJsonObject("functionCallingConfig");
        assertThat(cfg.getString("mode")).isEqualTo("ANY");
        assertThat(cfg.getJsonArray("allowedFunctionNames").getList()).containsExactly("get_time");
        assertThat(new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message").getJsonArray("tool_calls")
                .getJsonObject(0).getJsonObject("function").getString("name")).isEqualTo("get_time");
    }

    @Test
    void imagesAndSchemaConformance() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"gemini","messages":[{"role":"user","content":[{"type":"text","text":"what"},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                 {"type":"image_url","image_url":{"url":"https://example.com/cat.webp"}}]}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        OpenAiSchemas.assertValid("CreateChatCompletionResponse", r.body());
        assertThat(r.body()).contains("I see 2 images.");
        var parts = gw.simulator.last().body().getJsonArray("contents").getJsonObject(0).getJsonArray("parts");
        assertThat(parts.getJsonObject(1).getJsonObject("inlineData").getString("mimeType")).isEqualTo("image/png");
        assertThat(parts.getJsonObject(2).getJsonObject("fileData").getString("mimeType")).isEqualTo("image/webp");

        HttpResponse<String> s = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        List<String> data = Http.sseData(s.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        for (String d : data.subList(0, data.size() - 1)) OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", d);
    }

    @Test
    void implicitCacheCountIsPassedThroughOnTheSecondCall() {
        String longContext = "Background paragraph about the project. ".repeat(150);
        String body = "{\"model\":\"gemini\",\"messages\":[{\"role\":\"system\",\"content\":\"" + longContext
                + "\"},{\"role\":\"user\",\"content\":\"first\"},{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"%s\"}]}";
        JsonObject a = new JsonObject(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body.formatted("q1")).body());
        assertThat(a.getJsonObject("usage").getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).isZero();
        JsonObject b = new JsonObject(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body.formatted("q2")).body());
        assertThat(b.getJsonObject("usage").getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).isGreaterThan(1000);
    }

    @Test
    void openAiAutomaticCacheCountIsPassedThrough() {
        String longContext = "Stable instructions for the agent. ".repeat(150);
        String body = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"system\",\"content\":\"" + longContext
                + "\"},{\"role\":\"user\",\"content\":\"%s\"}]}";
        Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body.formatted("q1"));
        JsonObject b = new JsonObject(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body.formatted("q2")).body());
        int cached = b.getJsonObject("usage").getJsonObject("prompt_tokens_details").getInteger("cached_tokens");
        assertThat(cached).isGreaterThanOrEqualTo(1024).matches(n -> n % 128 == 0);
    }

    /**
     * Schemas as pydantic, zod and MCP servers write them: a {@code $ref} beside {@code title} or {@code type}, refs into
     * {@code $defs} from nested places, a recursive definition. Google refuses a $ref with siblings other than description
     * and default (its 400, which the simulator gives), so what reaches Gemini has the references inlined, from both
     * dialects, in tools and in response_format alike; a recursive reference stays, alone, with its definitions.
     */
    @Test
    void schemaReferencesReachGeminiInlined() {
        String params = """
                {"type":"object","title":"Args","$defs":{
                   "Unit":{"type":"string","enum":["c","f"],"title":"Unit"},
                   "Place":{"type":"object","properties":{"city":{"type":"string"},"unit":{"$ref":"#/$defs/Unit","title":"Unit","default":"c"}},"required":["city"]},
                   "Node":{"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/$defs/Node"}}}}},
                 "properties":{"place":{"$ref":"#/$defs/Place","description":"where"},
                   "also":{"anyOf":[{"$ref":"#/$defs/Place","title":"Place"},{"type":"null"}]},
                   "tree":{"$ref":"#/$defs/Node","title":"Tree"}},
                 "required":["place"]}""";
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"gemini","messages":[{"role":"user","content":"weather?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":%s}}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"w","strict":true,"schema":%s}}}"""
                .formatted(params, params));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject body = gw.simulator.last().body();
        JsonObject sent = body.getJsonArray("tools").getJsonObject(0).getJsonArray("functionDeclarations").getJsonObject(0)
                .getJsonObject("parametersJsonSchema");
        for (JsonObject schema : List.of(sent, body.getJsonObject("generationConfig").getJsonObject("responseJsonSchema"))) {
            JsonObject place = schema.getJsonObject("properties").getJsonObject("place");
            assertThat(place.getString("description")).isEqualTo("where");
            assertThat(place.getJsonObject("properties").getJsonObject("unit").getJsonArray("enum").getList()).containsExactly("c", "f");
            assertThat(place.getJsonObject("properties").getJsonObject("unit").getString("default")).isEqualTo("c");
            assertThat(schema.getJsonObject("properties").getJsonObject("also").getJsonArray("anyOf").getJsonObject(0)
                    .getJsonObject("properties").containsKey("city")).isTrue();
            // the recursive definition: inlined once, its self-reference kept alone, the definitions kept for it
            JsonObject tree = schema.getJsonObject("properties").getJsonObject("tree");
            assertThat(tree.getString("title")).isEqualTo("Tree");
            assertThat(tree.getJsonObject("properties").getJsonObject("children").getJsonObject("items").getMap())
                    .containsExactly(Map.entry("$ref", "#/$defs/Node"));
            assertThat(schema.getJsonObject("$defs").containsKey("Node")).isTrue();
        }

        // the Anthropic dialect's input_schema, without a recursive definition: no $defs left at all
        HttpResponse<String> a = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, """
                {"model":"gemini","max_tokens":100,"messages":[{"role":"user","content":"weather?"}],
                 "tools":[{"name":"get_weather","input_schema":{"type":"object","definitions":{"Unit":{"type":"string","title":"Unit"}},
                   "properties":{"unit":{"$ref":"#/definitions/Unit","title":"U","nullable":true}}}}]}""");
        assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
        JsonObject schema = gw.simulator.last().body().getJsonArray("tools").getJsonObject(0).getJsonArray("functionDeclarations")
                .getJsonObject(0).getJsonObject("parametersJsonSchema");
        assertThat(schema.getMap()).doesNotContainKey("definitions");
        assertThat(schema.getJsonObject("properties").getJsonObject("unit").getMap())
                .containsOnly(Map.entry("type", "string"), Map.entry("title", "U"), Map.entry("nullable", true));
    }

    /**
     * The official OpenAI SDK sends tools whose schemas are over GeminiJsonSchema's node bound (a definition of 2,000
     * properties referenced 24 times): as the README says, the first references are inlined and the rest stay references
     * with their $defs, alone with their siblings beside an anyOf, so what reaches Gemini is a few times the client's
     * schema, not megabytes, and Google (the simulator checks as it does) takes it. TypeBox's references by $id are
     * followed the same way, and the ones kept are written as pointers Google can follow, the ids dropped.
     */
    @Test
    void toolSchemasOverTheNodeBoundKeepTheirLastReferencesWithTheirDefinitions() {
        Map<String, Object> big = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 2_000; i++) big.put("p" + i, Map.of("type", "string"));
        Map<String, Object> refs = new java.util.LinkedHashMap<>(), byId = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 24; i++) {
            refs.put("r" + i, Map.of("$ref", "#/$defs/Big", "title", "R" + i));
            byId.put("r" + i, Map.of("$ref", "Big"));
        }
        Map<String, Object> pydantic = Map.of("type", "object", "$defs", Map.of("Big", Map.of("type", "object", "properties", big)),
                "properties", refs);
        Map<String, Object> typeBox = Map.of("type", "object", "$defs", Map.of("Big", Map.of("$id", "Big", "type", "object",
                "properties", big)), "properties", byId);
        java.util.function.BiFunction<String, Map<String, Object>, ChatCompletionFunctionTool> tool = (name, schema) -> {
            FunctionParameters.Builder p = FunctionParameters.builder();
            schema.forEach((k, v) -> p.putAdditionalProperty(k, JsonValue.from(v)));
            return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name(name).parameters(p.build()).build()).build();
        };
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini")
                .addUserMessage("fill the form").addTool(tool.apply("pydantic_form", pydantic)).addTool(tool.apply("typebox_form", typeBox)).build());
        assertThat(c.choices()).hasSize(1);
        io.vertx.core.json.JsonArray declarations = gw.simulator.last().body().getJsonArray("tools").getJsonObject(0)
                .getJsonArray("functionDeclarations");
        for (int t = 0; t < 2; t++) {
            JsonObject sent = declarations.getJsonObject(t).getJsonObject("parametersJsonSchema");
            JsonObject props = sent.getJsonObject("properties");
            int inlined = 0;
            for (int i = 0; i < 24; i++) {
                JsonObject r = props.getJsonObject("r" + i);
                if (r.containsKey("properties")) {
                    inlined++;
                    assertThat(r.getJsonObject("properties").getJsonObject("p1999").getString("type")).isEqualTo("string");
                } else if (t == 0) {
                    assertThat(r.getMap()).containsOnly(Map.entry("anyOf", List.of(Map.of("$ref", "#/$defs/Big"))), Map.entry("title", "R" + i));
                } else {
                    assertThat(r.getMap()).containsOnly(Map.entry("$ref", "#/$defs/Big"));
                }
            }
            // the bound: inlined copies add at most max(4 x the schema's nodes, 20,000) nodes; the schema is ~4,050
            assertThat(inlined).as("tool %d", t).isBetween(1, 5);
            assertThat(sent.getJsonObject("$defs").getJsonObject("Big").getJsonObject("properties").size()).isEqualTo(2_000);
            assertThat(sent.encode()).doesNotContain("\"$id\"").hasSizeLessThan(8 * Json.encode(pydantic).length());
        }
    }

    @Test
    void anthropicDialectToGeminiAndGeminiErrors() {
        HttpResponse<String> r = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi from claude code\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject m = new JsonObject(r.body());
        assertThat(m.getString("type")).isEqualTo("message");
        assertThat(m.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("Hello from the simulator! You said: hi from claude code");

        gw.simulator.enqueue(SimBehaviour.rateLimited(3));
        HttpResponse<String> limited = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("3");
        OpenAiSchemas.assertValid("ErrorResponse", limited.body());
        gw.simulator.enqueue(SimBehaviour.status(503));
        assertThat(Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(503);
    }
    /** Anthropic's rule for tool_use ids: an id the gateway hands out must be valid in every dialect. */
    private static final Pattern ANTHROPIC_TOOL_ID = Pattern.compile("^[a-zA-Z0-9_-]+$");

    /** The thoughtSignature the simulator saw on the model turn at this index of the last request's contents. */
    private static String signatureSentBack(int content) {
        return gw.simulator.last().body().getJsonArray("contents").getJsonObject(content).getJsonArray("parts")
                .getJsonObject(0).getString("thoughtSignature");
    }

    @Test
    void gemini3ToolLoopSucceedsBecauseTheThoughtSignatureRoundTripsInTheToolCallId() {
        // Step 1 (not streamed): Gemini 3 signs its function call; the signature comes back inside the id.
        ChatCompletion first = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini3")
                .addUserMessage("weather?").addTool(weather()).build());
        ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).contains("__thought__").matches(ANTHROPIC_TOOL_ID);

        // Step 2: the simulator, like Gemini 3, refuses the request unless the exact signature is on the call.
        ChatCompletion second = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini3")
                .addUserMessage("weather?").addTool(weather()).addMessage(first.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("sunny").build()).build());
        assertThat(second.choices().get(0).message().content().orElseThrow()).isEqualTo("The tool returned: sunny");
        assertThat(signatureSentBack(1)).startsWith("+//+").endsWith("==");

        // The same loop with the first step streamed: the id arrives in the tool-call delta.
        StringBuilder id = new StringBuilder();
        StringBuilder args = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gemini3").addUserMessage("weather?").addTool(weather()).build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
                tc.id().ifPresent(id::append);
                tc.function().flatMap(f -> f.arguments()).ifPresent(args::append);
            }))));
        }
        assertThat(id.toString()).contains("__thought__").matches(ANTHROPIC_TOOL_ID);
        ChatCompletionAssistantMessageParam assistant = ChatCompletionAssistantMessageParam.builder()
                .addToolCall(ChatCompletionMessageFunctionToolCall.builder().id(id.toString()).function(
                        ChatCompletionMessageFunctionToolCall.Function.builder().name("get_weather").arguments(args.toString()).build()).build())
                .build();
        List<String> text = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gemini3").addUserMessage("weather?").addTool(weather()).addMessage(assistant)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(id.toString()).content("rainy").build()).build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::add)));
        }
        assertThat(String.join("", text)).isEqualTo("The tool returned: rainy");
    }

    @Test
    void gemini3GetsGooglesDummySignatureForCallsItDidNotMakeAndTheSimulatorRefusesUnsignedOnes() {
        // History from another provider: the call has no signature, so the gateway sends Google's documented dummy.
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"gemini3","tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
                 "properties":{"location":{"type":"string"}}}}}],"messages":[{"role":"user","content":"weather?"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_from_gpt","type":"function",
                  "function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}}]},
                 {"role":"tool","tool_call_id":"call_from_gpt","content":"sunny"}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(signatureSentBack(1)).isEqualTo("context_engineering_is_the_way_to_go");

        // What Gemini 3 answers when the current turn's call comes back unsigned, exactly.
        HttpResponse<String> refused = Http.post(gw.simulator.rootUrl() + "/v1beta/models/gemini-3-flash-preview:generateContent", null, """
                {"contents":[{"role":"user","parts":[{"text":"weather?"}]},
                 {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"location":"Paris"}}}]},
                 {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"content":"sunny"}}}]}]}""",
                "x-goog-api-key", "any");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(refused.body())).isEqualTo(new JsonObject().put("error", new JsonObject().put("code", 400)
                .put("message", "Function call is missing a thought_signature in functionCall parts. This is required for tools to work "
                        + "correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call "
                        + "`default_api:get_weather` , position 2. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures "
                        + "for more details.")
                .put("status", "INVALID_ARGUMENT")));
        // An earlier turn (a user text message came after it) is not validated, as Google documents.
        HttpResponse<String> earlierTurn = Http.post(gw.simulator.rootUrl() + "/v1beta/models/gemini-3-flash-preview:generateContent", null, """
                {"contents":[{"role":"user","parts":[{"text":"weather?"}]},
                 {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"location":"Paris"}}}]},
                 {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"content":"sunny"}}},{"text":"thanks"}]}]}""",
                "x-goog-api-key", "any");
        assertThat(earlierTurn.statusCode()).as(earlierTurn.body()).isEqualTo(200);
    }

    @Test
    void anthropicDialectToolLoopOnGemini3() {
        String tools = "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\","
                + "\"properties\":{\"location\":{\"type\":\"string\"}}}}]";
        HttpResponse<String> first = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"gemini3\","
                + "\"max_tokens\":100," + tools + ",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonObject use = new JsonObject(first.body()).getJsonArray("content").getJsonObject(0);
        assertThat(use.getString("type")).isEqualTo("tool_use");
        assertThat(use.getString("id")).contains("__thought__").matches(ANTHROPIC_TOOL_ID);

        String history = new io.vertx.core.json.JsonArray()
                .add(new JsonObject().put("role", "user").put("content", "weather?"))
                .add(new JsonObject().put("role", "assistant").put("content", new io.vertx.core.json.JsonArray().add(use)))
                .add(new JsonObject().put("role", "user").put("content", new io.vertx.core.json.JsonArray().add(new JsonObject()
                        .put("type", "tool_result").put("tool_use_id", use.getString("id")).put("content", "foggy"))))
                .encode();
        HttpResponse<String> second = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY, "{\"model\":\"gemini3\","
                + "\"max_tokens\":100," + tools + ",\"messages\":" + history + "}");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(new JsonObject(second.body()).getJsonArray("content").getJsonObject(0).getString("text"))
                .isEqualTo("The tool returned: foggy");
        assertThat(signatureSentBack(1)).startsWith("+//+");
    }

    @Test
    void aSignedToolCallContinuedOnAnotherProviderGoesThereWithThePlainId() {
        ChatCompletion first = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini3")
                .addUserMessage("weather?").addTool(weather()).build());
        String id = first.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().id();
        String plain = id.substring(0, id.indexOf("__thought__"));
        for (String model : List.of("gpt", "claude")) {
            ChatCompletion next = client.chat().completions().create(ChatCompletionCreateParams.builder().model(model)
                    .addUserMessage("weather?").addTool(weather()).addMessage(first.choices().get(0).message())
                    .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(id).content("sunny").build()).build());
            assertThat(next.choices().get(0).message().content().orElseThrow()).isEqualTo("The tool returned: sunny");
            // OpenAI refuses tool-call ids over 40 characters; the signature means nothing outside Gemini
            assertThat(gw.simulator.last().body().encode()).as(model).doesNotContain("__thought__").contains(plain);
        }
    }

    @Test
    void aBlockedPromptIsOneFilteredChoiceAndACompleteStream() {
        gw.simulator.enqueue(SimBehaviour.promptBlocked("PROHIBITED_CONTENT"));
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini")
                .addUserMessage("something Google refuses").build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.CONTENT_FILTER);
        assertThat(c.choices().get(0).message().content().orElse("")).isEmpty();
        assertThat(c.usage().orElseThrow().promptTokens()).isPositive();

        gw.simulator.enqueue(SimBehaviour.promptBlocked("SAFETY"));
        HttpResponse<String> s = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(s.statusCode()).isEqualTo(200);
        List<String> data = Http.sseData(s.body());
        assertThat(data.get(data.size() - 1)).as(s.body()).isEqualTo("[DONE]"); // complete, not "ended before complete"
        for (String d : data.subList(0, data.size() - 1)) OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", d);
        assertThat(data).anySatisfy(d -> assertThat(d).contains("\"finish_reason\":\"content_filter\""));

        gw.simulator.enqueue(SimBehaviour.promptBlocked("PROHIBITED_CONTENT"));
        HttpResponse<String> a = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(new JsonObject(a.body()).getString("stop_reason")).as(a.body()).isEqualTo("refusal");
    }

    @Test
    void aKeyGoogleCallsInvalidIsAnAuthenticationErrorThatFallsBackNotAClientError() {
        gw.simulator.requireKey(TestGateway.PROVIDER_KEY); // OpenAI's key passes, the Gemini deployment's does not
        // What Google answers to a wrong key, exactly: 400 INVALID_ARGUMENT, only the ErrorInfo reason names the key.
        HttpResponse<String> google = Http.post(gw.simulator.rootUrl() + "/v1beta/models/gemini-2.5-flash:generateContent", null,
                "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}", "x-goog-api-key", "AIza-wrong");
        assertThat(google.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(google.body()).getJsonObject("error")).isEqualTo(new JsonObject("""
                {"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[
                 {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com",
                  "metadata":{"service":"generativelanguage.googleapis.com"}},
                 {"@type":"type.googleapis.com/google.rpc.LocalizedMessage","locale":"en-US",
                  "message":"API key not valid. Please pass a valid API key."}]}"""));

        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini")
                .addUserMessage("hi").build())).isInstanceOf(UnauthorizedException.class);
        for (String stream : List.of("false", "true")) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gemini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
            OpenAiSchemas.assertValid("ErrorResponse", r.body());
            JsonObject e = new JsonObject(r.body()).getJsonObject("error");
            assertThat(e.getString("type")).isEqualTo("authentication_error");
            assertThat(e.getString("code")).isEqualTo("invalid_api_key");
        }
        HttpResponse<String> a = Http.post(gw.baseUrl() + "/v1/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(a.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(a.body()).getJsonObject("error").getString("type")).isEqualTo("authentication_error");

        // The deployment, not the request, is at fault: the client's own fallback list is tried (a 400 would end here).
        HttpResponse<String> saved = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gemini\",\"models\":[\"gpt\"],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(saved.headers().firstValue("x-switchboard-route")).hasValue("fallback:models_array");
    }

    /**
     * n = 2 streamed: Gemini's events carry each candidate with its index, and every candidate is its own choice (its
     * text and finish reason under its index); the usage chunk, for both, follows the last finish. Candidate 1 was
     * dropped: only candidates[0] was read.
     */
    @Test
    void nCandidatesStreamedAreEachTheirOwnChoice() {
        String ask = "{\"model\":\"gemini\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"two ways\"}]";
        HttpResponse<String> s = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                ask + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertThat(s.statusCode()).as(s.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("generationConfig").getInteger("candidateCount")).isEqualTo(2);
        List<String> data = Http.sseData(s.body());
        assertThat(data.get(data.size() - 1)).as(s.body()).isEqualTo("[DONE]");
        StringBuilder[] text = {new StringBuilder(), new StringBuilder()};
        String[] finish = new String[2];
        int usageAt = -1, lastFinishAt = -1;
        for (int i = 0; i < data.size() - 1; i++) {
            OpenAiSchemas.assertValid("CreateChatCompletionStreamResponse", data.get(i));
            JsonObject chunk = new JsonObject(data.get(i));
            if (chunk.getJsonObject("usage") != null) usageAt = i;
            for (Object o : chunk.getJsonArray("choices")) {
                JsonObject c = (JsonObject) o;
                int index = c.getInteger("index");
                String piece = c.getJsonObject("delta").getString("content");
                if (piece != null) text[index].append(piece);
                if (c.getString("finish_reason") != null) {
                    assertThat(finish[index]).as("one finish per choice").isNull();
                    finish[index] = c.getString("finish_reason");
                    lastFinishAt = i;
                }
            }
        }
        assertThat(text[0].toString()).isEqualTo("Hello from the simulator! You said: two ways");
        assertThat(text[1].toString()).isEqualTo("Candidate 1: Hello from the simulator! You said: two ways");
        assertThat(finish).containsExactly("stop", "stop");
        assertThat(usageAt).as("the usage chunk comes after both finishes").isGreaterThan(lastFinishAt);

        // the same answer whole: two choices (this worked before), each with its text
        HttpResponse<String> whole = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, ask + "}");
        JsonObject answer = new JsonObject(whole.body());
        assertThat(answer.getJsonArray("choices")).hasSize(2);
        assertThat(answer.getJsonArray("choices").getJsonObject(1).getJsonObject("message").getString("content"))
                .isEqualTo("Candidate 1: Hello from the simulator! You said: two ways");
    }

    /**
     * Audio in the prompt is priced at the catalog's audio input rate (gemini-2.5-flash: $1 against $0.30 a million
     * tokens for text), as LiteLLM prices it: Google's promptTokensDetails says how many prompt tokens were AUDIO, and
     * the gateway priced them all as text.
     */
    @Test
    void anAudioPromptIsPricedAtTheAudioRate() {
        String wav = java.util.Base64.getEncoder().encodeToString(new byte[32_000]); // 2 s: 64 tokens to the simulator
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gemini\",\"stream\":" + stream + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                            + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"transcribe\"},"
                            + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"" + wav + "\",\"format\":\"wav\"}}]}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            List<String> data = stream ? Http.sseData(r.body()) : List.of(r.body());
            JsonObject usage = data.stream().filter(d -> d.startsWith("{")).map(JsonObject::new)
                    .filter(j -> j.getJsonObject("usage") != null).reduce((a, b) -> b).orElseThrow().getJsonObject("usage");
            assertThat(usage.getJsonObject("prompt_tokens_details").getInteger("audio_tokens")).as(usage.encode()).isEqualTo(64);
            int prompt = usage.getInteger("prompt_tokens"), completion = usage.getInteger("completion_tokens");
            double expected = (prompt - 64) * 0.30e-6 + 64 * 1.00e-6 + completion * 2.50e-6;
            assertThat(usage.getDouble("cost")).as(usage.encode()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    /**
     * {@code gemini/} embedding models answer {@code /v1/embeddings} through Google's {@code batchEmbedContents} (every
     * call was a 400 "does not support embeddings"); Google gives no token count, so the usage and the price are the
     * gateway's estimate of the input.
     */
    @Test
    void geminiEmbeddingsGoThroughBatchEmbedContents() {
        try (TestGateway g = geminiEmbeddings("")) {
            HttpResponse<String> r = Http.post(g.v1() + "/embeddings", TestGateway.MASTER_KEY,
                    "{\"model\":\"gemb\",\"input\":[\"hello world\",\"a second text\"],\"dimensions\":4}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            ProviderSimulator.Received seen = g.simulator.last();
            assertThat(seen.path()).isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
            assertThat(seen.headers().get("x-goog-api-key")).isEqualTo(TestGateway.GEMINI_PROVIDER_KEY);
            JsonObject second = seen.body().getJsonArray("requests").getJsonObject(1);
            assertThat(second.getString("model")).isEqualTo("models/gemini-embedding-001");
            assertThat(second.getJsonObject("content").getJsonArray("parts").getJsonObject(0).getString("text")).isEqualTo("a second text");
            assertThat(second.getInteger("outputDimensionality")).isEqualTo(4);

            JsonObject answer = new JsonObject(r.body());
            assertThat(answer.getJsonArray("data")).hasSize(2);
            assertThat(answer.getJsonArray("data").getJsonObject(1).getInteger("index")).isEqualTo(1);
            assertThat(answer.getJsonArray("data").getJsonObject(1).getJsonArray("embedding")).hasSize(4);
            int tokens = answer.getJsonObject("usage").getInteger("prompt_tokens");
            assertThat(tokens).as("o200k: 2 + 3 tokens").isEqualTo(5);
            assertThat(Double.parseDouble(r.headers().firstValue("x-switchboard-cost").orElseThrow()))
                    .isCloseTo(5 * 0.15e-6, org.assertj.core.data.Offset.offset(1e-12));

            HttpResponse<String> tokenArrays = Http.post(g.v1() + "/embeddings", TestGateway.MASTER_KEY,
                    "{\"model\":\"gemb\",\"input\":[[1,2,3]]}");
            assertThat(tokenArrays.statusCode()).as(tokenArrays.body()).isEqualTo(400);
            assertThat(tokenArrays.body()).contains("Gemini embeds text only");
        }
    }

    /**
     * Google takes at most 100 requests in one {@code batchEmbedContents} call and refuses the whole call past it (400
     * "at most 100 requests can be in one batch"), while an OpenAI client sends up to 2,048 texts (LangChain 1,000 by
     * default): 250 texts go in three calls (100, 100, 50), joined back in input order.
     */
    @Test
    void geminiEmbeddingsOfMoreThanAHundredTextsGoInBatchesOfAHundred() {
        try (TestGateway g = geminiEmbeddings("")) {
            io.vertx.core.json.JsonArray texts = new io.vertx.core.json.JsonArray();
            for (int i = 0; i < 250; i++) texts.add("text number " + i);
            HttpResponse<String> r = Http.post(g.v1() + "/embeddings", TestGateway.MASTER_KEY,
                    new JsonObject().put("model", "gemb").put("input", texts).put("dimensions", 4).encode());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            List<Integer> batchSizes = g.simulator.received().stream().map(x -> x.body().getJsonArray("requests").size()).toList();
            assertThat(batchSizes).containsExactlyInAnyOrder(100, 100, 50);
            io.vertx.core.json.JsonArray data = new JsonObject(r.body()).getJsonArray("data");
            assertThat(data).hasSize(250);
            for (int i = 0; i < 250; i++) assertThat(data.getJsonObject(i).getInteger("index")).isEqualTo(i);

            // the vector at index 137 is the one text 137 gets alone (the simulator's vector is a function of the text)
            HttpResponse<String> alone = Http.post(g.v1() + "/embeddings", TestGateway.MASTER_KEY,
                    "{\"model\":\"gemb\",\"input\":\"text number 137\",\"dimensions\":4}");
            assertThat(alone.statusCode()).as(alone.body()).isEqualTo(200);
            assertThat(data.getJsonObject(137).getJsonArray("embedding"))
                    .isEqualTo(new JsonObject(alone.body()).getJsonArray("data").getJsonObject(0).getJsonArray("embedding"));
        }
    }

    /**
     * A list whose second batch of 100 fails: Google counts no tokens, and the answered batch (billed upstream) was on no
     * ledger row. The attempt's row now holds its share of the gateway's estimate of the input, marked estimated.
     */
    @Test
    void aFailedGeminiEmbeddingListChargesTheAnsweredBatchesAtAnEstimate() {
        try (TestGateway g = geminiEmbeddings("router_settings: { num_retries: 0 }\n")) {
            io.vertx.core.json.JsonArray texts = new io.vertx.core.json.JsonArray();
            for (int i = 0; i < 200; i++) texts.add("the same words here");
            String list = new JsonObject().put("model", "gemb").put("input", texts).put("dimensions", 4).encode();
            HttpResponse<String> ok = Http.post(g.v1() + "/embeddings", TestGateway.MASTER_KEY, list);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            int whole = new JsonObject(ok.body()).getJsonObject("usage").getInteger("prompt_tokens");
            assertThat(whole).isPositive();

            g.simulator.reset();
            g.simulator.enqueue(SimBehaviour.status(400)); // the first of the two batches to arrive
            HttpResponse<String> failed = Http.post(g.v1() + "/embeddings", TestGateway.MASTER_KEY, list);
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(400);
            var admin = new dev.switchboard.support.Admin(g);
            JsonObject row = admin.ledgerRows(failed).stream().filter(o -> o.getInteger("attempt") == 1).findFirst().orElseThrow();
            assertThat(row.getLong("prompt_tokens")).as(row.encode()).isEqualTo((long) Math.ceil(whole / 2.0));
            assertThat(row.getBoolean("usage_estimated")).as(row.encode()).isTrue();
        }
    }

    /** A gateway whose alias {@code gemb} is Gemini's embedding model on the simulator, with {@code more} top-level config lines. */
    private static TestGateway geminiEmbeddings(String more) {
        return TestGateway.start("""
                model_list:
                  - model_name: gemb
                    litellm_params:
                      model: gemini/gemini-embedding-001
                      api_base: ${SIM_ROOT}
                      api_key: os.environ/GEMINI_PROVIDER_KEY
                    model_info: { mode: embedding }
                %sgeneral_settings:
                  master_key: os.environ/MASTER_KEY
                """.formatted(more));
    }

    /** The simulator's picture (a 1×1 PNG), as a data URL. */
    private static final String PNG_URL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    /** An image model asked for pictures (OpenAI's modalities, as LiteLLM takes it): the images come back as message.images. */
    @Test
    void anImageModelsPicturesComeBackAsImagesWholeAndStreamed() {
        String ask = "{\"model\":\"gemini\",\"modalities\":[\"text\",\"image\"],\"messages\":[{\"role\":\"user\",\"content\":\"draw a cat\"}]";
        java.net.http.HttpResponse<String> whole = dev.switchboard.support.Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, ask + "}");
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("generationConfig").getJsonArray("responseModalities").getList())
                .containsExactly("TEXT", "IMAGE");
        io.vertx.core.json.JsonObject message = new io.vertx.core.json.JsonObject(whole.body()).getJsonArray("choices").getJsonObject(0)
                .getJsonObject("message");
        assertThat(message.getString("content")).isEqualTo("Hello from the simulator! You said: draw a cat");
        io.vertx.core.json.JsonObject image = message.getJsonArray("images").getJsonObject(0);
        assertThat(image.getString("type")).isEqualTo("image_url");
        assertThat(image.getInteger("index")).isZero();
        assertThat(image.getJsonObject("image_url").getString("url")).isEqualTo(PNG_URL);
        // Google counts the image's 1,290 tokens into the output
        assertThat(new io.vertx.core.json.JsonObject(whole.body()).getJsonObject("usage").getInteger("completion_tokens")).isGreaterThan(1290);

        java.net.http.HttpResponse<String> streamed = dev.switchboard.support.Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                ask + ",\"stream\":true}");
        List<String> urls = new java.util.ArrayList<>();
        for (String e : dev.switchboard.support.Http.sseData(streamed.body())) {
            if (e.equals("[DONE]")) continue;
            for (Object ch : new io.vertx.core.json.JsonObject(e).getJsonArray("choices")) {
                io.vertx.core.json.JsonArray imgs = ((io.vertx.core.json.JsonObject) ch).getJsonObject("delta").getJsonArray("images");
                if (imgs != null) imgs.forEach(x -> urls.add(((io.vertx.core.json.JsonObject) x).getJsonObject("image_url").getString("url")));
            }
        }
        assertThat(urls).containsExactly(PNG_URL);
        // a modality Google does not know is Google's 400, in the caller's dialect
        java.net.http.HttpResponse<String> wrong = dev.switchboard.support.Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                ask.replace("\"image\"]", "\"smell\"]") + "}");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("response_modalities");
    }

    /**
     * A picture's tokens are priced at the image output rate, as Google bills them: gemini-2.5-flash-image $30 a million
     * (1,290 tokens an image = $0.039) against $2.50 for its text. The gateway priced the whole answer as text, a
     * twelfth of the image's price, which a budget then under-counted. Whole and streamed, the client sees the image's
     * tokens where LiteLLM reports them (completion_tokens_details.image_tokens) and the cost in usage.cost and
     * x-switchboard-cost; the ledger row and the key's spend are the same; a deployment's own
     * model_info.output_cost_per_image_token wins; a cache hit replays the image tokens (its saving is the image price).
     */
    @Test
    void anImageIsPricedAtTheImageOutputRate() {
        try (TestGateway g = TestGateway.start("""
                model_list:
                  - model_name: draw
                    litellm_params: { model: gemini/gemini-2.5-flash-image, api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                  - model_name: draw-own
                    litellm_params: { model: gemini/gemini-2.5-flash-image, api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                    model_info: { output_cost_per_image_token: 0.00006 }
                  - model_name: flash
                    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                litellm_settings:
                  cache: true
                  cache_params: { type: local, ttl: 600 }
                general_settings:
                  master_key: os.environ/MASTER_KEY
                """)) {
            dev.switchboard.support.Admin admin = new dev.switchboard.support.Admin(g);
            JsonObject k = admin.generate(new JsonObject().put("key_alias", "painter").put("max_budget", 5));
            String key = k.getString("key");
            for (boolean stream : new boolean[] {false, true}) {
                String ask = "{\"model\":\"draw\",\"modalities\":[\"text\",\"image\"],\"stream\":" + stream
                        + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"draw a cat, " + (stream ? "streamed" : "whole") + "\"}]}";
                HttpResponse<String> r = Http.post(g.v1() + "/chat/completions", key, ask);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonObject usage = lastUsage(r, stream);
                assertThat(usage.getJsonObject("completion_tokens_details").getInteger("image_tokens")).as(usage.encode()).isEqualTo(1290);
                int prompt = usage.getInteger("prompt_tokens"), text = usage.getInteger("completion_tokens") - 1290;
                assertThat(text).isPositive();
                double expected = prompt * 0.30e-6 + text * 2.50e-6 + 1290 * 30e-6;
                assertThat(usage.getDouble("cost")).as(usage.encode()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
                assertThat(expected).as("the image alone is Google's $0.039").isGreaterThan(0.0387);
                if (!stream) {
                    assertThat(Double.parseDouble(r.headers().firstValue("x-switchboard-cost").orElseThrow()))
                            .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
                }
            }
            // the ledger: two rows at the image rate, and the key's spend (what its budget counts) is their sum
            java.util.List<JsonObject> rows = admin.getOk("/spend/logs?key=" + k.getString("key_id")).getJsonArray("data").stream()
                    .map(JsonObject.class::cast).toList();
            assertThat(rows).hasSize(2);
            double ledger = 0;
            for (JsonObject row : rows) {
                assertThat(row.getDouble("spend")).as(row.encode()).isGreaterThan(0.0387);
                ledger += row.getDouble("spend");
            }
            assertThat(admin.info(key).getDouble("spend")).isCloseTo(ledger, org.assertj.core.data.Offset.offset(1e-9));

            // a deployment's own image price wins over the catalog's
            HttpResponse<String> own = Http.post(g.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"draw-own\",\"modalities\":[\"text\",\"image\"],\"messages\":[{\"role\":\"user\",\"content\":\"a dog\"}]}");
            JsonObject ownUsage = new JsonObject(own.body()).getJsonObject("usage");
            assertThat(ownUsage.getDouble("cost")).as(ownUsage.encode()).isCloseTo(ownUsage.getInteger("prompt_tokens") * 0.30e-6
                    + (ownUsage.getInteger("completion_tokens") - 1290) * 2.50e-6 + 1290 * 60e-6, org.assertj.core.data.Offset.offset(1e-12));

            // a model with no image price bills the picture's tokens as text, and says so in no other way
            HttpResponse<String> flash = Http.post(g.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"flash\",\"modalities\":[\"text\",\"image\"],\"messages\":[{\"role\":\"user\",\"content\":\"a fox\"}]}");
            JsonObject flashUsage = new JsonObject(flash.body()).getJsonObject("usage");
            assertThat(flashUsage.getJsonObject("completion_tokens_details").getInteger("image_tokens")).isEqualTo(1290);
            assertThat(flashUsage.getDouble("cost")).isCloseTo(flashUsage.getInteger("prompt_tokens") * 0.30e-6
                    + flashUsage.getInteger("completion_tokens") * 2.50e-6, org.assertj.core.data.Offset.offset(1e-12));

            // a text answer's usage is as before: no image_tokens at all
            HttpResponse<String> plain = Http.post(g.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"draw\",\"messages\":[{\"role\":\"user\",\"content\":\"just words\"}]}");
            assertThat(new JsonObject(plain.body()).getJsonObject("usage").getJsonObject("completion_tokens_details")
                    .containsKey("image_tokens")).isFalse();

            // the same request again is a hit: its usage still says the image's tokens, and what it saved is the image price
            String again = "{\"model\":\"draw\",\"modalities\":[\"text\",\"image\"],\"stream\":false,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"draw a cat, whole\"}]}";
            HttpResponse<String> hit = Http.post(g.v1() + "/chat/completions", key, again);
            assertThat(hit.headers().firstValue("x-switchboard-cache")).hasValue("hit-exact");
            JsonObject hitUsage = new JsonObject(hit.body()).getJsonObject("usage");
            assertThat(hitUsage.getJsonObject("completion_tokens_details").getInteger("image_tokens")).isEqualTo(1290);
            assertThat(new JsonObject(hit.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                    .getJsonArray("images")).hasSize(1);
            JsonObject hitRow = admin.getOk("/spend/logs?key=" + k.getString("key_id")).getJsonArray("data").stream()
                    .map(JsonObject.class::cast).filter(row -> row.getDouble("spend") == 0).findFirst().orElseThrow();
            assertThat(Double.parseDouble(hitRow.getValue("saved").toString())).as(hitRow.encode()).isCloseTo(
                    hitUsage.getInteger("prompt_tokens") * 0.30e-6 + (hitUsage.getInteger("completion_tokens") - 1290) * 2.50e-6
                            + 1290 * 30e-6, org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    /** The usage of an answer, or of a stream's last chunk that has one. */
    private static JsonObject lastUsage(HttpResponse<String> r, boolean stream) {
        List<String> data = stream ? Http.sseData(r.body()) : List.of(r.body());
        return data.stream().filter(d -> d.startsWith("{")).map(JsonObject::new)
                .filter(j -> j.getJsonObject("usage") != null).reduce((a, b) -> b).orElseThrow().getJsonObject("usage");
    }
}
