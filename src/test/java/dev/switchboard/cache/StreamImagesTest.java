package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Generated images ({@code delta.images}, an image model's answer as OpenRouter and LiteLLM give it) through the cache's
 * two conversions: every image of a streamed miss is kept (each chunk brings its own, none replaces another), and an
 * answer of images alone replays them.
 */
class StreamImagesTest {
    private static ObjectNode images(int index) {
        ObjectNode img = JsonNodeFactory.instance.objectNode().put("type", "image_url").put("index", index);
        img.putObject("image_url").put("url", "data:image/png;base64,AAA" + index);
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        extra.putArray("images").add(img);
        return extra;
    }

    private static ChatChunk chunk(Delta d, FinishReason finish) {
        return new ChatChunk("c1", 1, "gemini-2.5-flash-image", List.of(new ChunkChoice(0, d, finish, null)), null, null, null);
    }

    @Test
    void everyStreamedImageIsStoredAndAnAnswerOfImagesAloneReplaysThem() {
        ChatResponse[] stored = new ChatResponse[1];
        StreamRecorder rec = new StreamRecorder(new StreamLogprobsTest.Discard(), r -> stored[0] = r);
        rec.chunk(chunk(new Delta(Role.ASSISTANT, null, null, null, List.of()), null));
        rec.chunk(chunk(new Delta(null, null, null, null, List.of(), images(0)), null));
        rec.chunk(chunk(new Delta(null, null, null, null, List.of(), images(1)), null));
        rec.chunk(chunk(Delta.EMPTY, FinishReason.STOP));
        rec.end();
        var kept = stored[0].choices().get(0).message().extra().get("images");
        assertThat(kept).hasSize(2);
        assertThat(kept.get(1).path("image_url").path("url").asText()).isEqualTo("data:image/png;base64,AAA1");

        List<ChatChunk> replayed = new ArrayList<>(new StreamReplay(stored[0]).chunks());
        long withImages = replayed.stream().flatMap(c -> c.choices().stream())
                .filter(ch -> ch.delta().extra() != null && ch.delta().extra().get("images") != null)
                .mapToInt(ch -> ch.delta().extra().get("images").size()).sum();
        assertThat(withImages).isEqualTo(2);
    }
}
