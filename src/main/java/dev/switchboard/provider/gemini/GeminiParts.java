package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.Attachments;
import java.util.Locale;
import java.util.Map;

/**
 * One content part of a user turn → Gemini {@code parts[]} entry. Text is {@code text}; anything inline (an image
 * or file data URL, base64 audio) is {@code inlineData} with its MIME type, Gemini's one shape for bytes of any
 * kind; an http(s) image is {@code fileData}. A part Gemini cannot be given is a 400 naming it, never dropped:
 * the model would answer as if the attachment were not there.
 */
final class GeminiParts {
    /** File extensions of image URLs → the MIME type fileData needs (Gemini does not sniff URLs). */
    private static final Map<String, String> IMAGE_TYPES = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg",
            "gif", "image/gif", "webp", "image/webp", "heic", "image/heic", "pdf", "application/pdf");
    /** OpenAI's input_audio formats (wav, mp3) and the others Google documents for audio, → Google's MIME types. */
    private static final Map<String, String> AUDIO_TYPES = Map.of("wav", "audio/wav", "mp3", "audio/mp3", "aiff", "audio/aiff",
            "aac", "audio/aac", "ogg", "audio/ogg", "flac", "audio/flac");

    private GeminiParts() {}

    static void add(ArrayNode parts, ContentPart p) {
        switch (p) {
            case ContentPart.Text t -> parts.addObject().put("text", t.text());
            case ContentPart.Image i -> image(parts, i);
            case ContentPart.File f -> {
                Attachments.DataUrl data = Attachments.inline(f, "Gemini");
                inline(parts, data.mediaType(), data.base64());
            }
            case ContentPart.Audio a -> {
                String mime = AUDIO_TYPES.get(a.format().toLowerCase(Locale.ROOT));
                if (mime == null) {
                    String at = Attachments.where(a.param());
                    throw GatewayException.badRequest(at + ".input_audio.format '" + a.format() + "' is not an audio format Gemini "
                            + "reads (wav, mp3, aiff, aac, ogg, flac).", at + ".input_audio.format");
                }
                inline(parts, mime, a.data());
            }
            case ContentPart.Other o -> {
                String at = Attachments.where(o.param());
                throw GatewayException.badRequest(at + ": a content part of type '" + o.type() + "' cannot be translated for "
                        + "Gemini, which takes text, images, files and audio." + Attachments.anthropicOnly(o, "Gemini"), at);
            }
        }
    }

    private static void image(ArrayNode parts, ContentPart.Image i) {
        String url = i.url();
        if (url.startsWith("data:")) {
            Attachments.DataUrl data = Attachments.DataUrl.parse(url);
            if (data == null) throw Attachments.notBase64(i);
            inline(parts, data.mediaType(), data.base64());
        } else {
            String ext = url.replaceAll("[?#].*$", "");
            ext = ext.substring(ext.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            parts.addObject().putObject("fileData").put("mimeType", IMAGE_TYPES.getOrDefault(ext, "image/jpeg")).put("fileUri", url);
        }
    }

    private static ObjectNode inline(ArrayNode parts, String mimeType, String base64) {
        return parts.addObject().putObject("inlineData").put("mimeType", mimeType).put("data", base64);
    }
}
