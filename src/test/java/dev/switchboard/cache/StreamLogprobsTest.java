package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's logprobs through the cache's two conversions: a streamed miss recorded into one answer (each chunk's
 * {@code content} entries joined in order) and a stored answer replayed as a stream (all of them on the text's chunk),
 * so a hit in the other form carries what the live answer did.
 */
class StreamLogprobsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode lp(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ChatChunk chunk(Delta d, FinishReason finish, JsonNode logprobs) {
        return new ChatChunk("c1", 1, "gpt-4o-mini", List.of(new ChunkChoice(0, d, finish, logprobs)), null, null, null);
    }

    @Test
    void aRecordedStreamKeepsEveryChunksLogprobsInOrder() {
        ChatResponse[] stored = new ChatResponse[1];
        StreamRecorder rec = new StreamRecorder(new Discard(), r -> stored[0] = r);
        rec.chunk(chunk(new Delta(Role.ASSISTANT, null, null, null, List.of()), null, null));
        rec.chunk(chunk(new Delta(null, "Hel", null, null, List.of()), null,
                lp("{\"content\":[{\"token\":\"Hel\",\"logprob\":-0.1,\"bytes\":[72,101,108],\"top_logprobs\":[]}],\"refusal\":null}")));
        rec.chunk(chunk(new Delta(null, "lo", null, null, List.of()), null,
                lp("{\"content\":[{\"token\":\"lo\",\"logprob\":-0.2,\"bytes\":[108,111],\"top_logprobs\":[]}],\"refusal\":null}")));
        rec.chunk(chunk(Delta.EMPTY, FinishReason.STOP, null));
        rec.end();
        JsonNode joined = stored[0].choices().get(0).logprobs();
        assertThat(joined.path("content")).hasSize(2);
        assertThat(joined.path("content").get(0).path("token").asText()).isEqualTo("Hel");
        assertThat(joined.path("content").get(1).path("token").asText()).isEqualTo("lo");
        assertThat(joined.path("refusal").isNull()).isTrue();
    }

    @Test
    void aFieldNullSoFarTakesTheListThatComesAfter() {
        // OpenAI's content chunks say "refusal": null, a refusal's chunks then carry the list; and "content": null first
        ChatResponse[] stored = new ChatResponse[1];
        java.util.List<ChatChunk> passed = new ArrayList<>();
        StreamRecorder rec = new StreamRecorder(new Discard(passed), r -> stored[0] = r);
        rec.chunk(chunk(new Delta(null, "a", null, null, List.of()), null, lp("{\"content\":null,\"refusal\":null}")));
        rec.chunk(chunk(new Delta(null, "b", null, null, List.of()), null,
                lp("{\"content\":[{\"token\":\"b\",\"logprob\":-1,\"bytes\":[98],\"top_logprobs\":[]}],\"refusal\":null}")));
        rec.chunk(chunk(new Delta(null, null, null, "no", List.of()), null,
                lp("{\"content\":null,\"refusal\":[{\"token\":\"no\",\"logprob\":-2,\"bytes\":[110,111],\"top_logprobs\":[]}]}")));
        rec.chunk(chunk(Delta.EMPTY, FinishReason.STOP, null));
        rec.end();
        assertThat(passed).as("every chunk reached the client").hasSize(4);
        JsonNode joined = stored[0].choices().get(0).logprobs();
        assertThat(joined.path("content")).hasSize(1);
        assertThat(joined.path("refusal")).hasSize(1);
    }

    @Test
    void aStreamWithoutLogprobsRecordsNone() {
        ChatResponse[] stored = new ChatResponse[1];
        StreamRecorder rec = new StreamRecorder(new Discard(), r -> stored[0] = r);
        rec.chunk(chunk(new Delta(null, "Hi", null, null, List.of()), FinishReason.STOP, null));
        rec.end();
        assertThat(stored[0].choices().get(0).logprobs()).isNull();
    }

    @Test
    void aReplayedAnswerCarriesItsLogprobsOnceOnTheTextsChunk() {
        JsonNode all = lp("{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.3,\"bytes\":[72,105],\"top_logprobs\":[]}],\"refusal\":null}");
        Message m = new Message(Role.ASSISTANT, List.of(ContentPart.Text.of("Hi")), null, List.of(), null, null, null, null);
        ChatResponse r = new ChatResponse("c1", 1, "gpt-4o-mini", List.of(new Choice(0, m, FinishReason.STOP, all)), null, null, null);
        List<JsonNode> seen = new ArrayList<>();
        for (ChatChunk c : new StreamReplay(r).chunks()) {
            for (ChunkChoice ch : c.choices()) {
                if (ch.logprobs() != null) {
                    seen.add(ch.logprobs());
                    assertThat(ch.delta().content()).isEqualTo("Hi");
                }
            }
        }
        assertThat(seen).containsExactly(all);
        // and recorded again, it is the same answer's logprobs (a streamed hit stored by another gateway's recorder)
        ChatResponse[] again = new ChatResponse[1];
        StreamRecorder rec = new StreamRecorder(new Discard(), x -> again[0] = x);
        new StreamReplay(r).start(rec);
        assertThat(again[0].choices().get(0).logprobs()).isEqualTo(all);
    }

    @Test
    void anAnswerWithNoTextPutsItsLogprobsOnTheFinishChunk() {
        JsonNode all = lp("{\"content\":[],\"refusal\":null}");
        Message m = new Message(Role.ASSISTANT, List.of(), null, List.of(), null, null, null, null);
        ChatResponse r = new ChatResponse("c1", 1, "m", List.of(new Choice(0, m, FinishReason.STOP, all)), null, null, null);
        List<ChatChunk> chunks = new StreamReplay(r).chunks();
        ChunkChoice last = chunks.get(chunks.size() - 1).choices().get(0);
        assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(last.logprobs()).isEqualTo(all);
    }

    static final class Discard implements ChunkSink {
        private final List<ChatChunk> passed;

        Discard() { this(new ArrayList<>()); }

        Discard(List<ChatChunk> passed) { this.passed = passed; }

        @Override public void chunk(ChatChunk c) { passed.add(c); }
        @Override public void flush() {}
        @Override public void end() {}
        @Override public void fail(GatewayException error) {}
        @Override public boolean writeQueueFull() { return false; }
        @Override public void drainHandler(Runnable onDrain) {}
    }
}
