package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Claude's document citations as Converse answers them: when a request's document has {@code citations: {enabled:
 * true}}, the answer cites the first such document in a {@code citationsContent} block after its text:
 * {@code {"content": [{"text"}], "citations": [{"title", "sourceContent": [{"text"}], "location": {…}}]}}. A text document
 * (txt, md, csv, html) is cited by characters ({@code documentChar}: its first sentence, {@code start} 0, {@code end}
 * exclusive), a PDF by pages ({@code documentPage}: page 1, {@code start} 1, {@code end} 2, as Anthropic numbers pages).
 * {@code documentIndex} counts the request's documents, all turns, in order.
 */
final class BedrockSimCitations {
    private BedrockSimCitations() {}

    /** The citationsContent block for the request's first document with citations on, or null when there is none. */
    static JsonObject cite(JsonArray messages) {
        int index = 0;
        for (Object m : messages) {
            for (Object b : ((JsonObject) m).getJsonArray("content", new JsonArray())) {
                JsonObject document = ((JsonObject) b).getJsonObject("document");
                if (document == null) continue;
                JsonObject citations = document.getJsonObject("citations");
                if (citations != null && Boolean.TRUE.equals(citations.getValue("enabled"))) return citation(document, index);
                index++;
            }
        }
        return null;
    }

    private static JsonObject citation(JsonObject document, int index) {
        String format = document.getString("format", "");
        String bytes = document.getJsonObject("source", new JsonObject()).getString("bytes", "");
        JsonObject location;
        String cited;
        if (format.equals("pdf")) {
            cited = "Page 1 of the document.";
            location = new JsonObject().put("documentPage", new JsonObject().put("documentIndex", index).put("start", 1).put("end", 2));
        } else {
            String text = new String(Base64.getMimeDecoder().decode(bytes), StandardCharsets.UTF_8);
            int stop = text.indexOf('.');
            cited = stop < 0 ? text : text.substring(0, stop + 1);
            location = new JsonObject().put("documentChar", new JsonObject().put("documentIndex", index).put("start", 0)
                    .put("end", cited.length()));
        }
        JsonObject citation = new JsonObject().put("title", document.getString("name")).put("sourceContent",
                new JsonArray().add(new JsonObject().put("text", cited))).put("location", location);
        return new JsonObject().put("content", new JsonArray().add(new JsonObject().put("text", " The document says: " + cited)))
                .put("citations", new JsonArray().add(citation));
    }
}
