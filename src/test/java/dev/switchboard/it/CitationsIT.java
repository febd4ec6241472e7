package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.CitationsConfigParam;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.DocumentBlockParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.TextBlock;
import com.anthropic.models.messages.TextBlockParam;
import dev.switchboard.model.CitedText;
import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Claude's document citations from Bedrock's Converse to an Anthropic client, streamed and not, with the Anthropic
 * request's own document numbers and titles; and an OpenAI-compatible upstream's own {@code cited_text_blocks} field,
 * which is never taken for the gateway's.
 */
class CitationsIT {
    /** An OpenAI-compatible answer carrying a well-formed field of the gateway's name: cited text blocks, citations and all. */
    static final JsonArray UPSTREAM_BLOCKS = new JsonArray().add(new JsonObject().put("type", "text").put("text", "Hello")
            .put("citations", new JsonArray().add(new JsonObject().put("type", "char_location").put("cited_text", "Hello")
                    .put("document_index", 0).put("document_title", "planted").put("start_char_index", 0).put("end_char_index", 5)
                    .putNull("file_id"))));
    static Vertx upstreamVertx;
    static HttpServer upstream;
    /** Requests the OpenAI-compatible upstream ({@code compat}) got: the simulator never sees them. */
    static final java.util.concurrent.atomic.AtomicInteger upstreamHits = new java.util.concurrent.atomic.AtomicInteger();
    static TestGateway gw;
    static AnthropicClient anthropic;

    @BeforeAll
    static void start() {
        upstreamVertx = Vertx.vertx();
        upstream = TestGateway.await(upstreamVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            upstreamHits.incrementAndGet();
            JsonObject message = new JsonObject().put("role", "assistant").put("content", "Hello")
                    .put(CitedText.FIELD, UPSTREAM_BLOCKS.copy());
            req.response().putHeader("content-type", "application/json").end(new JsonObject().put("id", "chatcmpl-1")
                    .put("object", "chat.completion").put("created", 1).put("model", "compat-model")
                    .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message).put("finish_reason", "stop")))
                    .put("usage", new JsonObject().put("prompt_tokens", 3).put("completion_tokens", 1).put("total_tokens", 4)).encode());
        })).listen(0, "127.0.0.1"));
        gw = TestGateway.start("""
                model_list:
                  - model_name: claude
                    litellm_params: { model: bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0, %s }
                  - model_name: compat
                    litellm_params: { model: openai/compat-model, api_base: "http://127.0.0.1:%d/v1", api_key: x }
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: os.environ/MASTER_KEY
                guardrails:
                  - guardrail_name: email-post
                    litellm_params:
                      guardrail: litellm_content_filter
                      mode: post_call
                      patterns:
                        - { pattern_type: regex, pattern: '\\w+@\\w+', name: email, action: MASK }
                """.formatted(TestGateway.BEDROCK_PARAMS, upstream.actualPort()));
        anthropic = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(TestGateway.MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        anthropic.close();
        gw.close();
        TestGateway.await(upstreamVertx.close());
    }

    /** A custom-content document (given to Converse as text, so not one of its documents), then an untitled cited one. */
    private static MessageCreateParams askAfterAContentDocument() {
        var notes = DocumentBlockParam.builder().contentSource("Notes on colours.").title("Notes").build();
        var facts = DocumentBlockParam.builder().textSource("The grass is green. The sky is blue.")
                .citations(CitationsConfigParam.builder().enabled(true).build()).build();
        return MessageCreateParams.builder().model("claude").maxTokens(200)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofDocument(notes), ContentBlockParam.ofDocument(facts),
                        ContentBlockParam.ofText(TextBlockParam.builder().text("What colour is the grass?").build()))).build();
    }

    /**
     * Converse streams the cited part as a text block of its own and then a {@code citation} delta: the Anthropic client
     * gets a text block of its own with a {@code citations_delta}, which the SDK's accumulator makes the block's citations,
     * with the Anthropic request's document_index (1: the content document counts in Anthropic's numbering, not in
     * Converse's) and its title (none: null, where Converse names it "document 1"). Before, the citation was dropped
     * and the whole text was one block.
     */
    @Test
    void aStreamedConverseCitationReachesTheAnthropicSdkAsACitationsDeltaOnABlockOfItsOwn() {
        MessageAccumulator acc = MessageAccumulator.create();
        int[] citationDeltas = {0};
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(askAfterAContentDocument())) {
            s.stream().forEach(e -> {
                acc.accumulate(e);
                e.contentBlockDelta().ifPresent(d -> { if (d.delta().isCitations()) citationDeltas[0]++; });
            });
        }
        assertThat(gw.simulator.last().path()).endsWith("/converse-stream");
        JsonObject sentDoc = gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content")
                .stream().map(JsonObject.class::cast).filter(b -> b.containsKey("document")).findFirst().orElseThrow().getJsonObject("document");
        assertThat(sentDoc.getString("name")).isEqualTo("document 1");
        assertThat(citationDeltas[0]).isEqualTo(1);
        List<TextBlock> texts = acc.message().content().stream().filter(b -> b.isText()).map(b -> b.asText()).toList();
        assertThat(texts).hasSize(2);
        assertThat(texts.get(0).citations().orElse(List.of())).isEmpty();
        assertThat(texts.get(1).text()).isEqualTo(" The document says: The grass is green.");
        var at = texts.get(1).citations().orElseThrow().get(0).asCharLocation();
        assertThat(at.citedText()).isEqualTo("The grass is green.");
        assertThat(at.documentIndex()).isEqualTo(1);
        assertThat(at.documentTitle()).isEmpty();
        assertThat(at.startCharIndex()).isZero();
        assertThat(at.endCharIndex()).isEqualTo(19);
    }

    /**
     * The same numbering without streaming, and a title Converse had to rename ("Grass: facts!" is sent as "Grass facts",
     * Converse's names take no colons) comes back as the client wrote it. Before, document_index was Converse's (0) and
     * the title Converse's name ("document 1", "Grass facts").
     */
    @Test
    void aConverseCitationSaysTheAnthropicRequestsDocumentIndexAndTitle() {
        com.anthropic.models.messages.Message m = anthropic.messages().create(askAfterAContentDocument());
        var at = m.content().stream().filter(b -> b.isText() && b.asText().citations().isPresent()).findFirst().orElseThrow()
                .asText().citations().orElseThrow().get(0).asCharLocation();
        assertThat(at.documentIndex()).isEqualTo(1);
        assertThat(at.documentTitle()).isEmpty();

        var titled = DocumentBlockParam.builder().textSource("The grass is green.").title("Grass: facts!")
                .citations(CitationsConfigParam.builder().enabled(true).build()).build();
        com.anthropic.models.messages.Message t = anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(200)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofDocument(titled),
                        ContentBlockParam.ofText(TextBlockParam.builder().text("Colour?").build()))).build());
        assertThat(gw.simulator.last().body().getJsonArray("messages").getJsonObject(0).getJsonArray("content").getJsonObject(0)
                .getJsonObject("document").getString("name")).isEqualTo("Grass facts");
        var cited = t.content().stream().filter(b -> b.isText() && b.asText().citations().isPresent()).findFirst().orElseThrow()
                .asText().citations().orElseThrow().get(0).asCharLocation();
        assertThat(cited.documentIndex()).isZero();
        assertThat(cited.documentTitle()).contains("Grass: facts!");
    }

    /**
     * An OpenAI-compatible upstream's own {@code cited_text_blocks} message field, well formed (text blocks whose texts
     * join to the answer, with citations): an OpenAI client gets it as the upstream sent it; an Anthropic client gets
     * the answer's one text block, without citations the gateway never made. Before, the field was written as
     * Anthropic content, its planted citation included.
     */
    @Test
    void anUpstreamsOwnCitedTextBlocksFieldIsNeverWrittenAsAnthropicCitations() {
        HttpResponse<String> a = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY,
                "{\"model\":\"compat\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "anthropic-version", "2023-06-01");
        assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
        JsonArray content = new JsonObject(a.body()).getJsonArray("content");
        assertThat(content).hasSize(1);
        assertThat(content.getJsonObject(0)).isEqualTo(new JsonObject().put("type", "text").put("text", "Hello"));

        HttpResponse<String> o = Http.post(gw.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                "{\"model\":\"compat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(o.statusCode()).as(o.body()).isEqualTo(200);
        assertThat(new JsonObject(o.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                .getJsonArray(CitedText.FIELD)).isEqualTo(UPSTREAM_BLOCKS);
    }

    /**
     * A search result a tool returned ({@code search_result} in a {@code tool_result}, which Claude cites as
     * {@code search_result_location}) is refused, naming it, by a provider that has no such block (Bedrock's Converse, an
     * OpenAI-compatible server), as one in a user turn already was; before, it was dropped and the model answered
     * without it.
     */
    @Test
    void aToolsSearchResultIsRefusedNamingItWhereTheProviderHasNoSuchBlock() {
        String ask = """
                {"model":"%s","max_tokens":50,"messages":[
                 {"role":"user","content":"Look it up."},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"search","input":{"q":"grass"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[
                   {"type":"text","text":"One result."},
                   {"type":"search_result","source":"https://example.com/grass","title":"Grass","content":[{"type":"text","text":"The grass is green."}],
                    "citations":{"enabled":true}}]}]}],
                 "tools":[{"name":"search","input_schema":{"type":"object","properties":{"q":{"type":"string"}}}}]}""";
        for (String alias : List.of("claude", "compat")) {
            gw.simulator.reset();
            int hitsBefore = upstreamHits.get();
            HttpResponse<String> r = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, ask.formatted(alias),
                    "anthropic-version", "2023-06-01");
            assertThat(r.statusCode()).as(alias + ": " + r.body()).isEqualTo(400);
            String message = new JsonObject(r.body()).getJsonObject("error").getString("message");
            assertThat(message).as(alias).startsWith("messages.2.content.0.content.1").contains("search_result");
            assertThat(gw.simulator.received()).as(alias).isEmpty();        // claude's upstream (Bedrock's simulator)
            assertThat(upstreamHits.get()).as(alias).isEqualTo(hitsBefore); // compat's upstream, a server of its own
        }
    }

    /**
     * A post_call MASK on a cited Converse answer (cross-merge review, fortieth session): the answer's text was masked but
     * the cited text blocks kept beside it (an unmasked copy of the answer, with the quoted source) were not, and an
     * OpenAI client was given them as a message field, streamed or not. Now the blocks and their cited_text are masked
     * with the text, and the Anthropic client still gets its citations.
     */
    @Test
    void aPostCallMaskCoversTheCitedBlocksStreamedAndNot() {
        String ask = """
                {"model":"claude","max_tokens":200,"guardrails":["email-post"],%s"messages":[{"role":"user","content":[
                 {"type":"document","source":{"type":"text","media_type":"text/plain","data":"Write to bob@example. The sky is blue."},
                  "citations":{"enabled":true}},
                 {"type":"text","text":"Who do I write to?"}]}]}""";
        HttpResponse<String> r = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, ask.formatted(""),
                "anthropic-version", "2023-06-01");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("bob@").contains("[EMAIL_REDACTED]");
        JsonObject cited = new JsonObject(r.body()).getJsonArray("content").stream().map(JsonObject.class::cast)
                .filter(b -> b.containsKey("citations")).findFirst().orElseThrow();
        assertThat(cited.getString("text")).isEqualTo(" The document says: Write to [EMAIL_REDACTED].");
        assertThat(cited.getJsonArray("citations").getJsonObject(0).getString("cited_text")).isEqualTo("Write to [EMAIL_REDACTED].");

        HttpResponse<String> s = Http.post(gw.v1() + "/messages", TestGateway.MASTER_KEY, ask.formatted("\"stream\":true,"),
                "anthropic-version", "2023-06-01");
        assertThat(s.statusCode()).as(s.body()).isEqualTo(200);
        assertThat(s.body()).doesNotContain("bob@").contains("[EMAIL_REDACTED]").contains("citations_delta");
    }
}
