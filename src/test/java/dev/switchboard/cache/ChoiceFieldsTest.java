package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A choice's own fields (Azure's {@code content_filter_results}) through the cache: stored and read back, recorded from
 * a stream (each chunk's latest), replayed on the finishing chunk; so a hit carries what the live answer did.
 */
class ChoiceFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode filter(String severity) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("content_filter_results").putObject("hate").put("filtered", false).put("severity", severity);
        return o;
    }

    private static ChatResponse answer(ObjectNode choiceFields) {
        Message m = new Message(Role.ASSISTANT, List.of(ContentPart.Text.of("Hi")), null, List.of(), null, null, null, null);
        return new ChatResponse("c1", 1, "gpt-4o", List.of(new Choice(0, m, FinishReason.STOP, null, null, choiceFields)), null,
                null, null);
    }

    @Test
    void aStoredAnswerKeepsItsChoicesFields() {
        CachedAnswer a = new CachedAnswer("e".repeat(64), "ns", 1, 2, "azure/gpt-4o", answer(filter("safe")));
        assertThat(CachedAnswerCodec.decode(CachedAnswerCodec.encode(a))).isEqualTo(a);
    }

    @Test
    void aRecordedStreamKeepsEachFieldsLatestValueAndAReplayPutsThemOnTheFinish() {
        ChatResponse[] stored = new ChatResponse[1];
        StreamRecorder rec = new StreamRecorder(new StreamLogprobsTest.Discard(), r -> stored[0] = r);
        rec.chunk(new ChatChunk("c1", 1, "gpt-4o", List.of(new ChunkChoice(0, new Delta(null, "H", null, null, List.of()), null,
                null, null, filter("low"))), null, null, null));
        rec.chunk(new ChatChunk("c1", 1, "gpt-4o", List.of(new ChunkChoice(0, new Delta(null, "i", null, null, List.of()),
                FinishReason.STOP, null, null, filter("safe"))), null, null, null));
        rec.end();
        assertThat(stored[0].choices().get(0).extra()).isEqualTo(filter("safe"));

        List<ChatChunk> replayed = new StreamReplay(stored[0]).chunks();
        ChunkChoice last = replayed.get(replayed.size() - 1).choices().get(0);
        assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(last.extra()).isEqualTo(filter("safe"));
    }
}
