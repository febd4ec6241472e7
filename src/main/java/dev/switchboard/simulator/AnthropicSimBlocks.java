package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Anthropic's checks on a message's content blocks, in its (pydantic) wording: the block's {@code type} must be
 * one the API knows, so an OpenAI-shaped {@code file} or {@code input_audio} part is refused as the real API
 * refuses it; a {@code document} must have a base64 PDF, plain-text, content, URL or file (Files API) source; an image must be one of
 * the four image types Anthropic reads. A {@code file} source (Anthropic's Files API) is refused without the
 * {@value #FILES_API} beta, as the API does for its other betas.
 */
final class AnthropicSimBlocks {
    /** The tags the API lists for a message content block (its discriminated union, alphabetical as it prints them). */
    private static final List<String> TAGS = List.of("bash_code_execution_tool_result", "code_execution_tool_result",
            "container_upload", "document", "image", "mcp_tool_result", "mcp_tool_use", "redacted_thinking", "search_result",
            "server_tool_use", "text", "text_editor_code_execution_tool_result", "thinking", "tool_result", "tool_use",
            "web_fetch_tool_result", "web_search_tool_result");
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    static final String FILES_API = "files-api-2025-04-14";

    private AnthropicSimBlocks() {}

    /**
     * @param at       the block's location, {@code messages.0.content.1}
     * @param filesApi whether the request's {@code anthropic-beta} names {@value #FILES_API}
     * @return the API's error message, or null
     */
    static String check(JsonObject block, String at, boolean filesApi) {
        Object type = block.getValue("type");
        if (!(type instanceof String tag)) return at + ": Unable to extract tag using discriminator 'type'";
        if (!TAGS.contains(tag)) return at + ": Input tag '" + tag + "' found using 'type' does not match any of the expected tags: " + tags(TAGS);
        if (!filesApi && ("document".equals(tag) || "image".equals(tag)) && block.getValue("source") instanceof JsonObject source
                && "file".equals(source.getString("type"))) {
            return at + "." + tag + ".source.file: a file source requires the anthropic-beta header '" + FILES_API + "'";
        }
        return switch (tag) {
            case "document" -> document(block.getValue("source"), at + ".document.source");
            case "image" -> image(block.getValue("source"), at + ".image.source");
            case "tool_use" -> toolId(block.getValue("id"), at + ".tool_use.id");
            case "tool_result" -> toolId(block.getValue("tool_use_id"), at + ".tool_result.tool_use_id");
            default -> null;
        };
    }

    private static String document(Object s, String at) {
        if (!(s instanceof JsonObject source)) return at + ": Field required";
        String type = source.getString("type", "");
        return switch (type) {
            case "base64" -> {
                if (!"application/pdf".equals(source.getString("media_type"))) yield at + ".base64.media_type: Input should be 'application/pdf'";
                if (!(source.getValue("data") instanceof String data)) yield at + ".base64.data: Field required";
                // the API opens the PDF; a payload that is not one (a data: URL prefix left on, say) is refused
                yield pdf(data) ? null : at + ".base64.data: The PDF specified was not valid.";
            }
            case "text" -> !"text/plain".equals(source.getString("media_type")) ? at + ".text.media_type: Input should be 'text/plain'"
                    : source.getValue("data") instanceof String ? null : at + ".text.data: Field required";
            case "content", "url" -> null;
            case "file" -> source.getValue("file_id") instanceof String ? null : at + ".file.file_id: Field required"; // Files API
            default -> at + ": Input tag '" + type + "' found using 'type' does not match any of the expected tags: "
                    + tags(List.of("base64", "content", "file", "text", "url"));
        };
    }

    /** Anthropic's pattern for tool-call ids, in history too (an id another provider made may break it). */
    private static String toolId(Object id, String at) {
        if (!(id instanceof String s)) return at + ": Field required";
        return s.matches("^[a-zA-Z0-9_-]+$") ? null : at + ": String should match pattern '^[a-zA-Z0-9_-]+$'";
    }

    private static String image(Object s, String at) {
        if (!(s instanceof JsonObject source) || !"base64".equals(source.getString("type"))) return null;
        return IMAGE_TYPES.contains(source.getString("media_type")) ? null
                : at + ".base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'";
    }

    private static boolean pdf(String base64) {
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            return new String(bytes, 0, Math.min(5, bytes.length), StandardCharsets.ISO_8859_1).equals("%PDF-");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A document block as the OpenAI part the shared reply logic counts. */
    static JsonObject asOpenAiFile(JsonObject block) {
        JsonObject source = block.getJsonObject("source", new JsonObject());
        String data = source.getString("data");
        String url = data == null ? null : "base64".equals(source.getString("type"))
                ? "data:" + source.getString("media_type") + ";base64," + data
                : "data:text/plain;base64," + Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8));
        return new JsonObject().put("type", "file").put("file", url == null ? new JsonObject() : new JsonObject().put("file_data", url));
    }

    private static String tags(List<String> tags) {
        return String.join(", ", tags.stream().map(t -> "'" + t + "'").toList());
    }

    /** Blocks of a message's content array, checked in order. */
    static String checkAll(JsonArray blocks, String at, String betaHeader) {
        boolean filesApi = betaHeader != null && java.util.Arrays.stream(betaHeader.split(",")).map(String::trim).anyMatch(FILES_API::equals);
        for (int b = 0; b < blocks.size(); b++) {
            if (!(blocks.getValue(b) instanceof JsonObject block)) return at + "." + b + ": Input should be a valid dictionary";
            String invalid = check(block, at + "." + b, filesApi);
            if (invalid != null) return invalid;
        }
        return null;
    }
}
