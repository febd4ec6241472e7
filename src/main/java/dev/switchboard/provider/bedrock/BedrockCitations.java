package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Converse's document citations as Anthropic's. A document sent with {@code citations: {enabled: true}}
 * ({@link BedrockParts}) is cited in the answer's {@code citationsContent} blocks: {@code {"content": [{"text"}],
 * "citations": [{"title", "sourceContent": [{"text"}], "location": {"documentChar" | "documentPage" | "documentChunk":
 * {"documentIndex", "start", "end"}}}]}}. Anthropic's Messages API puts the same on a text block: {@code {"type": "text",
 * "text", "citations": [{"type": "char_location", "cited_text", "document_index", "document_title", "start_char_index",
 * "end_char_index", "file_id"}]}} ({@code page_location}'s {@code start_page_number} / {@code end_page_number},
 * {@code content_block_location}'s {@code start_block_index} / {@code end_block_index}). Converse's start and end are
 * those numbers (Claude's own, passed on); its title is the document's name as sent. A location of another kind (web,
 * search results) has no document form here and is left out.
 */
final class BedrockCitations {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private BedrockCitations() {}

    /** The text blocks before {@code first}, the answer's first citationsContent block, each a plain Anthropic text block. */
    static ArrayNode textBefore(JsonNode content, JsonNode first) {
        ArrayNode out = F.arrayNode();
        for (JsonNode b : content) {
            if (b == first) break;
            if (b.has("text")) out.addObject().put("type", "text").put("text", b.get("text").asText());
        }
        return out;
    }

    static ObjectNode textBlock(JsonNode citationsContent) { return textBlock(citationsContent, BedrockDocuments.NONE); }

    /** One citationsContent block → an Anthropic text block of its generated text with its citations. */
    static ObjectNode textBlock(JsonNode citationsContent, BedrockDocuments documents) {
        StringBuilder text = new StringBuilder();
        for (JsonNode c : citationsContent.path("content")) text.append(c.path("text").asText());
        ObjectNode block = F.objectNode().put("type", "text").put("text", text.toString());
        ArrayNode citations = F.arrayNode();
        for (JsonNode c : citationsContent.path("citations")) {
            ObjectNode one = citation(c, documents);
            if (one != null) citations.add(one);
        }
        if (!citations.isEmpty()) block.set("citations", citations);
        return block;
    }

    /**
     * One Converse citation (a {@code Citation}, or a stream's {@code CitationsDelta}: the same {@code title},
     * {@code sourceContent} and {@code location}) in Anthropic's shape, or null for a location that is not in a document.
     * {@code document_index} and {@code document_title} are the Anthropic request's ({@link BedrockDocuments}): the
     * document's place among its {@code document} blocks and its {@code title} (null when it had none), not Converse's
     * count and name; Converse's where the document is not one the request's Anthropic blocks made.
     */
    static ObjectNode citation(JsonNode c, BedrockDocuments documents) {
        JsonNode location = c.path("location");
        String type;
        String start;
        String end;
        JsonNode at;
        if (location.has("documentChar")) {
            type = "char_location";
            start = "start_char_index";
            end = "end_char_index";
            at = location.get("documentChar");
        } else if (location.has("documentPage")) {
            type = "page_location";
            start = "start_page_number";
            end = "end_page_number";
            at = location.get("documentPage");
        } else if (location.has("documentChunk")) {
            type = "content_block_location";
            start = "start_block_index";
            end = "end_block_index";
            at = location.get("documentChunk");
        } else {
            return null;
        }
        StringBuilder cited = new StringBuilder();
        for (JsonNode s : c.path("sourceContent")) cited.append(s.path("text").asText());
        BedrockDocuments.Doc doc = documents.at(at.path("documentIndex").asInt());
        ObjectNode out = F.objectNode().put("type", type).put("cited_text", cited.toString())
                .put("document_index", doc != null ? doc.anthropicIndex() : at.path("documentIndex").asInt());
        String title = doc != null ? doc.title() : c.path("title").textValue();
        if (title != null) out.put("document_title", title);
        else out.putNull("document_title");
        out.put(start, at.path("start").asInt()).put(end, at.path("end").asInt());
        out.putNull("file_id");
        return out;
    }
}
