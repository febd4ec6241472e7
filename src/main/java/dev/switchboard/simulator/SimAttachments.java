package dev.switchboard.simulator;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What the simulated model makes of the non-text parts of a request (in OpenAI's part shapes, which every
 * simulated API is reshaped into): how many images, documents and audio clips it got, and what they cost in
 * prompt tokens, so a test can tell that an attachment really arrived. The costs follow the providers' own
 * rules of thumb: 85 tokens an image (OpenAI, low detail), 258 a PDF page (Gemini), a text document its text
 * at four characters a token, 32 tokens a second of audio (Gemini; the length read at 16 kB a second).
 */
final class SimAttachments {
    private int images;
    private int documents;
    private int audio;
    private int tokens;

    /** Counts the part if it is an attachment; text parts are counted by the caller. */
    void add(JsonObject part) {
        switch (part.getString("type", "")) {
            case "image_url" -> {
                images++;
                tokens += 85;
            }
            case "file" -> {
                documents++;
                tokens += documentTokens(part.getJsonObject("file", new JsonObject()).getString("file_data"));
            }
            case "input_audio" -> {
                audio++;
                tokens += audioTokens(part.getJsonObject("input_audio", new JsonObject()).getString("data"));
            }
            default -> { }
        }
    }

    int tokens() { return tokens; }

    /** What one audio clip (base64) costs: 32 tokens a second, the length read at 16 kB a second. */
    static int audioTokens(String base64) { return 32 * Math.max(1, decode(base64).length / 16_000); }

    /** "I see 1 image and 2 documents. I hear 1 audio clip. ", or "" without attachments. */
    String describe() {
        List<String> seen = new ArrayList<>();
        if (images > 0) seen.add(count(images, "image"));
        if (documents > 0) seen.add(count(documents, "document"));
        String out = seen.isEmpty() ? "" : "I see " + String.join(" and ", seen) + ". ";
        return audio > 0 ? out + "I hear " + count(audio, "audio clip") + ". " : out;
    }

    private static String count(int n, String noun) { return n + " " + noun + (n > 1 ? "s" : ""); }

    /** A data: URL's document: a text one costs its text, anything else 258 tokens a page ("/Type /Page" objects). */
    private static int documentTokens(String dataUrl) {
        if (dataUrl == null || !dataUrl.startsWith("data:") || dataUrl.indexOf(',') < 0) return 258; // by reference: one page
        String mediaType = dataUrl.substring(5, Math.max(5, dataUrl.indexOf(';')));
        String content = new String(decode(dataUrl.substring(dataUrl.indexOf(',') + 1)), StandardCharsets.ISO_8859_1);
        if (mediaType.startsWith("text/")) return SimReply.tokens(content);
        int pages = content.split("/Type\\s*/Page(?!s)", -1).length - 1;
        return 258 * Math.max(1, pages);
    }

    private static byte[] decode(String base64) {
        try {
            return base64 == null ? new byte[0] : Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }
}
