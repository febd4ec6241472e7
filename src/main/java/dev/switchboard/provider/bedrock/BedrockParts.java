package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.Attachments;
import java.util.Map;

/**
 * One user content part → a Converse content block: text, an {@code image} (bytes from a data URL, or an
 * {@code s3://} location), a {@code document} (PDF, text, CSV, HTML, Markdown, Word, Excel, by its bytes). Converse
 * fetches no http URLs and hears no audio; those, an OpenAI {@code file_id} and part types it has no block for are
 * a 400 naming the part, never dropped. Documents are named by the request's {@link BedrockDocumentNames}.
 */
final class BedrockParts {
    private static final Map<String, String> IMAGE_FORMATS = Map.of("image/png", "png", "image/jpeg", "jpeg", "image/jpg", "jpeg",
            "image/gif", "gif", "image/webp", "webp");
    private static final Map<String, String> DOCUMENT_FORMATS = Map.ofEntries(
            Map.entry("application/pdf", "pdf"), Map.entry("text/plain", "txt"), Map.entry("text/csv", "csv"),
            Map.entry("text/html", "html"), Map.entry("text/markdown", "md"), Map.entry("application/msword", "doc"),
            Map.entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
            Map.entry("application/vnd.ms-excel", "xls"),
            Map.entry("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"));

    private BedrockParts() {}

    /**
     * The format of an image Converse reads from S3, after checking it may: Bedrock reads it with the gateway's own AWS
     * identity, so any caller of the alias could have the model describe any image that identity can read. Only the
     * buckets the deployment lists ({@code aws_s3_image_buckets}) are read; the others, and a key with no image
     * extension, are a 400 naming what to do and, {@code at}, where the image is in the caller's request.
     */
    static String s3Format(String url, java.util.Set<String> s3Buckets, String at) {
        String rest = url.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (!s3Buckets.contains(bucket)) {
            throw GatewayException.badRequest(at + ": an image from s3://" + bucket + "/ is read by Bedrock with the gateway's AWS "
                    + "identity, so only the buckets the deployment lists may be read. Fix: add " + bucket
                    + " to the deployment's aws_s3_image_buckets, or send the image as a data URL.", at);
        }
        String ext = url.substring(url.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        String format = ext.equals("jpg") ? "jpeg" : ext;
        if (slash < 0 || url.lastIndexOf('.') < url.lastIndexOf('/') || !IMAGE_FORMATS.containsValue(format)) {
            throw GatewayException.badRequest(at + ": an image from S3 must name its format by its extension (.png, .jpeg, .jpg, "
                    + ".gif, .webp): " + url + " does not.", at);
        }
        return format;
    }

    /**
     * @param s3Buckets the buckets an image by s3:// URL may come from (the deployment's aws_s3_image_buckets)
     * @param cites whether a document may carry Converse's {@code citations}: a Claude model, outside a tool result
     *              (Bedrock refuses the field elsewhere: "This model doesn't support citations.", "Citations are not
     *              supported in tool result documents.")
     */
    static void add(ArrayNode content, ContentPart p, BedrockDocumentNames names, java.util.Set<String> s3Buckets, boolean cites) {
        switch (p) {
            case ContentPart.Text t -> {
                if (!t.text().isBlank()) content.addObject().put("text", t.text()); // Converse refuses blank text blocks
            }
            case ContentPart.Image i -> content.add(image(i, s3Buckets));
            case ContentPart.File f -> content.add(file(f, names, cites));
            case ContentPart.Audio a -> {
                String at = Attachments.where(a.param());
                throw GatewayException.badRequest(at + " is audio; Bedrock's Converse API takes no audio input.", at);
            }
            case ContentPart.Other o -> {
                String at = Attachments.where(o.param());
                throw GatewayException.badRequest(at + " is a '" + o.type() + "' part, which Bedrock's Converse API has no"
                        + " block for." + Attachments.anthropicOnly(o, "Bedrock"), at);
            }
        }
    }

    private static ObjectNode image(ContentPart.Image i, java.util.Set<String> s3Buckets) {
        ObjectNode block = content();
        ObjectNode image = block.putObject("image");
        if (i.url() != null && i.url().startsWith("s3://")) {
            image.put("format", s3Format(i.url(), s3Buckets, Attachments.where(i.param()))).putObject("source").putObject("s3Location").put("uri", i.url());
            return block;
        }
        Attachments.DataUrl data = Attachments.DataUrl.parse(i.url());
        String at = Attachments.where(i.param());
        if (data == null && i.url() != null && i.url().startsWith("data:")) throw Attachments.notBase64(i);
        if (data == null) {
            throw GatewayException.badRequest(at + ": an image by http URL cannot be sent to Bedrock, whose Converse API takes"
                    + " image bytes or an s3:// location only. Fix: send the image as a data URL (data:image/png;base64,…).", at);
        }
        String format = IMAGE_FORMATS.get(data.mediaType());
        if (format == null) {
            throw GatewayException.badRequest(at + ": an image of type " + data.mediaType() + " cannot be sent to Bedrock (PNG,"
                    + " JPEG, GIF and WebP only).", at);
        }
        image.put("format", format).putObject("source").put("bytes", data.base64());
        return block;
    }

    private static ObjectNode file(ContentPart.File f, BedrockDocumentNames names, boolean cites) {
        Attachments.DataUrl data = Attachments.inline(f, "Bedrock");
        String type = data.mediaType();
        ObjectNode block = content();
        String imageFormat = IMAGE_FORMATS.get(type);
        if (imageFormat != null) {
            block.putObject("image").put("format", imageFormat).putObject("source").put("bytes", data.base64());
            return block;
        }
        String format = DOCUMENT_FORMATS.get(type);
        if (format == null) {
            String at = Attachments.where(f.param());
            throw GatewayException.badRequest(at + " is a " + type + " file; Bedrock reads PDF, text, CSV, HTML, Markdown,"
                    + " Word, Excel and image files only.", at);
        }
        ObjectNode document = block.putObject("document").put("format", format).put("name", names.next(f.filename()));
        document.putObject("source").put("bytes", data.base64());
        // an Anthropic document's citations on (an OpenAI or Responses file part has no such field; an unknown one there is
        // not read): Converse's DocumentBlock.citations (CitationsConfig, {enabled}) for a Claude, whose answer then cites
        // it in citationsContent blocks (BedrockResponseDecoder gives an Anthropic client them as citations). Off, or on
        // another model (which Bedrock refuses the field for), the document goes without it, answered without citations.
        if (cites && citationsOn(f)) document.putObject("citations").put("enabled", true);
        return block;
    }

    /** Whether {@code f} is an Anthropic {@code document} block with {@code citations: {enabled: true}}. */
    static boolean citationsOn(ContentPart.File f) {
        return f.raw() != null && "document".equals(f.raw().path("type").asText())
                && f.raw().path("citations").path("enabled").booleanValue();
    }

    private static ObjectNode content() { return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(); }
}
