package dev.switchboard.provider;

import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GatewayException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * OpenAI-dialect attachments as providers other than OpenAI need them: the bytes of a {@code file} part, inline.
 * OpenAI also lets a client name a file by {@code file_id}, an id of OpenAI's own Files API that no other provider
 * can resolve; the gateway keeps no mapping of uploads, so such a part is refused with a 400 that says so.
 */
public final class Attachments {
    private Attachments() {}

    /** A base64 {@code data:} URL split into its media type (lower case, parameters dropped; {@code image/jpg}, which OpenAI accepts and Anthropic and Gemini refuse, read as {@code image/jpeg}) and its payload. */
    public record DataUrl(String mediaType, String base64) {
        /** @return null unless {@code url} is {@code data:<media type>[;param…];base64,<data>} */
        public static DataUrl parse(String url) {
            if (url == null || !url.startsWith("data:")) return null;
            int comma = url.indexOf(',');
            if (comma < 0 || !url.substring(0, comma).endsWith(";base64")) return null;
            int end = url.indexOf(';');
            String type = url.substring(5, end).trim().toLowerCase(Locale.ROOT);
            if (type.equals("image/jpg")) type = "image/jpeg";
            return type.isEmpty() ? null : new DataUrl(type, url.substring(comma + 1));
        }

        /** The decoded bytes; line breaks in the payload are tolerated, as browsers do. */
        public byte[] bytes() { return Base64.getMimeDecoder().decode(base64); }
    }

    /** Where the part is, for a message: the caller's own field name, or "messages" for a part the gateway built. */
    /**
     * Refuses, naming the field, a system message's part that is not text where the provider takes a system prompt of
     * text only (Gemini, Bedrock, an OpenAI-style server that takes no system message in the conversation): an
     * Anthropic client's mid-conversation system block other than text ({@code tool_addition}, {@code tool_removal}),
     * or its directive-only form ({@code content: []}), which only Anthropic's API understands.
     */
    public static void systemTextOnly(dev.switchboard.model.Message m, String provider) {
        for (dev.switchboard.model.ContentPart p : m.content()) {
            if (p instanceof dev.switchboard.model.ContentPart.Other o) {
                String at = where(o.param());
                throw dev.switchboard.model.GatewayException.badRequest(at + ": a system message's " + o.type()
                        + " cannot be translated for " + provider + ", which takes a system prompt of text only; only "
                        + "Anthropic's API takes it.", at);
            }
        }
    }

    public static String where(String param) { return param != null ? param : "messages"; }

    /** A 400 naming the image ({@link ContentPart.Image#param()}) whose {@code data:} URL is not base64, which no provider reads. */
    public static GatewayException notBase64(ContentPart.Image i) {
        String at = where(i.param());
        return GatewayException.badRequest(at + ": image data URLs must be base64: data:<media type>;base64,<data>.", at);
    }

    /** Anthropic's beta that its Files API blocks ({@code source.type: "file"}) need. */
    public static final String FILES_API_BETA = "files-api-2025-04-14";

    /**
     * Why a block the client wrote in Anthropic's shape cannot be translated for {@code provider}, when the block says
     * more than its type: an image or document by {@code file_id} (Anthropic's Files API, which only Anthropic's own API
     * reads), a document by URL (which the gateway would have to fetch, and it fetches no caller URLs); "" otherwise.
     * Read after the provider's own sentence.
     */
    public static String anthropicOnly(ContentPart.Other o, String provider) {
        String source = o.raw() == null ? "" : o.raw().path("source").path("type").asText();
        if (source.equals("file")) {
            return " It refers to a file of Anthropic's Files API (file_id '" + o.raw().path("source").path("file_id").asText()
                    + "'), which only Anthropic's own API can read: send the " + o.type() + " inline (base64) instead.";
        }
        if (source.equals("url") && o.type().equals("document")) {
            return " It is a document by URL, which this gateway does not translate for " + provider
                    + " (it fetches no caller URLs): send it inline (base64) instead.";
        }
        return "";
    }

    /**
     * Refuses, naming the part, an Anthropic client's image or document by {@code file_id} where Claude is reached on a
     * host other than Anthropic's own API (Vertex AI, which drops the {@value #FILES_API_BETA} beta and would answer
     * its own 400): the Files API and its uploads are Anthropic's alone.
     */
    public static void noFilesApi(List<dev.switchboard.model.Message> messages, String deployment) {
        for (dev.switchboard.model.Message m : messages) {
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Other o && o.raw() != null && o.raw().path("source").path("type").asText().equals("file")) {
                    String at = where(o.param());
                    throw GatewayException.badRequest(at + ": this " + o.type() + " cannot be sent to '" + deployment
                            + "', whose host takes no Anthropic Files API." + anthropicOnly(o, deployment), at);
                }
            }
        }
    }

    /**
     * The file's inline content, or a 400 naming the part (in the caller's spelling) when there is none that
     * {@code provider} could read: only a {@code file_id}, nothing at all, or {@code file_data} that is not a
     * base64 {@code data:} URL (OpenAI's own requirement too, so no valid request is refused for it).
     */
    public static DataUrl inline(ContentPart.File f, String provider) {
        String at = where(f.param());
        if (f.fileData() == null) {
            String why = f.fileId() != null
                    ? "refers to a file by file_id ('" + f.fileId() + "'), an id of OpenAI's Files API that " + provider + " cannot read"
                    : "has neither file_data nor file_id";
            throw GatewayException.badRequest(at + " " + why + ". Send the file inline as file.file_data, a data URL: "
                    + "data:<media type>;base64,<data>.", at);
        }
        DataUrl url = DataUrl.parse(f.fileData());
        if (url == null) {
            throw GatewayException.badRequest(at + ".file.file_data must be a base64 data URL: data:<media type>;base64,<data>.",
                    at + ".file.file_data");
        }
        return url;
    }
}
