package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionCustomTool;
import com.openai.models.chat.completions.ChatCompletionMessageCustomToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.responses.CustomTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseCustomToolCall;
import com.openai.models.responses.ResponseCustomToolCallOutput;
import com.openai.models.responses.ResponseInputItem;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OpenAI's custom (free-form) tools in chat completions (GPT-5's {@code apply_patch} kind), from the official OpenAI
 * Java SDK: OpenAI and Azure OpenAI get them as written; Anthropic, Gemini and OpenAI-compatible servers, which have
 * none, get a function of one string {@code input}, and the client gets a custom call whose input is that string, in
 * whole answers and in streams, and back in the history of the next turn. The same from the Responses API
 * ({@code custom_tool_call} items, {@code response.custom_tool_call_input.*} events), where OpenAI's deployments get the
 * request as written.
 */
class CustomToolsIT {
    /** What the simulated model writes to a custom tool, or to a function's string parameter named {@code input}. */
    static final String INPUT = "*** Begin Patch\n*** Add File: hello.txt\n+Hello, \"world\" \\ 🌍\n*** End Patch";

    static TestGateway gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start("""
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-5, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: claude
                    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${SIM_ROOT}", api_key: os.environ/ANTHROPIC_PROVIDER_KEY }
                  - model_name: gemini
                    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "${SIM_ROOT}", api_key: os.environ/GEMINI_PROVIDER_KEY }
                  - model_name: azure
                    litellm_params: { model: azure/my-gpt5, api_base: "${SIM_ROOT}/", api_version: "2024-10-21", api_key: os.environ/PROVIDER_KEY }
                  - model_name: vllm
                    litellm_params: { model: hosted_vllm/llama-3.1-8b, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                  - model_name: interleaved
                    litellm_params: { model: hosted_vllm/parallel-interleaved-llama, api_base: "${SIM}", api_key: os.environ/PROVIDER_KEY }
                router_settings:
                  num_retries: 0
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

    private static ChatCompletionCustomTool.Custom applyPatch() {
        return ChatCompletionCustomTool.Custom.builder().name("apply_patch").description("Apply a patch to the files.").formatText().build();
    }

    private static ChatCompletionCreateParams.Builder ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("add hello.txt").addCustomTool(applyPatch());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "azure", "claude", "gemini", "vllm"})
    void theAnswerIsACustomCallOnEveryProvider(String alias) {
        ChatCompletion answer = client.chat().completions().create(ask(alias).build());
        ChatCompletionMessageCustomToolCall call = answer.choices().get(0).message().toolCalls().orElseThrow().get(0).asCustom();
        assertThat(call.custom().name()).isEqualTo("apply_patch");
        assertThat(call.custom().input()).isEqualTo(INPUT);
        assertThat(answer.choices().get(0).finishReason().asString()).isEqualTo("tool_calls");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "azure"})
    void openAiGetsTheCustomToolAsWritten(String alias) {
        client.chat().completions().create(ask(alias).build());
        JsonObject tool = gw.simulator.last().body().getJsonArray("tools").getJsonObject(0);
        assertThat(tool.getString("type")).isEqualTo("custom");
        assertThat(tool.getJsonObject("custom").getString("name")).isEqualTo("apply_patch");
        assertThat(tool.getJsonObject("custom").getJsonObject("format").getString("type")).isEqualTo("text");
    }

    @Test
    void anthropicGeminiAndCompatibleServersGetAFunctionOfOneString() {
        client.chat().completions().create(ask("claude").build());
        JsonObject tool = gw.simulator.last().body().getJsonArray("tools").getJsonObject(0);
        assertThat(tool.getString("name")).isEqualTo("apply_patch");
        assertThat(tool.getString("description")).isEqualTo("Apply a patch to the files.");
        assertThat(tool.getJsonObject("input_schema").getJsonArray("required").getList()).containsExactly("input");
        assertThat(tool.getJsonObject("input_schema").getJsonObject("properties").getJsonObject("input").getString("type")).isEqualTo("string");

        client.chat().completions().create(ask("gemini").build());
        JsonObject decl = gw.simulator.last().body().getJsonArray("tools").getJsonObject(0).getJsonArray("functionDeclarations").getJsonObject(0);
        assertThat(decl.getString("name")).isEqualTo("apply_patch");
        assertThat(decl.encode()).contains("\"input\"");

        client.chat().completions().create(ask("vllm").build());
        JsonObject fn = gw.simulator.last().body().getJsonArray("tools").getJsonObject(0);
        assertThat(fn.getString("type")).isEqualTo("function");
        assertThat(fn.getJsonObject("function").getJsonObject("parameters").getJsonArray("required").getList()).containsExactly("input");
    }

    @Test
    void aGrammarReachesOpenAiAsWrittenAndOtherModelsInWords() {
        String body = """
                {"model":"%s","messages":[{"role":"user","content":"add hello.txt"}],"tools":[{"type":"custom","custom":{
                 "name":"apply_patch","format":{"type":"grammar","grammar":{"syntax":"lark","definition":"start: \\"*** Begin Patch\\" /(.|\\\\n)*/"}}}}]}""";
        HttpResponse<String> gpt = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body.formatted("gpt"));
        assertThat(gpt.statusCode()).as(gpt.body()).isEqualTo(200);
        JsonObject grammar = gw.simulator.last().body().getJsonArray("tools").getJsonObject(0).getJsonObject("custom")
                .getJsonObject("format").getJsonObject("grammar");
        assertThat(grammar.getString("syntax")).isEqualTo("lark");

        HttpResponse<String> claude = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, body.formatted("claude"));
        assertThat(claude.statusCode()).as(claude.body()).isEqualTo(200);
        String description = gw.simulator.last().body().getJsonArray("tools").getJsonObject(0).getString("description");
        assertThat(description).startsWith("The input must match this Lark grammar:\nstart: \"*** Begin Patch\"");
        JsonObject call = new JsonObject(claude.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                .getJsonArray("tool_calls").getJsonObject(0);
        assertThat(call.getString("type")).isEqualTo("custom");
        assertThat(call.getJsonObject("custom").getString("input")).isEqualTo(INPUT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "azure", "claude", "gemini", "vllm"})
    void aStreamGivesTheInputAsItIsWritten(String alias) {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"%s","stream":true,"messages":[{"role":"user","content":"add hello.txt"}],
                 "tools":[{"type":"custom","custom":{"name":"apply_patch"}}]}""".formatted(alias));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonObject> pieces = new ArrayList<>();
        List<String> finish = new ArrayList<>();
        for (String data : Http.sseData(r.body())) {
            if (data.equals("[DONE]")) continue;
            for (Object o : new JsonObject(data).getJsonArray("choices")) {
                JsonObject ch = (JsonObject) o;
                JsonArray calls = ch.getJsonObject("delta").getJsonArray("tool_calls");
                if (calls != null) calls.forEach(c -> pieces.add((JsonObject) c));
                if (ch.getString("finish_reason") != null) finish.add(ch.getString("finish_reason"));
            }
        }
        assertThat(pieces).as(r.body()).isNotEmpty();
        JsonObject head = pieces.get(0);
        assertThat(head.getString("type")).isEqualTo("custom");
        assertThat(head.getString("id")).isNotBlank();
        assertThat(head.getJsonObject("custom").getString("name")).isEqualTo("apply_patch");
        StringBuilder input = new StringBuilder();
        for (JsonObject p : pieces) {
            assertThat(p.getInteger("index")).isZero();
            assertThat(p.containsKey("function")).as(p.encode()).isFalse();
            input.append(p.getJsonObject("custom").getString("input", ""));
        }
        assertThat(input.toString()).isEqualTo(INPUT);
        assertThat(finish).containsExactly("tool_calls");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude"})
    void theCallGoesBackInTheHistory(String alias) {
        ChatCompletion first = client.chat().completions().create(ask(alias).build());
        ChatCompletionMessageCustomToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0).asCustom();
        ChatCompletion second = client.chat().completions().create(ask(alias)
                .addMessage(first.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("Done!").build())
                .build());
        assertThat(second.choices().get(0).message().content().orElseThrow()).isEqualTo("The tool returned: Done!");
        JsonArray sent = gw.simulator.last().body().getJsonArray("messages");
        JsonObject assistant = sent.getJsonObject(1);
        if (alias.equals("gpt")) {
            JsonObject c = assistant.getJsonArray("tool_calls").getJsonObject(0);
            assertThat(c.getString("type")).isEqualTo("custom");
            assertThat(c.getJsonObject("custom").getString("input")).isEqualTo(INPUT);
        } else {
            JsonObject use = assistant.getJsonArray("content").getJsonObject(0);
            assertThat(use.getString("type")).isEqualTo("tool_use");
            assertThat(use.getJsonObject("input").getString("input")).isEqualTo(INPUT);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude"})
    void aHistoryAsPythonsSdkWritesIt(String alias) {
        // messages before tools, and the assistant turn with "content": null, as the Python SDK sends it back
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"%s","messages":[{"role":"user","content":"add hello.txt"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"custom","custom":{"name":"apply_patch","input":"x"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"Done!"}],
                 "tools":[{"type":"custom","custom":{"name":"apply_patch"}}]}""".formatted(alias));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
                .isEqualTo("The tool returned: Done!");
    }

    @Test
    void aCustomToolCanBeChosenByName() {
        HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"claude","messages":[{"role":"user","content":"hi"}],
                 "tools":[{"type":"function","function":{"name":"get_time"}},{"type":"custom","custom":{"name":"apply_patch"}}],
                 "tool_choice":{"type":"custom","custom":{"name":"apply_patch"}}}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonObject("tool_choice").getString("name")).isEqualTo("apply_patch");
        JsonObject call = new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                .getJsonArray("tool_calls").getJsonObject(0);
        assertThat(call.getJsonObject("custom").getString("name")).isEqualTo("apply_patch");

        HttpResponse<String> gpt = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"gpt","messages":[{"role":"user","content":"hi"}],
                 "tools":[{"type":"function","function":{"name":"get_time"}},{"type":"custom","custom":{"name":"apply_patch"}}],
                 "tool_choice":{"type":"custom","custom":{"name":"apply_patch"}}}""");
        assertThat(gpt.statusCode()).as(gpt.body()).isEqualTo(200);
        JsonObject choice = gw.simulator.last().body().getJsonObject("tool_choice");
        assertThat(choice.getString("type")).isEqualTo("custom");
        assertThat(choice.getJsonObject("custom").getString("name")).isEqualTo("apply_patch");
    }

    @Test
    void aMalformedCustomToolIsOpenAisFourHundredNamingTheField() {
        HttpResponse<String> noName = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"gpt","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"custom","custom":{}}]}""");
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(noName.body()).getJsonObject("error").getString("param")).isEqualTo("tools[0].custom.name");

        HttpResponse<String> syntax = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY, """
                {"model":"gpt","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"custom","custom":{"name":"x",
                 "format":{"type":"grammar","grammar":{"syntax":"ebnf","definition":"x"}}}}]}""");
        assertThat(syntax.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(syntax.body()).getJsonObject("error").getString("param")).isEqualTo("tools[0].custom.format.grammar.syntax");
        assertThat(gw.simulator.received()).noneMatch(q -> q.body() != null && q.body().encode().contains("ebnf"));

        for (String tool : new String[] {"{\"type\":\"custom\",\"custom\":{\"name\":\"\"}}", "{\"type\":\"function\",\"function\":{\"name\":\"\"}}"}) {
            HttpResponse<String> empty = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[" + tool + "]}");
            assertThat(empty.statusCode()).as(empty.body()).isEqualTo(400);
            assertThat(new JsonObject(empty.body()).getJsonObject("error").getString("message")).contains("empty string");
        }
    }

    /** A tool choice naming a tool by the other kind would be served as a call the client cannot take: OpenAI's 400. */
    @Test
    void aToolChoiceOfTheWrongKindIsRefused() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}},"
                + "{\"type\":\"custom\",\"custom\":{\"name\":\"apply_patch\"}}],";
        int before = gw.simulator.arrivals();
        for (String choice : new String[] {
                "{\"type\":\"custom\",\"custom\":{\"name\":\"get_time\"}}",
                "{\"type\":\"function\",\"function\":{\"name\":\"apply_patch\"}}",
                "{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"auto\",\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"get_time\"}}]}}"}) {
            HttpResponse<String> r = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + tools + "\"tool_choice\":" + choice + "}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            JsonObject e = new JsonObject(r.body()).getJsonObject("error");
            assertThat(e.getString("message")).contains("tool in 'tools', not a");
            assertThat(e.getString("param")).startsWith("tool_choice");
        }
        // the Responses API's shapes
        String rTools = "\"tools\":[{\"type\":\"function\",\"name\":\"get_time\"},{\"type\":\"custom\",\"name\":\"apply_patch\"}],";
        for (String choice : new String[] {"{\"type\":\"custom\",\"name\":\"get_time\"}",
                "{\"type\":\"allowed_tools\",\"mode\":\"auto\",\"tools\":[{\"type\":\"function\",\"name\":\"apply_patch\"}]}"}) {
            HttpResponse<String> r = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY,
                    "{\"model\":\"gpt\",\"input\":\"hi\"," + rTools + "\"tool_choice\":" + choice + "}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).contains("tool in 'tools', not a");
        }
        HttpResponse<String> nameless = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"input\":\"hi\",\"tools\":[{\"type\":\"custom\",\"name\":\"\"}]}");
        assertThat(nameless.statusCode()).as(nameless.body()).isEqualTo(400);
        assertThat(new JsonObject(nameless.body()).getJsonObject("error").getString("param")).isEqualTo("tools[0].name");
        assertThat(gw.simulator.arrivals()).isEqualTo(before);
        HttpResponse<String> right = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + tools
                        + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}}");
        assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
    }

    /** The answer's output text (the Java SDK has no outputText helper). */
    private static String text(Response r) {
        StringBuilder sb = new StringBuilder();
        r.output().forEach(item -> item.message().ifPresent(m -> m.content().forEach(c -> c.outputText().ifPresent(t -> sb.append(t.text())))));
        return sb.toString();
    }

    private static ResponseCreateParams.Builder respond(String model) {
        return ResponseCreateParams.builder().model(model).input("add hello.txt")
                .addTool(CustomTool.builder().name("apply_patch").description("Apply a patch to the files.").build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude", "gemini", "vllm"})
    void theResponsesApiGivesACustomToolCallOnEveryProvider(String alias) {
        Response answer = client.responses().create(respond(alias).build());
        ResponseCustomToolCall call = answer.output().get(0).customToolCall().orElseThrow();
        assertThat(call.name()).isEqualTo("apply_patch");
        assertThat(call.input()).isEqualTo(INPUT);
        assertThat(call.callId()).isNotBlank();
        if (alias.equals("gpt")) { // OpenAI's own Responses API, as written
            assertThat(gw.simulator.last().path()).isEqualTo("/v1/responses");
            assertThat(gw.simulator.last().body().getJsonArray("tools").getJsonObject(0).getString("type")).isEqualTo("custom");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude", "vllm"})
    void theResponsesApiStreamsTheInput(String alias) {
        HttpResponse<String> r = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, """
                {"model":"%s","stream":true,"input":"add hello.txt","tools":[{"type":"custom","name":"apply_patch"}]}""".formatted(alias));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        StringBuilder deltas = new StringBuilder();
        String done = null;
        JsonObject added = null, itemDone = null;
        for (String data : Http.sseData(r.body())) {
            JsonObject e = new JsonObject(data);
            switch (e.getString("type")) {
                case "response.output_item.added" -> added = e.getJsonObject("item");
                case "response.custom_tool_call_input.delta" -> deltas.append(e.getString("delta"));
                case "response.custom_tool_call_input.done" -> done = e.getString("input");
                case "response.output_item.done" -> itemDone = e.getJsonObject("item");
                case "response.function_call_arguments.delta" -> throw new AssertionError("a function's event: " + data);
                default -> { }
            }
        }
        assertThat(added.getString("type")).as(r.body()).isEqualTo("custom_tool_call");
        assertThat(added.getString("input")).isEmpty();
        assertThat(deltas.toString()).isEqualTo(INPUT);
        assertThat(done).isEqualTo(INPUT);
        assertThat(itemDone.getString("type")).isEqualTo("custom_tool_call");
        assertThat(itemDone.getString("input")).isEqualTo(INPUT);
        assertThat(itemDone.getString("name")).isEqualTo("apply_patch");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude"})
    void theResponsesApisToolLoopWithTheWholeInput(String alias) {
        Response first = client.responses().create(respond(alias).build());
        ResponseCustomToolCall call = first.output().get(0).customToolCall().orElseThrow();
        Response second = client.responses().create(respond(alias).inputOfResponse(List.of(
                ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage.builder()
                        .role(com.openai.models.responses.EasyInputMessage.Role.USER).content("add hello.txt").build()),
                ResponseInputItem.ofCustomToolCall(call),
                ResponseInputItem.ofCustomToolCallOutput(ResponseCustomToolCallOutput.builder().callId(call.callId()).output("Done!").build())))
                .build());
        assertThat(text(second)).isEqualTo("The tool returned: Done!");
        if (alias.equals("claude")) {
            JsonObject use = gw.simulator.last().body().getJsonArray("messages").getJsonObject(1).getJsonArray("content").getJsonObject(0);
            assertThat(use.getString("type")).isEqualTo("tool_use");
            assertThat(use.getJsonObject("input").getString("input")).isEqualTo(INPUT);
        }
    }

    @Test
    void aConversationWithACustomToolGoesOnByPreviousResponseId() {
        Response first = client.responses().create(respond("claude").build());
        ResponseCustomToolCall call = first.output().get(0).customToolCall().orElseThrow();
        Response second = client.responses().create(respond("claude").previousResponseId(first.id()).inputOfResponse(List.of(
                ResponseInputItem.ofCustomToolCallOutput(ResponseCustomToolCallOutput.builder().callId(call.callId()).output("Done!").build())))
                .build());
        assertThat(text(second)).isEqualTo("The tool returned: Done!");
        // the stored call went back to Claude as the function call it was
        JsonArray sent = gw.simulator.last().body().getJsonArray("messages");
        assertThat(sent.getJsonObject(1).getJsonArray("content").getJsonObject(0).getJsonObject("input").getString("input")).isEqualTo(INPUT);
    }

    @Test
    void theResponsesApisGrammarIsTakenInItsOwnShape() {
        HttpResponse<String> r = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, """
                {"model":"claude","input":"hi","tools":[{"type":"custom","name":"word",
                 "format":{"type":"grammar","syntax":"regex","definition":"^[a-z]+$"}}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gw.simulator.last().body().getJsonArray("tools").getJsonObject(0).getString("description"))
                .isEqualTo("The input must match this regular expression:\n^[a-z]+$");
        // the Response object lists the tool as the client wrote it
        JsonObject echoed = new JsonObject(r.body()).getJsonArray("tools").getJsonObject(0);
        assertThat(echoed.getString("type")).isEqualTo("custom");
        assertThat(echoed.getJsonObject("format").getString("syntax")).isEqualTo("regex");

        HttpResponse<String> bad = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, """
                {"model":"claude","input":"hi","tools":[{"type":"custom","name":"word","format":{"type":"grammar","syntax":"pcre","definition":"x"}}]}""");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(bad.body()).getJsonObject("error").getString("param")).isEqualTo("tools[0].format.syntax");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"custom\",\"name\":\"apply_patch\"}",
            "{\"type\":\"function\",\"name\":\"apply_patch\",\"parameters\":{\"type\":\"object\",\"properties\":{\"input\":{\"type\":\"string\"}}}}"})
    void parallelCallsWhosePiecesInterleaveAreOneItemEach(String tool) {
        // an OpenAI-compatible server that streams two parallel calls' pieces alternately (the simulator's
        // parallel-interleaved-* models): each call is its own item, whole
        HttpResponse<String> r = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, """
                {"model":"interleaved","stream":true,"input":"add hello.txt","tools":[%s]}""".formatted(tool));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonObject> done = new ArrayList<>();
        java.util.Map<Integer, StringBuilder> deltas = new java.util.TreeMap<>();
        for (String data : Http.sseData(r.body())) {
            JsonObject e = new JsonObject(data);
            String type = e.getString("type");
            if (type.equals("response.output_item.done")) done.add(e.getJsonObject("item"));
            if (type.endsWith("_call_input.delta") || type.endsWith("_arguments.delta")) {
                deltas.computeIfAbsent(e.getInteger("output_index"), k -> new StringBuilder()).append(e.getString("delta"));
            }
        }
        boolean custom = tool.contains("custom");
        String whole = custom ? INPUT : new JsonObject().put("input", INPUT).encode();
        assertThat(done).as(r.body()).hasSize(2);
        for (JsonObject item : done) {
            assertThat(item.getString("type")).isEqualTo(custom ? "custom_tool_call" : "function_call");
            assertThat(item.getString("name")).isEqualTo("apply_patch");
            assertThat(item.getString(custom ? "input" : "arguments")).isEqualTo(whole);
        }
        assertThat(done.get(0).getString("call_id")).isNotEqualTo(done.get(1).getString("call_id"));
        assertThat(deltas.values()).extracting(StringBuilder::toString).containsExactly(whole, whole);
        JsonObject completed = new JsonObject(Http.sseData(r.body()).get(Http.sseData(r.body()).size() - 1));
        assertThat(completed.getJsonObject("response").getJsonArray("output")).hasSize(2);
    }

    @Test
    void aResponsesToolChoiceNamingNoOfferedToolIsAFourHundred() {
        for (String choice : new String[] {"{\"type\":\"custom\",\"name\":\"nope\"}", "{\"type\":\"function\",\"name\":\"nope\"}"}) {
            HttpResponse<String> r = Http.post(gw.v1() + "/responses", TestGateway.MASTER_KEY, """
                    {"model":"claude","input":"hi","tools":[{"type":"custom","name":"apply_patch"}],"tool_choice":%s}""".formatted(choice));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("param")).isEqualTo("tool_choice");
        }
    }
}
