package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.CitedText;
import dev.switchboard.provider.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Converse's citationsContent → Anthropic's text blocks with citations, each location kind. */
class BedrockCitationsTest {
    private static JsonNode read(String json) throws Exception { return Json.MAPPER.readTree(json); }

    @Test
    void eachDocumentLocationBecomesAnthropicsAndAWebOneIsLeftOut() throws Exception {
        JsonNode block = read("""
                {"content":[{"text":"Grass "},{"text":"is green."}],"citations":[
                 {"title":"Facts","sourceContent":[{"text":"The grass is green."}],"location":{"documentChar":{"documentIndex":2,"start":3,"end":22}}},
                 {"title":"Paper","sourceContent":[{"text":"p"}],"location":{"documentPage":{"documentIndex":1,"start":4,"end":5}}},
                 {"sourceContent":[{"text":"c"}],"location":{"documentChunk":{"documentIndex":0,"start":6,"end":7}}},
                 {"title":"Web","location":{"web":{"url":"https://example.com"}}}]}""");
        JsonNode text = BedrockCitations.textBlock(block);
        assertThat(text.get("text").asText()).isEqualTo("Grass is green.");
        ArrayNode c = (ArrayNode) text.get("citations");
        assertThat(c).hasSize(3);
        assertThat(c.get(0)).isEqualTo(read("""
                {"type":"char_location","cited_text":"The grass is green.","document_index":2,"document_title":"Facts",
                 "start_char_index":3,"end_char_index":22,"file_id":null}"""));
        assertThat(c.get(1)).isEqualTo(read("""
                {"type":"page_location","cited_text":"p","document_index":1,"document_title":"Paper",
                 "start_page_number":4,"end_page_number":5,"file_id":null}"""));
        assertThat(c.get(2)).isEqualTo(read("""
                {"type":"content_block_location","cited_text":"c","document_index":0,"document_title":null,
                 "start_block_index":6,"end_block_index":7,"file_id":null}"""));
    }

    @Test
    void theAnswersTextKeepsTheCitedPartAndTheBlocksJoinToIt() throws Exception {
        ChatResponse r = BedrockResponseDecoder.response(read("""
                {"output":{"message":{"role":"assistant","content":[{"text":"Look: "},
                 {"citationsContent":{"content":[{"text":"grass is green"}],"citations":[
                  {"title":"Facts","sourceContent":[{"text":"The grass is green."}],"location":{"documentChar":{"documentIndex":0,"start":0,"end":19}}}]}},
                 {"text":"."}]}},"stopReason":"end_turn","usage":{"inputTokens":5,"outputTokens":3}}"""), "m", List.of());
        var m = r.choices().get(0).message();
        assertThat(m.textContent()).isEqualTo("Look: grass is green.");
        ArrayNode blocks = CitedText.blocks(m, m.textContent());
        assertThat(blocks).hasSize(3);
        assertThat(blocks.get(0).has("citations")).isFalse();
        assertThat(blocks.get(1).get("citations").get(0).get("type").asText()).isEqualTo("char_location");
        assertThat(blocks.get(2).get("text").asText()).isEqualTo(".");
        assertThat(CitedText.blocks(m, "other text")).isNull();
        // an answer without citations carries none
        ChatResponse plain = BedrockResponseDecoder.response(read("""
                {"output":{"message":{"role":"assistant","content":[{"text":"hi"}]}},"stopReason":"end_turn"}"""), "m", List.of());
        assertThat(plain.choices().get(0).message().extra()).isNull();
    }
}
