package dev.switchboard.edge.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Claude's reasoning behind OpenRouter ({@code reasoning_details}) into the Responses API's output: one
 * {@code reasoning} item per Claude block, its summary the block's own text, its {@code encrypted_content} that
 * block alone ({@link SignedReasoning}), streamed and whole.
 */
class ResponsesStreamEncoderTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CLAUDE = ",\"format\":\"anthropic-claude-v1\"";

    private static ResponsesRequest request() {
        return new ResponsesRequestDecoder().decode((ObjectNode) json(
                "{\"model\":\"claude\",\"input\":\"hi\",\"stream\":true,\"include\":[\"reasoning.encrypted_content\"]}"));
    }

    private static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ChatChunk details(String reasoning, String content, String detailsJson) {
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        extra.set("reasoning_details", json(detailsJson));
        return new ChatChunk("gen-1", 1, "anthropic/claude-sonnet-4.5", List.of(new ChunkChoice(0,
                new Delta(null, content, reasoning, null, List.of(), extra), null, null)), null, null, null);
    }

    private static ChatChunk finish() {
        return new ChatChunk("gen-1", 1, "anthropic/claude-sonnet-4.5",
                List.of(new ChunkChoice(0, Delta.EMPTY, FinishReason.STOP, null)), null, null, null);
    }

    /** The stored response's output, each item as "reasoning <summary> | <blocks>" or "message <text>". */
    private static List<String> stream(ChatChunk... chunks) {
        AtomicReference<ObjectNode> done = new AtomicReference<>();
        ResponsesStreamEncoder enc = new ResponsesStreamEncoder("resp_1", 1, "claude", request(), done::set, null);
        StringBuilder events = new StringBuilder();
        for (ChatChunk c : chunks) {
            var b = enc.chunk(c);
            if (b != null) events.append(b);
        }
        events.append(enc.end());
        List<String> items = items((ArrayNode) done.get().get("output"));
        // the events' output_item.done carry the same items, in the same order
        List<JsonNode> doneItems = new ArrayList<>();
        for (String e : events.toString().split("\n\n")) {
            JsonNode n = json(e.substring(e.indexOf("data: ") + 6));
            if (n.path("type").asText().equals("response.output_item.done")) doneItems.add(n.get("item"));
        }
        assertThat(items(JsonNodeFactory.instance.arrayNode().addAll(doneItems))).isEqualTo(items);
        return items;
    }

    private static List<String> items(ArrayNode output) {
        List<String> out = new ArrayList<>();
        for (JsonNode i : output) {
            if (i.path("type").asText().equals("reasoning")) {
                String summary = i.path("summary").isEmpty() ? "" : i.path("summary").get(0).path("text").asText();
                ArrayNode blocks = SignedReasoning.decode(i.get("encrypted_content"));
                List<String> bs = new ArrayList<>();
                if (blocks != null) {
                    for (JsonNode b : blocks) {
                        bs.add(b.path("type").asText().equals("redacted_thinking") ? "redacted " + b.path("data").asText()
                                : "thinking " + b.path("thinking").asText() + " " + b.path("signature").asText());
                    }
                }
                out.add("reasoning " + summary + " | " + String.join(", ", bs));
            } else if (i.path("type").asText().equals("message")) {
                out.add("message " + i.path("content").get(0).path("text").asText());
            } else {
                out.add(i.path("type").asText());
            }
        }
        return out;
    }

    /** Two signed details and the answer's text in one piece: an item per block, each with its own text and signature. */
    @Test
    void eachSignedDetailIsAReasoningItemOfItsOwn() {
        for (boolean plain : new boolean[] {true, false}) {
            assertThat(stream(details(plain ? "Let me " : null, "", "[{\"type\":\"reasoning.text\",\"text\":\"Let me \"" + CLAUDE + ",\"index\":0}]"),
                    details(plain ? "think.Next." : null, "Sunny.", "[{\"type\":\"reasoning.text\",\"text\":\"think.\",\"signature\":\"sigA\""
                            + CLAUDE + ",\"index\":0},{\"type\":\"reasoning.text\",\"text\":\"Next.\",\"signature\":\"sigB\"" + CLAUDE
                            + ",\"index\":1}]"),
                    finish()))
                    .as("plain reasoning %s", plain)
                    .containsExactly("reasoning Let me think. | thinking Let me think. sigA",
                            "reasoning Next. | thinking Next. sigB", "message Sunny.");
        }
    }

    /** An encrypted block and a signed one in one piece: a redacted item, then the signed text once. */
    @Test
    void anEncryptedThenASignedDetailInOnePieceAreTwoItems() {
        for (String plain : new String[] {"Thought it over.", null}) {
            assertThat(stream(details(plain, "", "[{\"type\":\"reasoning.encrypted\",\"data\":\"EmwKAhgB\"" + CLAUDE
                            + ",\"index\":0},{\"type\":\"reasoning.text\",\"text\":\"Thought it over.\",\"signature\":\"sigA\""
                            + CLAUDE + ",\"index\":1}]"),
                    details(null, "Sunny.", "[]"), finish()))
                    .as("plain reasoning %s", plain)
                    .containsExactly("reasoning  | redacted EmwKAhgB",
                            "reasoning Thought it over. | thinking Thought it over. sigA", "message Sunny.");
        }
    }

    /** Pieces of two blocks interleaved by index: two items in index order, the later one held until the first is signed. */
    @Test
    void interleavedDetailIndexesAreItemsOfTheirOwnInIndexOrder() {
        for (boolean plain : new boolean[] {true, false}) {
            assertThat(stream(details(plain ? "A1 " : null, "", "[{\"type\":\"reasoning.text\",\"text\":\"A1 \"" + CLAUDE + ",\"index\":0}]"),
                    details(plain ? "B1 " : null, "", "[{\"type\":\"reasoning.text\",\"text\":\"B1 \"" + CLAUDE + ",\"index\":1}]"),
                    details(plain ? "A2" : null, "", "[{\"type\":\"reasoning.text\",\"text\":\"A2\"" + CLAUDE + ",\"index\":0}]"),
                    details(plain ? "B2" : null, "", "[{\"type\":\"reasoning.text\",\"text\":\"B2\"" + CLAUDE + ",\"index\":1}]"),
                    details(null, "", "[{\"type\":\"reasoning.text\",\"signature\":\"sigA\"" + CLAUDE + ",\"index\":0}]"),
                    details(null, "", "[{\"type\":\"reasoning.text\",\"text\":\" B3\",\"signature\":\"sigB\"" + CLAUDE + ",\"index\":1}]"),
                    details(null, "Sunny.", "[]"), finish()))
                    .as("plain reasoning %s", plain)
                    .containsExactly("reasoning A1 A2 | thinking A1 A2 sigA",
                            "reasoning B1 B2 B3 | thinking B1 B2 B3 sigB", "message Sunny.");
        }
    }

    /** A cache replay's one piece whose plain reasoning differs from its details' texts: each signature with its own text. */
    @Test
    void aReplayWhoseDetailsDifferFromTheReasoningSignsEachDetailsOwnText() {
        assertThat(stream(details("First. Second.", "", "[{\"type\":\"reasoning.text\",\"text\":\"First.\",\"signature\":\"sigA\""
                        + CLAUDE + ",\"index\":0},{\"type\":\"reasoning.text\",\"text\":\"Second.\",\"signature\":\"sigB\"" + CLAUDE + ",\"index\":1}]"),
                details(null, "Sunny.", "[]"), finish()))
                .containsExactly("reasoning First. | thinking First. sigA", "reasoning Second. | thinking Second. sigB", "message Sunny.");
    }

    /** A guard: a signature in a piece of its own beside the block's last text (the twenty-ninth session's case). */
    @Test
    void aSignatureBesideItsBlocksLastTextSignsTheWholeBlock() {
        assertThat(stream(details("Let me think ", "", "[{\"type\":\"reasoning.text\",\"text\":\"Let me think \"" + CLAUDE + ",\"index\":0}]"),
                details("about that.", "", "[{\"type\":\"reasoning.text\",\"text\":\"about that.\",\"signature\":\"sigA\"" + CLAUDE + ",\"index\":0}]"),
                details(null, "Sunny.", "[]"), finish()))
                .containsExactly("reasoning Let me think about that. | thinking Let me think about that. sigA", "message Sunny.");
    }

    /** The whole answer: its details' blocks are an item each, with their own text. */
    @Test
    void aWholeAnswersBlocksAreAnItemEach() {
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        extra.set("reasoning_details", json("[{\"type\":\"reasoning.encrypted\",\"data\":\"EmwKAhgB\"" + CLAUDE + ",\"index\":0},"
                + "{\"type\":\"reasoning.text\",\"text\":\"First.\",\"signature\":\"sigA\"" + CLAUDE + ",\"index\":1},"
                + "{\"type\":\"reasoning.text\",\"text\":\"Second.\",\"signature\":\"sigB\"" + CLAUDE + ",\"index\":2}]"));
        for (String plain : new String[] {"First.Second.", null}) {
            Message m = new Message(Role.ASSISTANT, List.of(ContentPart.Text.of("Sunny.")), null, null, null, plain, null, extra);
            assertThat(items(ResponseObject.output(m, null, request(), "completed")))
                    .as("plain reasoning %s", plain)
                    .containsExactly("reasoning  | redacted EmwKAhgB", "reasoning First. | thinking First. sigA",
                            "reasoning Second. | thinking Second. sigB", "message Sunny.");
        }
    }

    private static ChatChunk textAt(String text, int index) {
        return details(null, "", "[{\"type\":\"reasoning.text\",\"text\":\"" + text + "\"" + CLAUDE + ",\"index\":" + index + "}]");
    }

    private static ChatChunk signatureAt(String reasoning, String signature, int index) {
        return details(reasoning, "", "[{\"type\":\"reasoning.text\",\"signature\":\"" + signature + "\"" + CLAUDE + ",\"index\":" + index + "}]");
    }

    /**
     * The twin of the Anthropic edge's test: a signature-only piece of a held index with the plain reasoning beside it
     * (the block's last text, sent as the plain field only) belongs to the held block of the detail's index, not to the
     * open item of another. Before (the plain text written on whichever item was open), item A was "AB2" and B "B".
     */
    @Test
    void aSignatureOnlyPiecesPlainReasoningGoesToItsDetailsIndex() {
        assertThat(stream(textAt("A", 0), textAt("B", 1), signatureAt("B2", "sigB", 1), signatureAt(null, "sigA", 0), finish()))
                .containsExactly("reasoning A | thinking A sigA", "reasoning BB2 | thinking BB2 sigB");
        assertThat(stream(textAt("A", 0), signatureAt("A2", "sigA", 0), finish()))
                .as("the same index: the text goes on the open item, as before")
                .containsExactly("reasoning AA2 | thinking AA2 sigA");
    }

    /**
     * A client leaving while a whole signed block is held behind the open one: the response stored keeps that block as
     * an item of its own after the open one (cut short, unsigned). Before, abandoned() closed the open item only and the
     * held block was lost.
     */
    @Test
    void anAbandonedStreamKeepsItsHeldBlocks() {
        AtomicReference<ObjectNode> done = new AtomicReference<>();
        ResponsesStreamEncoder enc = new ResponsesStreamEncoder("resp_1", 1, "claude", request(), done::set, null);
        enc.chunk(textAt("A", 0));
        enc.chunk(details(null, "", "[{\"type\":\"reasoning.text\",\"text\":\"B\",\"signature\":\"sigB\"" + CLAUDE + ",\"index\":1}]"));
        enc.abandoned();
        assertThat(done.get().path("status").asText()).isEqualTo("incomplete");
        assertThat(items((ArrayNode) done.get().get("output"))).containsExactly("reasoning A | ", "reasoning B | thinking B sigB");
    }
    /** The events of a stream and the response it stored. */
    private record Streamed(List<JsonNode> events, ObjectNode response) {}

    private static Streamed streamed(ChatChunk... chunks) {
        AtomicReference<ObjectNode> done = new AtomicReference<>();
        ResponsesStreamEncoder enc = new ResponsesStreamEncoder("resp_1", 1, "claude", request(), done::set, null);
        StringBuilder sse = new StringBuilder();
        for (ChatChunk c : chunks) {
            var b = enc.chunk(c);
            if (b != null) sse.append(b);
        }
        sse.append(enc.end());
        List<JsonNode> events = new ArrayList<>();
        for (String e : sse.toString().split("\n\n")) events.add(json(e.substring(e.indexOf("data: ") + 6)));
        return new Streamed(events, done.get());
    }

    private static Message whole(String plain, String detailsJson) {
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        extra.set("reasoning_details", json(detailsJson));
        return new Message(Role.ASSISTANT, List.of(ContentPart.Text.of("Sunny.")), null, null, null, plain, null, extra);
    }

    /**
     * Claude's details without text of their own beside the plain reasoning (OpenRouter sent the block's text only as the
     * plain field): the whole answer keeps the plain reasoning on the first thinking block, as the stream's walk does.
     * Before, a whole answer of more than one block dropped it (every item's summary empty, the signature given "").
     */
    @Test
    void aWholeAnswerWhoseDetailsHaveNoTextKeepsThePlainReasoningAsTheStreamDoes() {
        String encryptedThenSigned = "[{\"type\":\"reasoning.encrypted\",\"data\":\"EmwKAhgB\"" + CLAUDE + ",\"index\":0},"
                + "{\"type\":\"reasoning.text\",\"text\":\"\",\"signature\":\"sigA\"" + CLAUDE + ",\"index\":1}]";
        String twoSigned = "[{\"type\":\"reasoning.text\",\"signature\":\"sigA\"" + CLAUDE + ",\"index\":0},"
                + "{\"type\":\"reasoning.text\",\"text\":\"\",\"signature\":\"sigB\"" + CLAUDE + ",\"index\":1}]";
        assertThat(items(ResponseObject.output(whole("Thought it over.", encryptedThenSigned), null, request(), "completed")))
                .containsExactly("reasoning  | redacted EmwKAhgB", "reasoning Thought it over. | thinking Thought it over. sigA",
                        "message Sunny.")
                .isEqualTo(stream(details("Thought it over.", "", encryptedThenSigned), details(null, "Sunny.", "[]"), finish()));
        assertThat(items(ResponseObject.output(whole("Thought.", twoSigned), null, request(), "completed")))
                .containsExactly("reasoning Thought. | thinking Thought. sigA", "reasoning  | thinking  sigB", "message Sunny.")
                .isEqualTo(stream(details("Thought.", "", twoSigned), details(null, "Sunny.", "[]"), finish()));
    }

    /**
     * A reasoning item without text (a signed block that streamed none, a redacted block) has {@code summary: []} and no
     * summary part events, streamed and whole, as OpenAI's reasoning item without a summary. Before, the stream's signed
     * one had a summary part with "" (and its added/done events) where the whole answer's had none.
     */
    @Test
    void anItemWithoutTextHasNoSummaryStreamedOrWhole() {
        String details = "[{\"type\":\"reasoning.encrypted\",\"data\":\"EmwKAhgB\"" + CLAUDE + ",\"index\":0},"
                + "{\"type\":\"reasoning.text\",\"text\":\"\",\"signature\":\"sigA\"" + CLAUDE + ",\"index\":1},"
                + "{\"type\":\"reasoning.text\",\"text\":\"Then this.\",\"signature\":\"sigB\"" + CLAUDE + ",\"index\":2}]";
        Streamed s = streamed(details(null, "", details), details(null, "Sunny.", "[]"), finish());
        ArrayNode wholeOutput = ResponseObject.output(whole(null, details), null, request(), "completed");
        ArrayNode streamedOutput = (ArrayNode) s.response().get("output");
        assertThat(streamedOutput).hasSize(4);
        assertThat(wholeOutput).hasSize(4);
        for (int i = 0; i < 3; i++) {
            assertThat(streamedOutput.get(i).get("summary")).as("streamed item %d", i).isEqualTo(wholeOutput.get(i).get("summary"));
        }
        assertThat(streamedOutput.get(0).get("summary")).isEmpty();
        assertThat(streamedOutput.get(1).get("summary")).isEmpty();
        assertThat(streamedOutput.get(2).get("summary").toString()).isEqualTo("[{\"type\":\"summary_text\",\"text\":\"Then this.\"}]");
        // summary part events only for the item with text, each added before its first delta and done before the item
        List<String> partEvents = new ArrayList<>();
        for (JsonNode e : s.events()) {
            String type = e.path("type").asText();
            if (type.startsWith("response.reasoning_summary") || type.equals("response.output_item.added")
                    || type.equals("response.output_item.done")) {
                partEvents.add(type.replace("response.", "") + "@" + e.path("output_index").asInt());
            }
        }
        assertThat(partEvents).containsExactly("output_item.added@0", "output_item.done@0", "output_item.added@1",
                "output_item.done@1", "output_item.added@2", "reasoning_summary_part.added@2",
                "reasoning_summary_text.delta@2", "reasoning_summary_text.done@2", "reasoning_summary_part.done@2",
                "output_item.done@2", "output_item.added@3", "output_item.done@3");
    }
}
