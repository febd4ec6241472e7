package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.CitedText;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gateway's cited text blocks through the cache: ours by type ({@link CitedText.Blocks}), which JSON does not keep,
 * so the stored entry says so apart; an upstream's plain field of the same name stays a plain field after a hit. A
 * recorded stream's citation marks become the blocks the non-stream answer has, and the marks themselves are not kept.
 */
class CitedTextCacheTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ChatResponse answer(String text, ObjectNode extra) {
        Message m = new Message(Role.ASSISTANT, List.of(ContentPart.Text.of(text)), null, List.of(), null, null, null, extra);
        return new ChatResponse("c1", 1, "claude", List.of(new Choice(0, m, FinishReason.STOP, null, null, null)), null, null, null);
    }

    private static Message hit(ChatResponse r) {
        CachedAnswer a = new CachedAnswer("e".repeat(64), "ns", 1, 2, "bedrock/claude", r);
        return CachedAnswerCodec.decode(CachedAnswerCodec.encode(a)).response().choices().get(0).message();
    }

    @Test
    void ourBlocksStayOursAndAnUpstreamsFieldStaysPlain() throws Exception {
        ArrayNode blocks = (ArrayNode) JSON.readTree("""
                [{"type":"text","text":"Look: "},{"type":"text","text":"green","citations":[{"type":"char_location","cited_text":"g"}]}]""");
        ObjectNode ours = JSON.createObjectNode();
        ours.set(CitedText.FIELD, CitedText.of(blocks));
        assertThat(CitedText.blocks(hit(answer("Look: green", ours)), "Look: green")).isEqualTo(blocks);

        ObjectNode theirs = JSON.createObjectNode();
        theirs.set(CitedText.FIELD, blocks.deepCopy());
        Message m = hit(answer("Look: green", theirs));
        assertThat(m.extra().get(CitedText.FIELD)).isEqualTo(blocks); // kept for an OpenAI client, as it came
        assertThat(CitedText.blocks(m, "Look: green")).isNull();      // never Anthropic content
    }

    @Test
    void aRecordedStreamsCitationMarksBecomeTheBlocks() throws Exception {
        ChatResponse[] stored = new ChatResponse[1];
        StreamRecorder rec = new StreamRecorder(new StreamLogprobsTest.Discard(), r -> stored[0] = r);
        ObjectNode citation = (ObjectNode) JSON.readTree("{\"type\":\"char_location\",\"cited_text\":\"g\",\"document_index\":0}");
        rec.chunk(chunk(new Delta(null, "Look: ", null, null, List.of())));
        ObjectNode start = JSON.createObjectNode();
        start.set(CitedText.BLOCK_START, new CitedText.BlockStart());
        rec.chunk(chunk(new Delta(null, "gr", null, null, List.of(), start)));
        rec.chunk(chunk(new Delta(null, "een", null, null, List.of())));
        ObjectNode cite = JSON.createObjectNode();
        cite.set(CitedText.CITATION, CitedText.citation(citation));
        rec.chunk(chunk(new Delta(null, null, null, null, List.of(), cite)));
        rec.end();
        Message m = stored[0].choices().get(0).message();
        assertThat(m.extra().has(CitedText.CITATION)).isFalse();
        assertThat(m.extra().has(CitedText.BLOCK_START)).isFalse();
        assertThat(CitedText.blocks(m, "Look: green")).isEqualTo(JSON.readTree("""
                [{"type":"text","text":"Look: "},{"type":"text","text":"green","citations":[%s]}]""".formatted(citation)));
    }

    /** Converse may send a block's citation before its text: the mark and the citation on one piece, then the text. */
    @Test
    void aCitationBeforeItsBlocksTextIsThatBlocksToo() throws Exception {
        ChatResponse[] stored = new ChatResponse[1];
        StreamRecorder rec = new StreamRecorder(new StreamLogprobsTest.Discard(), r -> stored[0] = r);
        ObjectNode citation = (ObjectNode) JSON.readTree("{\"type\":\"char_location\",\"cited_text\":\"g\",\"document_index\":0}");
        rec.chunk(chunk(new Delta(null, "Look: ", null, null, List.of())));
        ObjectNode startAndCite = JSON.createObjectNode();
        startAndCite.set(CitedText.BLOCK_START, new CitedText.BlockStart());
        startAndCite.set(CitedText.CITATION, CitedText.citation(citation));
        rec.chunk(chunk(new Delta(null, null, null, null, List.of(), startAndCite)));
        rec.chunk(chunk(new Delta(null, "green", null, null, List.of())));
        rec.end();
        assertThat(CitedText.blocks(stored[0].choices().get(0).message(), "Look: green")).isEqualTo(JSON.readTree("""
                [{"type":"text","text":"Look: "},{"type":"text","text":"green","citations":[%s]}]""".formatted(citation)));
    }

    /** Several provider text blocks and no citation: nothing in the message's extra, no empty one either. */
    @Test
    void blockMarksWithoutACitationLeaveNoExtra() {
        ChatResponse[] stored = new ChatResponse[1];
        StreamRecorder rec = new StreamRecorder(new StreamLogprobsTest.Discard(), r -> stored[0] = r);
        rec.chunk(chunk(new Delta(null, "Look: ", null, null, List.of())));
        ObjectNode start = JSON.createObjectNode();
        start.set(CitedText.BLOCK_START, new CitedText.BlockStart());
        rec.chunk(chunk(new Delta(null, "green", null, null, List.of(), start)));
        rec.end();
        Message m = stored[0].choices().get(0).message();
        assertThat(m.textContent()).isEqualTo("Look: green");
        assertThat(m.extra()).isNull();
    }

    /**
     * A hit replayed as a stream gives the cited blocks as a live stream does: each block's text a piece, a later block's
     * marked as a block start, each citation a piece of its own after its text; the message's other fields on the first
     * piece. An upstream's plain field of the same name is one piece's field, as before.
     */
    @Test
    void aReplayedHitStreamsEachCitedBlockWithItsMarks() throws Exception {
        ArrayNode blocks = (ArrayNode) JSON.readTree("""
                [{"type":"text","text":"Look: "},{"type":"text","text":"green","citations":[{"type":"char_location","cited_text":"g"},{"type":"char_location","cited_text":"r"}]}]""");
        ObjectNode ours = JSON.createObjectNode().put("other", 1);
        ours.set(CitedText.FIELD, CitedText.of(blocks));
        List<Delta> deltas = new StreamReplay(answer("Look: green", ours)).chunks().stream()
                .filter(c -> !c.choices().isEmpty()).map(c -> c.choices().get(0).delta()).toList();
        // role, "Look: " (with the other field), "green" (block start), its two citations, the finish
        assertThat(deltas).hasSize(6);
        assertThat(deltas.get(1).content()).isEqualTo("Look: ");
        assertThat(deltas.get(1).extra()).isEqualTo(JSON.createObjectNode().put("other", 1));
        assertThat(deltas.get(2).content()).isEqualTo("green");
        assertThat(CitedText.blockStart(deltas.get(2))).isTrue();
        assertThat(CitedText.citation(deltas.get(3))).isEqualTo(blocks.get(1).get("citations").get(0));
        assertThat(CitedText.citation(deltas.get(4))).isEqualTo(blocks.get(1).get("citations").get(1));
        assertThat(deltas.get(3).content()).isNull();

        ObjectNode theirs = JSON.createObjectNode();
        theirs.set(CitedText.FIELD, blocks.deepCopy());
        List<Delta> plain = new StreamReplay(answer("Look: green", theirs)).chunks().stream()
                .filter(c -> !c.choices().isEmpty()).map(c -> c.choices().get(0).delta()).toList();
        assertThat(plain).hasSize(3);
        assertThat(plain.get(1).content()).isEqualTo("Look: green");
        assertThat(plain.get(1).extra().get(CitedText.FIELD)).isEqualTo(blocks);
    }

    private static ChatChunk chunk(Delta d) {
        return new ChatChunk("c1", 1, "claude", List.of(new ChunkChoice(0, d, null, null)), null, null, null);
    }
}
