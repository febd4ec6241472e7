package dev.switchboard.edge.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.CitedText;
import dev.switchboard.model.Delta;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An OpenAI streaming client and the gateway's citation marks ({@link CitedText}): the block-start mark is the Anthropic
 * edge's alone and never written; the citation is the delta's field as it is; an upstream's plain field of the mark's
 * name is theirs and passed on.
 */
class OpenAiCitationMarksTest {
    private static JsonObject delta(ObjectNode extra) {
        ChatChunk c = new ChatChunk("chatcmpl-1", 1, "m", List.of(new ChunkChoice(0, new Delta(null, "green", null, null, List.of(), extra),
                null, null)), null, null, null);
        String event = new OpenAiResponseEncoder().chunkEvent(c, false).toString();
        return new JsonObject(event.substring(event.indexOf("data: ") + 6).trim()).getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
    }

    @Test
    void theBlockStartMarkNeverReachesAnOpenAiClientTheCitationDoes() {
        var f = JsonNodeFactory.instance;
        ObjectNode marks = f.objectNode();
        marks.set(CitedText.BLOCK_START, new CitedText.BlockStart());
        marks.set(CitedText.CITATION, CitedText.citation(f.objectNode().put("type", "char_location").put("cited_text", "g")));
        JsonObject d = delta(marks);
        assertThat(d.containsKey(CitedText.BLOCK_START)).isFalse();
        assertThat(d.getString("content")).isEqualTo("green");
        assertThat(d.getJsonObject(CitedText.CITATION)).isEqualTo(new JsonObject().put("type", "char_location").put("cited_text", "g"));

        ObjectNode theirs = f.objectNode();
        theirs.set(CitedText.BLOCK_START, f.objectNode().put("x", 1));
        assertThat(delta(theirs).getJsonObject(CitedText.BLOCK_START)).isEqualTo(new JsonObject().put("x", 1));
    }
}
