package dev.switchboard.edge.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's {@code usage.cache_creation} ({@code ephemeral_5m_input_tokens}, {@code ephemeral_1h_input_tokens}) on a
 * translated answer: the canonical usage's 1-hour part where a provider said it (Bedrock's cacheDetails), every other
 * write a 5-minute one.
 */
class AnthropicCacheCreationTest {

    @Test
    void writesWithoutALifetimeSplitAreFiveMinuteOnes() {
        JsonObject u = new JsonObject(AnthropicResponseEncoder.usage(new Usage(4000, 5, 0, 3000, 0, 0)).toString());
        assertThat(u.getInteger("cache_creation_input_tokens")).isEqualTo(3000);
        assertThat(u.getJsonObject("cache_creation")).isEqualTo(new JsonObject()
                .put("ephemeral_5m_input_tokens", 3000).put("ephemeral_1h_input_tokens", 0));
    }

    @Test
    void theOneHourPartIsTheProvidersSplit() {
        JsonObject u = new JsonObject(AnthropicResponseEncoder.usage(new Usage(4000, 5, 0, 3000, 0, 1000)).toString());
        assertThat(u.getJsonObject("cache_creation")).isEqualTo(new JsonObject()
                .put("ephemeral_5m_input_tokens", 2000).put("ephemeral_1h_input_tokens", 1000));
        JsonObject none = new JsonObject(AnthropicResponseEncoder.usage(Usage.ZERO).toString());
        assertThat(none.getJsonObject("cache_creation")).as("no write: zeros, as Anthropic sends them")
                .isEqualTo(new JsonObject().put("ephemeral_5m_input_tokens", 0).put("ephemeral_1h_input_tokens", 0));
    }

    private static List<JsonObject> events(Buffer b) {
        List<JsonObject> out = new ArrayList<>();
        if (b == null) return out;
        for (String block : b.toString().split("\n\n")) out.add(new JsonObject(block.substring(block.indexOf("data: ") + 6)));
        return out;
    }

    private static ChatChunk text(String t, Usage u) {
        return new ChatChunk("chatcmpl-1", 1, "m", List.of(new ChunkChoice(0, new Delta(null, t, null, null, List.of()),
                u == null ? null : FinishReason.STOP, null)), u, null, null);
    }

    /**
     * A live translated stream learns its usage at the end: message_start cannot know the split (null, which the schema
     * allows, rather than zeros contradicting the count message_delta brings), message_delta carries it.
     */
    @Test
    void aLiveStreamGivesTheSplitWithItsFinalCounts() {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder();
        List<JsonObject> all = new ArrayList<>(events(enc.chunk(text("hi", null))));
        all.addAll(events(enc.chunk(text("", new Usage(4000, 5, 0, 3000, 0, 1000)))));
        all.addAll(events(enc.end()));
        JsonObject start = all.get(0).getJsonObject("message").getJsonObject("usage");
        assertThat(start.containsKey("cache_creation")).isTrue();
        assertThat(start.getValue("cache_creation")).isNull();
        JsonObject delta = all.stream().filter(e -> e.getString("type").equals("message_delta")).findFirst().orElseThrow()
                .getJsonObject("usage");
        assertThat(delta.getInteger("cache_creation_input_tokens")).isEqualTo(3000);
        assertThat(delta.getJsonObject("cache_creation")).isEqualTo(new JsonObject()
                .put("ephemeral_5m_input_tokens", 2000).put("ephemeral_1h_input_tokens", 1000));
    }

    /** A replay (the response cache) knows its usage before it streams: message_start carries the split, as Anthropic's does. */
    @Test
    void aReplayGivesTheSplitInMessageStart() {
        AnthropicStreamEncoder enc = new AnthropicStreamEncoder(List.of(), new Usage(4000, 5, 0, 3000, 0, 1000));
        JsonObject start = events(enc.chunk(text("hi", null))).get(0).getJsonObject("message").getJsonObject("usage");
        assertThat(start.getInteger("cache_creation_input_tokens")).isEqualTo(3000);
        assertThat(start.getJsonObject("cache_creation")).isEqualTo(new JsonObject()
                .put("ephemeral_5m_input_tokens", 2000).put("ephemeral_1h_input_tokens", 1000));
    }
}
