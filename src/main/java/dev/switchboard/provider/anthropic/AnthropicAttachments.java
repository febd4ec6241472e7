package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.Attachments;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * OpenAI-dialect attachments → Anthropic content blocks. A PDF is a {@code document} with a base64 source (the
 * only media type Anthropic takes in one); a text file is a {@code document} with a plain-text source, since a
 * base64 source must be a PDF; an image file is an {@code image} block. The file name becomes the document's
 * {@code title}. Anthropic has no audio input and cannot read OpenAI file ids: both are a 400 naming the part,
 * instead of the API's own 400 about an unknown block type.
 */
final class AnthropicAttachments {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private AnthropicAttachments() {}

    static ObjectNode file(ContentPart.File f) {
        Attachments.DataUrl data = Attachments.inline(f, "Anthropic");
        String type = data.mediaType();
        ObjectNode block = F.objectNode();
        if (type.equals("application/pdf")) {
            block.put("type", "document").putObject("source").put("type", "base64").put("media_type", type).put("data", data.base64());
        } else if (type.startsWith("text/")) {
            // markdown, csv, html… are text too; Anthropic's text source only names text/plain
            block.put("type", "document").putObject("source").put("type", "text").put("media_type", "text/plain")
                    .put("data", utf8(data, f));
        } else if (IMAGE_TYPES.contains(type)) {
            block.put("type", "image").putObject("source").put("type", "base64").put("media_type", type).put("data", data.base64());
        } else {
            String at = Attachments.where(f.param());
            throw GatewayException.badRequest(at + " is a " + type + " file; Anthropic reads PDF, plain-text and image "
                    + "(JPEG, PNG, GIF, WebP) files only.", at);
        }
        if (f.filename() != null && block.get("type").asText().equals("document")) block.put("title", f.filename());
        if (f.cacheControl() != null) block.set("cache_control", f.cacheControl());
        return block;
    }

    static GatewayException audio(ContentPart.Audio a) {
        String at = Attachments.where(a.param());
        return GatewayException.badRequest(at + " is audio (input_audio), and Anthropic models take no audio input. "
                + "Transcribe it first, or send it to a model that hears audio.", at);
    }

    private static String utf8(Attachments.DataUrl data, ContentPart.File f) {
        String at = Attachments.where(f.param());
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data.bytes())).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw GatewayException.badRequest(at + ".file.file_data is not base64 of UTF-8 text, which a " + data.mediaType()
                    + " file must be for Anthropic.", at + ".file.file_data");
        }
    }
}
