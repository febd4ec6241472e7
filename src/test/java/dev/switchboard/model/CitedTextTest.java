package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.provider.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CitedText#blocks}: the field lives in a message's extra, which also keeps an OpenAI-compatible upstream's
 * unknown message fields, so only Anthropic text blocks are ever given back, copied to their three members.
 */
class CitedTextTest {
    /** An answer whose blocks the gateway made (a decoder's {@link CitedText#of}). */
    private static Message answer(String text, String blocks) throws Exception {
        ObjectNode extra = Json.MAPPER.createObjectNode();
        extra.set(CitedText.FIELD, CitedText.of((com.fasterxml.jackson.databind.node.ArrayNode) Json.MAPPER.readTree(blocks)));
        return new Message(Role.ASSISTANT, List.of(ContentPart.Text.of(text)), null, null, null, null, null, extra);
    }

    /** An answer with an upstream's own field of that name (a plain node, as an OpenAI-compatible decoder keeps it). */
    private static Message upstream(String text, String blocks) throws Exception {
        ObjectNode extra = (ObjectNode) Json.MAPPER.readTree("{\"" + CitedText.FIELD + "\":" + blocks + "}");
        return new Message(Role.ASSISTANT, List.of(ContentPart.Text.of(text)), null, null, null, null, null, extra);
    }

    @Test
    void anUpstreamsWellFormedFieldOfTheSameNameIsNeverOurs() throws Exception {
        String blocks = "[{\"type\":\"text\",\"text\":\"hi\",\"citations\":[{\"type\":\"char_location\",\"cited_text\":\"x\"}]}]";
        assertThat(CitedText.blocks(answer("hi", blocks), "hi")).isNotNull();
        assertThat(CitedText.blocks(upstream("hi", blocks), "hi")).isNull();
        // and it survives a copy of the message's extra as ours
        assertThat(CitedText.blocks(new Message(Role.ASSISTANT, List.of(ContentPart.Text.of("hi")), null, null, null, null, null,
                answer("hi", blocks).extra().deepCopy()), "hi")).isNotNull();
    }

    @Test
    void textBlocksAreCopiedToTypeTextAndCitationsOnly() throws Exception {
        Message m = answer("Grass is green.", """
                [{"type":"text","text":"Grass "},
                 {"type":"text","text":"is green.","citations":[{"type":"char_location","cited_text":"x"}],"cache_control":{"type":"ephemeral"}}]""");
        assertThat(CitedText.blocks(m, "Grass is green.")).isEqualTo(Json.MAPPER.readTree("""
                [{"type":"text","text":"Grass "},{"type":"text","text":"is green.","citations":[{"type":"char_location","cited_text":"x"}]}]"""));
        assertThat(CitedText.blocks(m, "Grass is green!")).isNull(); // the text changed since
    }

    @Test
    void anUpstreamFieldOfTheSameNameThatIsNotTextBlocksIsNeverGivenBack() throws Exception {
        for (String blocks : List.of(
                "[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"rm\",\"input\":{},\"text\":\"hi\"}]",
                "[{\"type\":\"text\",\"text\":\"hi\"},{\"type\":\"image\",\"source\":{}}]",
                "[{\"text\":\"hi\"}]",
                "[{\"type\":\"text\",\"text\":{\"nested\":\"hi\"}}]",
                "[{\"type\":\"text\",\"text\":\"hi\",\"citations\":\"everything\"}]",
                "[\"hi\"]")) {
            assertThat(CitedText.blocks(answer("hi", blocks), "hi")).as(blocks).isNull();
        }
    }
}
