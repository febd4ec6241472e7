package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OpenRouter's {@code reasoning_details} (Claude's signature behind it) through the cache's two conversions: a streamed
 * miss's pieces are merged by index into whole details (texts joined, the signature and an encrypted block kept, the
 * {@code []} of the content chunks ignored), and a replay gives them with the reasoning, not on the text's piece (several signed blocks one piece each).
 */
class StreamReasoningDetailsTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String CLAUDE = ",\"format\":\"anthropic-claude-v1\"";

    private static ObjectNode details(String json) throws Exception {
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        extra.set("reasoning_details", M.readTree(json));
        return extra;
    }

    private static ChatChunk chunk(Delta d, FinishReason finish) {
        return new ChatChunk("gen-1", 1, "anthropic/claude-sonnet-4.5", List.of(new ChunkChoice(0, d, finish, null)), null, null, null);
    }

    @Test
    void aStreamsPiecesAreRecordedAsWholeDetailsAndReplayedWithTheReasoning() throws Exception {
        ChatResponse[] stored = new ChatResponse[1];
        StreamRecorder rec = new StreamRecorder(new StreamLogprobsTest.Discard(), r -> stored[0] = r);
        ObjectNode first = details("[{\"type\":\"reasoning.text\",\"text\":\"Let me \"" + CLAUDE + ",\"index\":0}]");
        rec.chunk(chunk(new Delta(Role.ASSISTANT, "", "Let me ", null, List.of(), first), null));
        rec.chunk(chunk(new Delta(null, "", "think.", null, List.of(),
                details("[{\"type\":\"reasoning.text\",\"text\":\"think.\"" + CLAUDE + ",\"index\":0}]")), null));
        rec.chunk(chunk(new Delta(null, "", null, null, List.of(),
                details("[{\"type\":\"reasoning.text\",\"signature\":\"EqIFsig\"" + CLAUDE + ",\"index\":0}]")), null));
        rec.chunk(chunk(new Delta(null, "", null, null, List.of(),
                details("[{\"type\":\"reasoning.encrypted\",\"data\":\"EmwKAhgB\"" + CLAUDE + ",\"index\":1}]")), null));
        rec.chunk(chunk(new Delta(null, "Sunny.", null, null, List.of(), details("[]")), null));
        rec.chunk(chunk(new Delta(null, "", null, null, List.of(), details("[]")), FinishReason.STOP));
        rec.end();

        assertThat(stored[0].choices().get(0).message().extra().get("reasoning_details")).isEqualTo(M.readTree(
                "[{\"type\":\"reasoning.text\",\"text\":\"Let me think.\"" + CLAUDE + ",\"index\":0,\"signature\":\"EqIFsig\"},"
                        + "{\"type\":\"reasoning.encrypted\",\"data\":\"EmwKAhgB\"" + CLAUDE + ",\"index\":1}]"));
        assertThat(first.get("reasoning_details").get(0).get("text").asText()).as("the client's piece is not changed").isEqualTo("Let me ");

        List<ChatChunk> replayed = new StreamReplay(stored[0]).chunks();
        Delta reasoning = replayed.get(1).choices().get(0).delta();
        assertThat(reasoning.reasoning()).isEqualTo("Let me think.");
        assertThat(reasoning.extra().get("reasoning_details").get(0).get("signature").asText()).isEqualTo("EqIFsig");
        Delta encrypted = replayed.get(2).choices().get(0).delta();
        assertThat(encrypted.reasoning()).as("the encrypted block, a piece of its own").isNull();
        assertThat(encrypted.extra().get("reasoning_details").get(0).get("data").asText()).isEqualTo("EmwKAhgB");
        Delta text = replayed.get(3).choices().get(0).delta();
        assertThat(text.content()).isEqualTo("Sunny.");
        assertThat(text.extra() == null || !text.extra().has("reasoning_details")).as("not again on the text's piece").isTrue();
    }

    /** A stored answer with its plain reasoning and the given merged details, replayed by {@link StreamReplay#chunks}. */
    private static List<ChatChunk> replayed(String reasoning, String detailsJson) throws Exception {
        ChatResponse[] stored = new ChatResponse[1];
        StreamRecorder rec = new StreamRecorder(new StreamLogprobsTest.Discard(), r -> stored[0] = r);
        rec.chunk(chunk(new Delta(Role.ASSISTANT, "", reasoning, null, List.of(), details(detailsJson)), null));
        rec.chunk(chunk(new Delta(null, "Sunny.", null, null, List.of(), details("[]")), FinishReason.STOP));
        rec.end();
        return new StreamReplay(stored[0]).chunks();
    }

    /** The reasoning text the replay's pieces carry, joined, as an OpenAI-dialect client reads it. */
    private static String reasoningOf(List<ChatChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        for (ChatChunk c : chunks) {
            for (ChunkChoice ch : c.choices()) if (ch.delta().reasoning() != null) sb.append(ch.delta().reasoning());
        }
        return sb.toString();
    }

    /**
     * A cached answer of several of Claude's signed blocks is replayed one detail a piece, each with its own text as the
     * reasoning (the Anthropic edge's blocks: AnthropicStreamEncoderTest.aCacheReplayOfSeveralSignedBlocksGivesEachItsOwnTextAndSignature);
     * the reasoning an OpenAI-dialect client reads is the same text as before, the details reach it by index.
     */
    @Test
    void aReplayOfSeveralSignedBlocksIsOneDetailAPieceWithTheSameReasoning() throws Exception {
        List<ChatChunk> chunks = replayed("First.Second.", "[{\"type\":\"reasoning.text\",\"text\":\"First.\",\"signature\":\"sigA\""
                + CLAUDE + ",\"index\":0},{\"type\":\"reasoning.text\",\"text\":\"Second.\",\"signature\":\"sigB\"" + CLAUDE
                + ",\"index\":1},{\"type\":\"reasoning.encrypted\",\"data\":\"EmwKAhgB\"" + CLAUDE + ",\"index\":2}]");
        assertThat(reasoningOf(chunks)).isEqualTo("First.Second.");
        for (int p = 1; p <= 3; p++) {
            Delta d = chunks.get(p).choices().get(0).delta();
            assertThat(d.extra().get("reasoning_details").size()).isEqualTo(1);
            assertThat(d.extra().get("reasoning_details").get(0).get("index").asInt()).isEqualTo(p - 1);
        }
        assertThat(chunks.get(1).choices().get(0).delta().reasoning()).isEqualTo("First.");
        assertThat(chunks.get(2).choices().get(0).delta().reasoning()).isEqualTo("Second.");
        assertThat(chunks.get(3).choices().get(0).delta().reasoning()).isNull();
        assertThat(chunks.get(4).choices().get(0).delta().content()).isEqualTo("Sunny.");
    }

    /**
     * Details whose texts joined are not the answer's plain reasoning are replayed in one piece, as before, so the
     * reasoning an OpenAI-dialect client reads stays the provider's; an answer of one signed block is one piece too.
     */
    @Test
    void detailsThatDoNotMakeUpTheReasoningAndASingleSignedBlockAreOnePiece() throws Exception {
        String two = "[{\"type\":\"reasoning.text\",\"text\":\"First.\",\"signature\":\"sigA\"" + CLAUDE
                + ",\"index\":0},{\"type\":\"reasoning.text\",\"text\":\"Second.\",\"signature\":\"sigB\"" + CLAUDE + ",\"index\":1}]";
        List<ChatChunk> differing = replayed("Something else.", two);
        assertThat(reasoningOf(differing)).isEqualTo("Something else.");
        assertThat(differing.get(1).choices().get(0).delta().extra().get("reasoning_details").size()).isEqualTo(2);

        List<ChatChunk> one = replayed("First.", "[{\"type\":\"reasoning.text\",\"text\":\"First.\",\"signature\":\"sigA\""
                + CLAUDE + ",\"index\":0}]");
        assertThat(one.get(1).choices().get(0).delta().reasoning()).isEqualTo("First.");
        assertThat(one.get(1).choices().get(0).delta().extra().get("reasoning_details").size()).isEqualTo(1);
        assertThat(one.get(2).choices().get(0).delta().content()).isEqualTo("Sunny.");
    }
}
