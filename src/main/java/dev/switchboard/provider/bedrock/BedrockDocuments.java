package dev.switchboard.provider.bedrock;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * The request's documents as Converse numbers them, each with what an Anthropic client calls it. A Converse citation
 * says {@code documentIndex} (counting the Converse request's documents) and {@code title} (the document's Converse
 * name, which {@link BedrockDocumentNames} makes: "document 1" for an untitled one, "report (2)" for a second
 * "report"). Anthropic's citation says {@code document_index} (counting the Anthropic request's {@code document} blocks)
 * and {@code document_title} (the block's {@code title}, null when it had none). Walked in the encoder's order: user
 * turns' and tool results' file parts that are not images ({@link BedrockParts} sends those as images).
 *
 * <p>That a tool result's document counts in Converse's {@code documentIndex} (it is a DocumentBlock of the request's
 * messages, as a user turn's is) is our reading of AWS's CitationLocation docs ("the index of the document within the
 * array of documents provided in the request"), not checked against Bedrock: the docs do not say whether documents
 * inside a toolResult are in that array. Only a tool result's document never carries citations itself
 * ({@link BedrockParts} sends it without), so the question is only whether it shifts a later user document's number.
 */
final class BedrockDocuments {
    /** No request known (a test's answer): Converse's own numbers and names. */
    static final BedrockDocuments NONE = new BedrockDocuments(List.of());

    /** One Converse document: its Anthropic document_index (-1 when it was no Anthropic document) and title. */
    record Doc(int anthropicIndex, String title) {}

    private final List<Doc> docs;

    private BedrockDocuments(List<Doc> docs) { this.docs = docs; }

    /**
     * The request's documents, or {@link #NONE} at once when none has citations on (no answer can cite then): this runs
     * for every Bedrock answer, so a request without citations pays one walk of its parts, no parsing and no copying.
     */
    static BedrockDocuments of(ChatRequest r) {
        if (!citing(r)) return NONE;
        List<Doc> docs = new ArrayList<>();
        // an Anthropic client's body counts every document block, a custom-content one (given to Converse as text) too
        java.util.Iterator<Integer> inline = inlineIndexes(r).iterator();
        int anthropic = 0;
        for (Message m : r.messages()) {
            if (m.role() != dev.switchboard.model.Role.USER && m.role() != dev.switchboard.model.Role.TOOL) continue;
            for (ContentPart p : m.content()) {
                boolean anthropicDocument = p instanceof ContentPart.File f && f.raw() != null && "document".equals(f.raw().path("type").asText())
                        || p instanceof ContentPart.Other o && "document".equals(o.type());
                if (p instanceof ContentPart.File f && !image(f)) {
                    int index = !anthropicDocument ? -1 : inline.hasNext() ? inline.next() : anthropic;
                    docs.add(new Doc(index, f.raw() != null && f.raw().path("title").isTextual()
                            ? f.raw().get("title").textValue() : null));
                }
                if (anthropicDocument) anthropic++;
            }
        }
        return docs.isEmpty() ? NONE : new BedrockDocuments(List.copyOf(docs));
    }

    private static boolean citing(ChatRequest r) {
        for (Message m : r.messages()) {
            if (m.role() != dev.switchboard.model.Role.USER && m.role() != dev.switchboard.model.Role.TOOL) continue;
            for (ContentPart p : m.content()) if (p instanceof ContentPart.File f && BedrockParts.citationsOn(f)) return true;
        }
        return false;
    }

    /**
     * The Anthropic document_index of each of the client's inline documents (a {@code base64} or {@code text} source:
     * the ones that are file parts, so Converse documents), in the body's order, tool results' included; empty when
     * the request came in another dialect.
     */
    private static List<Integer> inlineIndexes(ChatRequest r) {
        if (r.raw() == null || !r.raw().is(dev.switchboard.model.RawJson.ANTHROPIC)) return List.of();
        List<Integer> out = new ArrayList<>();
        int[] index = {0};
        for (com.fasterxml.jackson.databind.JsonNode m : r.raw().body().path("messages")) {
            for (com.fasterxml.jackson.databind.JsonNode b : m.path("content")) {
                count(b, out, index);
                if ("tool_result".equals(b.path("type").asText())) for (com.fasterxml.jackson.databind.JsonNode x : b.path("content")) count(x, out, index);
            }
        }
        return out;
    }

    private static void count(com.fasterxml.jackson.databind.JsonNode b, List<Integer> out, int[] index) {
        if (!"document".equals(b.path("type").asText())) return;
        String source = b.path("source").path("type").asText();
        if (source.equals("base64") || source.equals("text")) out.add(index[0]);
        index[0]++;
    }

    /** Whether {@code f} is an inline image (sent as a Converse image), read from its prefix: the payload is not copied. */
    private static boolean image(ContentPart.File f) {
        return f.fileData() != null && f.fileData().regionMatches(true, 0, "data:image/", 0, "data:image/".length());
    }

    /** The Converse document {@code converseIndex} as Anthropic's, or null when it is not one of the request's Anthropic documents. */
    Doc at(int converseIndex) {
        if (converseIndex < 0 || converseIndex >= docs.size()) return null;
        Doc d = docs.get(converseIndex);
        return d.anthropicIndex() < 0 ? null : d;
    }
}
