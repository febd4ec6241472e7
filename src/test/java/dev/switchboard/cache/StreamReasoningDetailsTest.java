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
 * {@code []} of the content chunks ignored), and a replay gives them with the reasoning, not on the text's piece.
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
        Delta text = replayed.get(2).choices().get(0).delta();
        assertThat(text.content()).isEqualTo("Sunny.");
        assertThat(text.extra() == null || !text.extra().has("reasoning_details")).as("not again on the text's piece").isTrue();
    }
}
