package dev.switchboard.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.RedactedThinkingBlockParam;
import com.anthropic.models.messages.ThinkingBlock;
import com.anthropic.models.messages.ThinkingBlockParam;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import dev.switchboard.support.CannedGateway;
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

/**
 * Reasoning across dialects on the long tail, through a real socket: Mistral takes {@code reasoning_effort} only on its
 * models with adjustable reasoning and only as {@code none} or {@code high} (the simulator plays its 400s,
 * {@code /quirks/mistral}); Claude behind OpenRouter gives its signature in {@code reasoning_details}, which reaches an
 * Anthropic client (the official SDK) as its thinking block's signature, stream and not, and comes back to OpenRouter
 * from that client's next turn (the simulator plays OpenRouter serving Claude, {@code /quirks/openrouter}, with Claude's
 * 400 for a tool loop without its signed thinking).
 */
class ReasoningDialectIT {
    static CannedGateway env;
    static AnthropicClient anthropic;

    /** The simulator's Claude signature and thinking text ({@code AnthropicSim}). */
    private static final String SIGNATURE = "sig_sim_EqQBCgIYAhIM";
    private static final String THOUGHT = "Let me think about that.";
    /** Anthropic's test string for redacted thinking, which the simulated Claude answers with an encrypted block first. */
    private static final String REDACT = "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253";
    /** The simulator's redacted block data, and an OpenAI reasoning model's summary and encrypted content. */
    private static final String REDACTED = "EmwKAhgBEgy3sim_redacted";
    private static final String SUMMARY = "**Checking the question** I looked at what was asked.";
    private static final String OPENAI_ENCRYPTED = "gAAAAABsim_openai_encrypted";

    @BeforeAll
    static void start() {
        env = CannedGateway.start("""
                model_list:
                  - model_name: mistral-small
                    litellm_params: { model: mistral/mistral-small-latest, api_base: "${SIM_ROOT}/quirks/mistral/v1", api_key: sk-mi-test-9f8e7d6c }
                  - model_name: magistral
                    litellm_params: { model: mistral/magistral-medium-latest, api_base: "${SIM_ROOT}/quirks/mistral/v1", api_key: sk-mi-test-9f8e7d6c }
                  - model_name: mistral-large
                    litellm_params: { model: mistral/mistral-large-latest, api_base: "${SIM_ROOT}/quirks/mistral/v1", api_key: sk-mi-test-9f8e7d6c }
                  - model_name: or-claude
                    litellm_params: { model: openrouter/anthropic/claude-sonnet-4.5, api_base: "${SIM_ROOT}/quirks/openrouter/v1", api_key: sk-or-test-9f8e7d6c }
                  - model_name: or-claude-cached
                    litellm_params: { model: openrouter/anthropic/claude-sonnet-4.5, api_base: "${SIM_ROOT}/quirks/openrouter/v1", api_key: sk-or-test-9f8e7d6c, cache: true }
                  - model_name: or-gpt5
                    litellm_params: { model: openrouter/openai/gpt-5, api_base: "${SIM_ROOT}/quirks/openrouter/v1", api_key: sk-or-test-9f8e7d6c }
                  - model_name: or-canned
                    litellm_params: { model: openrouter/anthropic/claude-sonnet-4.5, api_base: "%1$s/v1", api_key: sk-or-test-9f8e7d6c }
                router_settings: { num_retries: 0, allowed_fails: 100000 }
                general_settings: { master_key: os.environ/MASTER_KEY }
                """);
        anthropic = AnthropicOkHttpClient.builder().baseUrl(env.gw().baseUrl()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() { env.close(); }

    private static JsonObject sent() { return env.gw().simulator.last().body(); }

    private static HttpResponse<String> responses(String body) {
        return Http.post(env.gw().v1() + "/responses", TestGateway.MASTER_KEY, body);
    }

    private static HttpResponse<String> chat(String body) {
        return Http.post(env.gw().v1() + "/chat/completions", TestGateway.MASTER_KEY, body);
    }

    // ---- Mistral's reasoning_effort --------------------------------------------------------------------------------

    /** A Responses client's effort reaches Mistral Small as one of Mistral's two values (medium was its 400). */
    @Test
    void anEffortReachesMistralSmallAsOneOfItsTwoValues() {
        HttpResponse<String> r = responses("{\"model\":\"mistral-small\",\"store\":false,\"reasoning\":{\"effort\":\"medium\"},\"input\":\"hi\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(sent().getString("reasoning_effort")).isEqualTo("high");

        HttpResponse<String> none = chat("{\"model\":\"mistral-small\",\"reasoning_effort\":\"none\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
        assertThat(sent().getString("reasoning_effort")).isEqualTo("none");
    }

    /** Magistral (it always reasons) and a model without reasoning get no effort: the call succeeds, not Mistral's 400. */
    @Test
    void magistralAndANonReasoningModelGetNoEffort() {
        HttpResponse<String> magistral = chat("{\"model\":\"magistral\",\"reasoning_effort\":\"high\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(magistral.statusCode()).as(magistral.body()).isEqualTo(200);
        assertThat(sent().containsKey("reasoning_effort")).isFalse();

        HttpResponse<String> large = responses("{\"model\":\"mistral-large\",\"store\":false,\"reasoning\":{\"effort\":\"low\"},\"input\":\"hi\"}");
        assertThat(large.statusCode()).as(large.body()).isEqualTo(200);
        assertThat(sent().containsKey("reasoning_effort")).isFalse();
    }

    /** Claude Code's thinking toggle on Mistral Small turns its reasoning on. */
    @Test
    void anAnthropicClientsThinkingIsMistralsHighEffort() {
        Message m = anthropic.messages().create(MessageCreateParams.builder().model("mistral-small").maxTokens(2048)
                .enabledThinking(1024).addUserMessage("hi").build());
        assertThat(m.content()).isNotEmpty();
        assertThat(sent().getString("reasoning_effort")).isEqualTo("high");
    }

    // ---- Claude behind OpenRouter: reasoning_details and an Anthropic client's thinking blocks ----------------------

    private static MessageCreateParams.Builder thinking() {
        return MessageCreateParams.builder().model("or-claude").maxTokens(2048).enabledThinking(1024)
                .addTool(ConformanceRequests.anthropicWeather());
    }

    /** The next turn of a tool loop: the answer's thinking blocks given back, then the tool_use and its result. */
    private static MessageCreateParams toolLoop(List<ContentBlockParam> thinkingBlocks) {
        List<ContentBlockParam> assistant = new ArrayList<>(thinkingBlocks);
        assistant.add(ContentBlockParam.ofToolUse(ToolUseBlockParam.builder().id("toolu_01A09q90qw90lq917835lq9").name("get_weather")
                .input(ToolUseBlockParam.Input.builder().putAdditionalProperty("location", JsonValue.from("Paris")).build()).build()));
        return thinking().addUserMessage("What is the weather in Paris?")
                .addAssistantMessageOfContentBlockParams(assistant)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId("toolu_01A09q90qw90lq917835lq9").content("18 degrees and sunny").build())))
                .build();
    }

    /**
     * The SDK's thinking block carries Claude's signature from OpenRouter's reasoning_details, and handed back in the tool
     * loop's next turn it reaches OpenRouter as reasoning_details, which Claude verifies (without it: Claude's 400).
     */
    @Test
    void anAnthropicClientKeepsClaudesSignatureThroughOpenRouter() {
        Message first = anthropic.messages().create(thinking().addUserMessage("What is the weather in Paris?").build());
        assertThat(sent().getJsonObject("reasoning").getInteger("max_tokens")).as("thinking on, as OpenRouter's reasoning").isEqualTo(1024);
        ThinkingBlock block = first.content().get(0).asThinking();
        assertThat(block.thinking()).isEqualTo(THOUGHT);
        assertThat(block.signature()).isEqualTo(SIGNATURE);

        Message next = anthropic.messages().create(toolLoop(List.of(ContentBlockParam.ofThinking(block.toParam()))));
        assertThat(next.content()).isNotEmpty();
        JsonObject detail = sent().getJsonArray("messages").getJsonObject(1).getJsonArray("reasoning_details").getJsonObject(0);
        assertThat(detail.getString("type")).isEqualTo("reasoning.text");
        assertThat(detail.getString("text")).isEqualTo(THOUGHT);
        assertThat(detail.getString("signature")).isEqualTo(SIGNATURE);
        assertThat(detail.getString("format")).isEqualTo("anthropic-claude-v1");
    }

    /** Streamed, OpenRouter's signature piece is the thinking block's signature_delta. */
    @Test
    void aStreamedThinkingBlockGetsClaudesSignatureThroughOpenRouter() {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(thinking().addUserMessage("hi").build())) {
            s.stream().forEach(acc::accumulate);
        }
        ContentBlock first = acc.message().content().get(0);
        assertThat(first.isThinking()).as(acc.message().toString()).isTrue();
        assertThat(first.asThinking().thinking()).isEqualTo(THOUGHT);
        assertThat(first.asThinking().signature()).isEqualTo(SIGNATURE);
    }

    /**
     * A streamed answer recorded by the exact cache keeps Claude's signature: OpenRouter's stream gives the text in
     * pieces, the signature in a piece of its own, then {@code "reasoning_details": []} on every content chunk, and the
     * recorder merges the pieces by index (it kept the last value, the {@code []}: a hit was unsigned thinking). The same
     * streamed request again is a hit, and the Anthropic client gets the signed thinking block, streamed and whole.
     */
    @Test
    void aCachedStreamKeepsClaudesSignatureForAnAnthropicClient() {
        MessageCreateParams params = MessageCreateParams.builder().model("or-claude-cached").maxTokens(2048).enabledThinking(1024)
                .addUserMessage("Cache this thought").build();
        List<ContentBlock> live = streamed(params);
        int calls = env.gw().simulator.received().size();
        assertThat(live.get(0).asThinking().signature()).as("live").isEqualTo(SIGNATURE);

        List<ContentBlock> hit = streamed(params);
        assertThat(env.gw().simulator.received()).as("the second stream is a cache hit").hasSize(calls);
        assertThat(hit.get(0).isThinking()).as(hit.toString()).isTrue();
        assertThat(hit.get(0).asThinking().thinking()).isEqualTo(THOUGHT);
        assertThat(hit.get(0).asThinking().signature()).isEqualTo(SIGNATURE);
        assertThat(hit).hasSize(live.size());

        Message whole = anthropic.messages().create(params);
        assertThat(env.gw().simulator.received()).as("a hit too").hasSize(calls);
        assertThat(whole.content().get(0).asThinking().thinking()).isEqualTo(THOUGHT);
        assertThat(whole.content().get(0).asThinking().signature()).isEqualTo(SIGNATURE);
    }

    private static List<ContentBlock> streamed(MessageCreateParams params) {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(params)) {
            s.stream().forEach(acc::accumulate);
        }
        return acc.message().content();
    }

    // ---- Claude behind OpenRouter for a Responses client: reasoning_details in the reasoning item ---------------------

    /** A stateless Responses request to Claude behind OpenRouter with reasoning on, the encrypted content asked for. */
    private static JsonObject responsesThinking(JsonArray input, boolean stream) {
        return new JsonObject().put("model", "or-claude").put("store", false).put("stream", stream)
                .put("reasoning", new JsonObject().put("effort", "low")).put("include", new JsonArray().add("reasoning.encrypted_content"))
                .put("input", input).put("tools", new JsonArray().add(new JsonObject().put("type", "function").put("name", "get_weather")
                        .put("parameters", new JsonObject().put("type", "object").put("properties", new JsonObject()
                                .put("location", new JsonObject().put("type", "string"))))));
    }

    /**
     * The reasoning item handed back in a tool loop's next turn reaches OpenRouter as the assistant turn's
     * reasoning_details, signed (without the signature: Claude's 400, which the simulator plays).
     */
    private static void handBack(JsonObject reasoningItem) {
        JsonArray input = new JsonArray().add(new JsonObject().put("role", "user").put("content", "What is the weather in Paris?"))
                .add(reasoningItem)
                .add(new JsonObject().put("type", "function_call").put("call_id", "call_wx1").put("name", "get_weather")
                        .put("arguments", "{\"location\":\"Paris\"}"))
                .add(new JsonObject().put("type", "function_call_output").put("call_id", "call_wx1").put("output", "18 degrees and sunny"));
        HttpResponse<String> next = responses(responsesThinking(input, false).encode());
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        JsonObject detail = sent().getJsonArray("messages").getJsonObject(1).getJsonArray("reasoning_details").getJsonObject(0);
        assertThat(detail.getString("type")).isEqualTo("reasoning.text");
        assertThat(detail.getString("text")).isEqualTo(THOUGHT);
        assertThat(detail.getString("signature")).isEqualTo(SIGNATURE);
    }

    /**
     * A Responses client gets Claude's signature from OpenRouter's reasoning_details in its reasoning item's
     * encrypted_content, as it does from Claude's own thinking blocks: the edge read only thinking_blocks, so the item
     * was unsigned and the tool loop's next turn could not give Claude its signature back.
     */
    @Test
    void aResponsesClientKeepsClaudesSignatureThroughOpenRouter() {
        JsonArray ask = new JsonArray().add(new JsonObject().put("role", "user").put("content", "What is the weather in Paris?"));
        HttpResponse<String> first = responses(responsesThinking(ask, false).encode());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(sent().getString("reasoning_effort")).as("thinking on at OpenRouter").isEqualTo("low");
        JsonObject reasoning = new JsonObject(first.body()).getJsonArray("output").getJsonObject(0);
        assertThat(reasoning.getString("type")).isEqualTo("reasoning");
        assertThat(reasoning.getJsonArray("summary").getJsonObject(0).getString("text")).isEqualTo(THOUGHT);
        assertThat(reasoning.getString("encrypted_content")).as(first.body()).isNotEmpty();
        handBack(reasoning);
    }

    /** Streamed: the signature piece (text in pieces before it, then [] on every content chunk) signs the item. */
    @Test
    void aStreamedResponsesReasoningItemGetsClaudesSignatureThroughOpenRouter() {
        JsonArray ask = new JsonArray().add(new JsonObject().put("role", "user").put("content", "What is the weather in Paris?"));
        HttpResponse<String> first = responses(responsesThinking(ask, true).encode());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonObject reasoning = null;
        StringBuilder summary = new StringBuilder();
        for (String data : Http.sseData(first.body())) {
            if (!data.startsWith("{")) continue;
            JsonObject e = new JsonObject(data);
            if ("response.reasoning_summary_text.delta".equals(e.getString("type"))) summary.append(e.getString("delta"));
            if ("response.output_item.done".equals(e.getString("type")) && "reasoning".equals(e.getJsonObject("item").getString("type"))) {
                reasoning = e.getJsonObject("item");
            }
        }
        assertThat(summary.toString()).isEqualTo(THOUGHT);
        assertThat(reasoning).as(first.body()).isNotNull();
        assertThat(reasoning.getString("encrypted_content")).as(first.body()).isNotEmpty();
        handBack(reasoning);
    }

    /**
     * OpenRouter refuses a top-level reasoning_effort beside a reasoning object that says otherwise (the simulator plays
     * its 400, relayed to the client who sent both); the same two in agreement, or either alone, are served.
     */
    @Test
    void openRouterRefusesAnEffortThatContradictsItsReasoningObject() {
        String ask = ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (String both : List.of("\"reasoning_effort\":\"high\",\"reasoning\":{\"enabled\":false}",
                "\"reasoning_effort\":\"high\",\"reasoning\":{\"effort\":\"none\"}",
                "\"reasoning_effort\":\"none\",\"reasoning\":{\"max_tokens\":1024}",
                "\"reasoning_effort\":\"low\",\"reasoning\":{\"effort\":\"high\"}")) {
            HttpResponse<String> r = chat("{\"model\":\"or-claude\"," + both + ask);
            assertThat(r.statusCode()).as(both + ": " + r.body()).isEqualTo(400);
        }
        for (String agreed : List.of("\"reasoning_effort\":\"low\",\"reasoning\":{\"effort\":\"low\"}",
                "\"reasoning_effort\":\"none\",\"reasoning\":{\"enabled\":false}", "\"reasoning_effort\":\"high\"",
                "\"reasoning\":{\"enabled\":false}")) {
            HttpResponse<String> r = chat("{\"model\":\"or-claude\"," + agreed + ask);
            assertThat(r.statusCode()).as(agreed + ": " + r.body()).isEqualTo(200);
        }
    }

    /**
     * A stream whose last piece of thinking text comes with the signature (OpenRouter may send them together): the
     * signed block is the whole thinking, not that piece's text (a block cut short is Claude's 400 when handed back).
     */
    @Test
    void aSignatureThatSharesItsPieceWithTextSignsTheWholeThinking() {
        String head = "data: {\"id\":\"gen-3\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"anthropic/claude-sonnet-4.5\",";
        String first = "Let me think ";
        String last = THOUGHT.substring(first.length());
        String tag = env.up().sse(head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"" + first
                + "\",\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"" + first + "\",\"format\":\"anthropic-claude-v1\",\"index\":0}]},"
                + "\"finish_reason\":null}]}\n\n"
                + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"" + last
                + "\",\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"" + last + "\",\"signature\":\"" + SIGNATURE
                + "\",\"format\":\"anthropic-claude-v1\",\"index\":0}]},\"finish_reason\":null}]}\n\n"
                + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Sunny.\",\"reasoning\":null,\"reasoning_details\":[]},\"finish_reason\":null}]}\n\n"
                + head + "\"choices\":[{\"index\":0,\"delta\":{\"reasoning_details\":[]},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}\n\ndata: [DONE]\n\n");
        JsonObject body = responsesThinking(new JsonArray().add(new JsonObject().put("role", "user").put("content", tag)), true)
                .put("model", "or-canned");
        HttpResponse<String> streamed = responses(body.encode());
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
        JsonObject reasoning = null;
        for (String data : Http.sseData(streamed.body())) {
            if (!data.startsWith("{")) continue;
            JsonObject e = new JsonObject(data);
            if ("response.output_item.done".equals(e.getString("type")) && "reasoning".equals(e.getJsonObject("item").getString("type"))) {
                reasoning = e.getJsonObject("item");
            }
        }
        assertThat(reasoning).as(streamed.body()).isNotNull();
        assertThat(reasoning.getJsonArray("summary").getJsonObject(0).getString("text")).isEqualTo(THOUGHT);
        handBack(reasoning);
    }

    /**
     * Claude's redacted thinking behind OpenRouter ({@code reasoning.encrypted}) is a redacted_thinking block for an
     * Anthropic client, and goes back as reasoning.encrypted; an OpenAI client gets reasoning_details as OpenRouter sent them.
     */
    @Test
    void redactedThinkingBehindOpenRouterIsARedactedBlock() {
        String details = "[{\"type\":\"reasoning.text\",\"text\":\"Weather needs the tool.\",\"signature\":\"EqIFsig\","
                + "\"format\":\"anthropic-claude-v1\",\"index\":0},{\"type\":\"reasoning.encrypted\",\"data\":\"EmwKAhgBEgy3va\","
                + "\"format\":\"anthropic-claude-v1\",\"index\":1}]";
        String tag = env.up().json(200, "{\"id\":\"gen-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"anthropic/claude-sonnet-4.5\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Sunny.\",\"reasoning\":\"Weather needs the tool.\","
                + "\"reasoning_details\":" + details + "},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}");
        Message m = anthropic.messages().create(MessageCreateParams.builder().model("or-canned").maxTokens(200).addUserMessage(tag).build());
        assertThat(m.content().get(0).asThinking().signature()).isEqualTo("EqIFsig");
        assertThat(m.content().get(1).asRedactedThinking().data()).isEqualTo("EmwKAhgBEgy3va");
        assertThat(m.content().get(2).asText().text()).isEqualTo("Sunny.");

        JsonObject openai = new JsonObject(chat("{\"model\":\"or-canned\",\"messages\":[{\"role\":\"user\",\"content\":\"" + tag + "\"}]}").body())
                .getJsonArray("choices").getJsonObject(0).getJsonObject("message");
        assertThat(openai.getJsonArray("reasoning_details")).isEqualTo(new JsonArray(details));
        assertThat(openai.containsKey("thinking_blocks")).isFalse();

        Message next = anthropic.messages().create(toolLoop(List.of(
                ContentBlockParam.ofThinking(ThinkingBlockParam.builder().thinking(THOUGHT).signature(SIGNATURE).build()),
                ContentBlockParam.ofRedactedThinking(RedactedThinkingBlockParam.builder().data("EmwKAhgBEgy3va").build()))));
        assertThat(next.content()).isNotEmpty();
        JsonArray sentDetails = sent().getJsonArray("messages").getJsonObject(1).getJsonArray("reasoning_details");
        assertThat(sentDetails.getJsonObject(1).getString("type")).isEqualTo("reasoning.encrypted");
        assertThat(sentDetails.getJsonObject(1).getString("data")).isEqualTo("EmwKAhgBEgy3va");
        assertThat(sentDetails.getJsonObject(1).getInteger("index")).isEqualTo(1);
    }

    // ---- Claude behind OpenRouter, several blocks (thirty-first session) ------------------------------------------

    /** The blocks an Anthropic client (the official SDK) gets, streamed (accumulated from the events) or whole. */
    private static List<ContentBlock> blocks(MessageCreateParams params, boolean stream) {
        return stream ? streamed(params) : anthropic.messages().create(params).content();
    }

    /**
     * Redacted thinking and a signed block from the simulator's OpenRouter (Claude, Anthropic's test string in the
     * prompt): streamed, both come in ONE piece with the plain reasoning beside them. The SDK sees a redacted_thinking
     * block, then a thinking block with the whole text once and its signature, then the tool call, stream and whole;
     * handed back, the simulator's Claude verifies each signature against its block's own text. Before, the stream gave
     * an unsigned thinking block with the text, the redacted block, and the text again, signed.
     */
    @Test
    void redactedAndSignedBlocksInOneStreamedPieceReachTheSdkInOrder() {
        for (boolean stream : new boolean[] {true, false}) {
            List<ContentBlock> content = blocks(thinking().addUserMessage("What is the weather in Paris? " + REDACT).build(), stream);
            assertThat(content).as("stream %s: %s", stream, content).hasSize(3);
            assertThat(content.get(0).asRedactedThinking().data()).isEqualTo(REDACTED);
            assertThat(content.get(1).asThinking().thinking()).isEqualTo(THOUGHT);
            assertThat(content.get(1).asThinking().signature()).isEqualTo(SIGNATURE);
            assertThat(content.get(2).isToolUse()).isTrue();

            Message next = anthropic.messages().create(toolLoop(List.of(
                    ContentBlockParam.ofRedactedThinking(content.get(0).asRedactedThinking().toParam()),
                    ContentBlockParam.ofThinking(content.get(1).asThinking().toParam()))));
            assertThat(next.content()).isNotEmpty();
            JsonArray back = sent().getJsonArray("messages").getJsonObject(1).getJsonArray("reasoning_details");
            assertThat(back.getJsonObject(0).getString("data")).isEqualTo(REDACTED);
            assertThat(back.getJsonObject(1).getString("text")).isEqualTo(THOUGHT);
        }
    }

    /** The same answer recorded by the exact cache and replayed: the hit's blocks are the live ones. */
    @Test
    void aCachedAnswerOfRedactedAndSignedBlocksReplaysBothBlocks() {
        MessageCreateParams params = MessageCreateParams.builder().model("or-claude-cached").maxTokens(2048).enabledThinking(1024)
                .addUserMessage("Cache this redacted thought " + REDACT).build();
        List<ContentBlock> live = streamed(params);
        int calls = env.gw().simulator.received().size();
        List<ContentBlock> hit = streamed(params);
        assertThat(env.gw().simulator.received()).as("a cache hit").hasSize(calls);
        for (List<ContentBlock> content : List.of(live, hit)) {
            assertThat(content).as(content.toString()).hasSize(3);
            assertThat(content.get(0).asRedactedThinking().data()).isEqualTo(REDACTED);
            assertThat(content.get(1).asThinking().thinking()).isEqualTo(THOUGHT);
            assertThat(content.get(1).asThinking().signature()).isEqualTo(SIGNATURE);
            assertThat(content.get(2).isText()).isTrue();
        }
    }

    /**
     * An OpenAI reasoning model behind OpenRouter: its details (a summary, OpenAI's encrypted content, format
     * openai-responses-v1) are not Claude's, so an Anthropic client gets its reasoning as one unsigned thinking block
     * (empty signature, as from any translated provider), never a redacted_thinking block or a signature made of
     * OpenAI's data; an OpenAI-dialect client gets OpenRouter's details as they were sent.
     */
    @Test
    void anOpenAiReasonerBehindOpenRouterIsNotMadeIntoClaudesBlocks() {
        for (boolean stream : new boolean[] {true, false}) {
            List<ContentBlock> content = blocks(MessageCreateParams.builder().model("or-gpt5").maxTokens(2048).enabledThinking(1024)
                    .addUserMessage("hi").build(), stream);
            assertThat(sent().containsKey("reasoning")).as("thinking on at OpenRouter").isTrue();
            assertThat(content).as("stream %s: %s", stream, content).hasSize(2);
            assertThat(content.get(0).asThinking().thinking()).isEqualTo(SUMMARY);
            assertThat(content.get(0).asThinking().signature()).isEmpty();
            assertThat(content.get(1).isText()).isTrue();
            assertThat(content.toString()).doesNotContain(OPENAI_ENCRYPTED);
        }
        JsonObject openai = new JsonObject(chat("{\"model\":\"or-gpt5\",\"reasoning_effort\":\"low\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message");
        assertThat(openai.getJsonArray("reasoning_details").getJsonObject(1).getString("data")).isEqualTo(OPENAI_ENCRYPTED);
        assertThat(openai.getJsonArray("reasoning_details").getJsonObject(1).getString("format")).isEqualTo("openai-responses-v1");
        assertThat(openai.containsKey("thinking_blocks")).isFalse();
    }

    /**
     * Two blocks whose pieces interleave by index, the second's signature in the same piece as the answer's first text
     * (a canned OpenRouter stream): the SDK sees block 0 with its whole text and signature, block 1 with its own, then
     * the text. Before, every text went into block 0. Handed back in a tool loop's next turn (to the simulator's
     * OpenRouter, whose Claude verifies each signature against its block's own text: block 1's canned signature is the
     * simulator's for "Second. ", {@code ProviderSimulator.claudeSignatureOf}), both blocks reach OpenRouter in index order, each
     * with its own text and signature, from the Anthropic SDK and from the Responses SDK (its two reasoning items).
     */
    @Test
    void interleavedDetailIndexesAndASignatureBesideTextReachTheSdkAsTwoBlocks() {
        String head = "data: {\"id\":\"gen-4\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"anthropic/claude-sonnet-4.5\",";
        String fmt = ",\"format\":\"anthropic-claude-v1\"";
        String tag = env.up().sse(head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"Let me think \","
                + "\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"Let me think \"" + fmt + ",\"index\":0}]},\"finish_reason\":null}]}\n\n"
                + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\",\"reasoning\":\"Second. \","
                + "\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"Second. \"" + fmt + ",\"index\":1}]},\"finish_reason\":null}]}\n\n"
                + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\",\"reasoning\":\"about that.\",\"reasoning_details\":[{\"type\":\"reasoning.text\","
                + "\"text\":\"about that.\",\"signature\":\"" + SIGNATURE + "\"" + fmt + ",\"index\":0}]},\"finish_reason\":null}]}\n\n"
                + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Sunny.\",\"reasoning\":null,\"reasoning_details\":[{\"type\":\"reasoning.text\","
                + "\"signature\":\"" + SECOND_SIGNATURE + "\"" + fmt + ",\"index\":1}]},\"finish_reason\":null}]}\n\n"
                + head + "\"choices\":[{\"index\":0,\"delta\":{\"reasoning_details\":[]},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}\n\ndata: [DONE]\n\n");
        List<ContentBlock> content = streamed(MessageCreateParams.builder().model("or-canned").maxTokens(200).addUserMessage(tag).build());
        assertThat(content).as(content.toString()).hasSize(3);
        assertThat(content.get(0).asThinking().thinking()).isEqualTo(THOUGHT);
        assertThat(content.get(0).asThinking().signature()).isEqualTo(SIGNATURE);
        assertThat(content.get(1).asThinking().thinking()).isEqualTo("Second. ");
        assertThat(content.get(1).asThinking().signature()).isEqualTo(SECOND_SIGNATURE);
        assertThat(content.get(2).asText().text()).isEqualTo("Sunny.");

        Message next = anthropic.messages().create(toolLoop(List.of(ContentBlockParam.ofThinking(content.get(0).asThinking().toParam()),
                ContentBlockParam.ofThinking(content.get(1).asThinking().toParam()))));
        assertThat(next.content()).as("the simulator's Claude verified both signatures").isNotEmpty();
        assertHandedBackInIndexOrder();

        // the Responses SDK's items, streamed from the same canned answer, handed back the same way
        com.openai.client.OpenAIClient openai = com.openai.client.okhttp.OpenAIOkHttpClient.builder().baseUrl(env.gw().v1())
                .apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
        List<com.openai.models.responses.ResponseOutputItem> output = new ArrayList<>();
        try (com.openai.core.http.StreamResponse<com.openai.models.responses.ResponseStreamEvent> s = openai.responses().createStreaming(
                com.openai.models.responses.ResponseCreateParams.builder().model("or-canned").store(false).input(tag)
                        .addInclude(com.openai.models.responses.ResponseIncludable.REASONING_ENCRYPTED_CONTENT).build())) {
            s.stream().forEach(e -> e.outputItemDone().ifPresent(d -> output.add(d.item())));
        }
        assertThat(output).as(output.toString()).hasSize(3);
        assertThat(output.get(0).asReasoning().summary().get(0).text()).isEqualTo(THOUGHT);
        assertThat(output.get(1).asReasoning().summary().get(0).text()).isEqualTo("Second. ");
        com.openai.models.responses.FunctionTool weather = com.openai.models.responses.FunctionTool.builder().name("get_weather")
                .strict(false).parameters(com.openai.models.responses.FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", com.openai.core.JsonValue.from("object")).build()).build();
        com.openai.models.responses.Response after = openai.responses().create(com.openai.models.responses.ResponseCreateParams.builder()
                .model("or-claude").store(false)
                .reasoning(com.openai.models.Reasoning.builder().effort(com.openai.models.ReasoningEffort.LOW).build())
                .inputOfResponse(List.of(
                        com.openai.models.responses.ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage.builder()
                                .role(com.openai.models.responses.EasyInputMessage.Role.USER).content("What is the weather in Paris?").build()),
                        com.openai.models.responses.ResponseInputItem.ofReasoning(output.get(0).asReasoning()),
                        com.openai.models.responses.ResponseInputItem.ofReasoning(output.get(1).asReasoning()),
                        com.openai.models.responses.ResponseInputItem.ofFunctionCall(com.openai.models.responses.ResponseFunctionToolCall.builder()
                                .callId("call_wx1").name("get_weather").arguments("{\"location\":\"Paris\"}").build()),
                        com.openai.models.responses.ResponseInputItem.ofFunctionCallOutput(com.openai.models.responses.ResponseInputItem
                                .FunctionCallOutput.builder().callId("call_wx1").output("18 degrees and sunny").build())))
                .addTool(weather).build());
        assertThat(after.output()).as("the simulator's Claude verified both signatures").isNotEmpty();
        assertHandedBackInIndexOrder();
    }

    /** The simulator's Claude's signature for the canned second block's text, which it verifies when handed back. */
    private static final String SECOND_SIGNATURE = dev.switchboard.simulator.ProviderSimulator.claudeSignatureOf("Second. ");

    /** The last turn's two blocks reached OpenRouter as reasoning_details in index order, each with its own text and signature. */
    private static void assertHandedBackInIndexOrder() {
        JsonArray back = sent().getJsonArray("messages").getJsonObject(1).getJsonArray("reasoning_details");
        assertThat(back.size()).as(back.encode()).isEqualTo(2);
        assertThat(back.getJsonObject(0).getInteger("index")).isZero();
        assertThat(back.getJsonObject(0).getString("text")).isEqualTo(THOUGHT);
        assertThat(back.getJsonObject(0).getString("signature")).isEqualTo(SIGNATURE);
        assertThat(back.getJsonObject(1).getInteger("index")).isEqualTo(1);
        assertThat(back.getJsonObject(1).getString("text")).isEqualTo("Second. ");
        assertThat(back.getJsonObject(1).getString("signature")).isEqualTo(SECOND_SIGNATURE);
    }

    /**
     * A Responses client through the official OpenAI Java SDK, on Claude behind OpenRouter with redacted thinking (the
     * simulator's encrypted block, then the signed text, streamed in one piece with the plain reasoning beside them):
     * one reasoning item per Claude block, the redacted one with no summary, the signed one with its own text once, each
     * with its block in encrypted_content, stream and whole; handed back, both reach OpenRouter in order and the
     * simulator's Claude verifies the signature against its block's text. Before, one item held both blocks and the
     * stream's summary gave the text for the redacted block's place.
     */
    @Test
    void aResponsesSdkClientGetsAReasoningItemPerClaudeBlock() {
        com.openai.client.OpenAIClient openai = com.openai.client.okhttp.OpenAIOkHttpClient.builder().baseUrl(env.gw().v1())
                .apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
        com.openai.models.responses.FunctionTool weather = com.openai.models.responses.FunctionTool.builder().name("get_weather")
                .strict(false).parameters(com.openai.models.responses.FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", com.openai.core.JsonValue.from("object")).build()).build();
        for (boolean stream : new boolean[] {true, false}) {
            com.openai.models.responses.ResponseCreateParams params = com.openai.models.responses.ResponseCreateParams.builder()
                    .model("or-claude").store(false).input("What is the weather in Paris? " + REDACT)
                    .reasoning(com.openai.models.Reasoning.builder().effort(com.openai.models.ReasoningEffort.LOW).build())
                    .addInclude(com.openai.models.responses.ResponseIncludable.REASONING_ENCRYPTED_CONTENT).addTool(weather).build();
            List<com.openai.models.responses.ResponseOutputItem> output = new ArrayList<>();
            if (stream) {
                try (com.openai.core.http.StreamResponse<com.openai.models.responses.ResponseStreamEvent> s =
                             openai.responses().createStreaming(params)) {
                    s.stream().forEach(e -> e.outputItemDone().ifPresent(d -> output.add(d.item())));
                }
            } else {
                output.addAll(openai.responses().create(params).output());
            }
            assertThat(output).as("stream %s: %s", stream, output).hasSize(3);
            var redacted = output.get(0).asReasoning();
            var thought = output.get(1).asReasoning();
            assertThat(redacted.summary()).as("stream %s", stream).isEmpty();
            assertThat(redacted.encryptedContent()).isPresent();
            assertThat(thought.summary()).hasSize(1);
            assertThat(thought.summary().get(0).text()).isEqualTo(THOUGHT);
            assertThat(thought.encryptedContent()).isPresent();
            assertThat(thought.encryptedContent()).isNotEqualTo(redacted.encryptedContent());
            var call = output.get(2).asFunctionCall();

            com.openai.models.responses.Response next = openai.responses().create(com.openai.models.responses.ResponseCreateParams.builder()
                    .model("or-claude").store(false)
                    .reasoning(com.openai.models.Reasoning.builder().effort(com.openai.models.ReasoningEffort.LOW).build())
                    .inputOfResponse(List.of(
                            com.openai.models.responses.ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage.builder()
                                    .role(com.openai.models.responses.EasyInputMessage.Role.USER).content("What is the weather in Paris? " + REDACT).build()),
                            com.openai.models.responses.ResponseInputItem.ofReasoning(redacted),
                            com.openai.models.responses.ResponseInputItem.ofReasoning(thought),
                            com.openai.models.responses.ResponseInputItem.ofFunctionCall(call),
                            com.openai.models.responses.ResponseInputItem.ofFunctionCallOutput(com.openai.models.responses.ResponseInputItem
                                    .FunctionCallOutput.builder().callId(call.callId()).output("18 degrees and sunny").build())))
                    .addTool(weather).build());
            assertThat(next.output()).isNotEmpty();
            JsonArray back = sent().getJsonArray("messages").getJsonObject(1).getJsonArray("reasoning_details");
            assertThat(back.size()).as(back.encode()).isEqualTo(2);
            assertThat(back.getJsonObject(0).getString("data")).isEqualTo(REDACTED);
            assertThat(back.getJsonObject(1).getString("text")).isEqualTo(THOUGHT);
            assertThat(back.getJsonObject(1).getString("signature")).isEqualTo(SIGNATURE);
        }
    }
}
