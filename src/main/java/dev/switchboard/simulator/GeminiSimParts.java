package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gemini's checks on {@code contents[].parts[]}. Google parses the body as protobuf JSON, so a field a Part does
 * not define (an OpenAI {@code type} or {@code file}) is refused before anything else, every unknown name listed;
 * and inline data must be of a MIME type Gemini reads ("Unsupported MIME type: …").
 */
final class GeminiSimParts {
    /** Part's fields in both spellings protobuf JSON accepts. */
    private static final Set<String> PART = Set.of("text", "inlineData", "inline_data", "fileData", "file_data",
            "functionCall", "function_call", "functionResponse", "function_response", "executableCode", "executable_code",
            "codeExecutionResult", "code_execution_result", "videoMetadata", "video_metadata", "thought",
            "thoughtSignature", "thought_signature", "partMetadata", "part_metadata", "mediaResolution", "media_resolution");
    /** The messages' field names for the nested objects we check (Google names paths in snake_case). */
    private static final Map<String, Set<String>> NESTED = Map.of(
            "inline_data", Set.of("mimeType", "mime_type", "data", "displayName", "display_name"),
            "file_data", Set.of("mimeType", "mime_type", "fileUri", "file_uri", "displayName", "display_name"));
    /** MIME types Google lists for inline data (images, audio, video, PDF); any text/* is read as text. */
    private static final Set<String> MEDIA = Set.of("image/png", "image/jpeg", "image/webp", "image/heic", "image/heif",
            "audio/wav", "audio/mp3", "audio/aiff", "audio/aac", "audio/ogg", "audio/flac", "audio/mpeg", "audio/m4a",
            "audio/l16", "audio/opus", "audio/alaw", "audio/mulaw", "video/mp4", "video/mpeg", "video/mov", "video/avi",
            "video/x-flv", "video/mpg", "video/webm", "video/wmv", "video/3gpp", "application/pdf");

    private GeminiSimParts() {}

    /** One field Google could not place: {@code field} is where, {@code description} Google's sentence. */
    record Violation(String field, String description) {}

    /** Every unknown name in the parts (and their inline/file data), in order; empty when there is none. */
    static List<Violation> unknownNames(JsonArray contents) {
        List<Violation> out = new ArrayList<>();
        for (int i = 0; i < contents.size(); i++) {
            if (!(contents.getValue(i) instanceof JsonObject c) || !(c.getValue("parts") instanceof JsonArray parts)) continue;
            for (int j = 0; j < parts.size(); j++) {
                if (!(parts.getValue(j) instanceof JsonObject part)) continue;
                String at = "contents[" + i + "].parts[" + j + "]";
                for (String name : part.fieldNames()) {
                    if (!PART.contains(name)) out.add(unknown(name, at));
                }
                for (var nested : NESTED.entrySet()) {
                    JsonObject value = field(part, nested.getKey());
                    if (value == null) continue;
                    for (String name : value.fieldNames()) {
                        if (!nested.getValue().contains(name)) out.add(unknown(name, at + "." + nested.getKey()));
                    }
                }
            }
        }
        return out;
    }

    /** Google's answer to an inline MIME type it does not read, or null when every one is fine. */
    static String unsupportedMimeType(JsonArray contents) {
        for (Object c : contents) {
            if (!(c instanceof JsonObject content) || !(content.getValue("parts") instanceof JsonArray parts)) continue;
            for (Object p : parts) {
                JsonObject blob = p instanceof JsonObject part ? field(part, "inline_data") : null;
                if (blob == null) continue;
                String mime = blob.getString("mimeType", blob.getString("mime_type", ""));
                if (!MEDIA.contains(mime) && !mime.startsWith("text/")) return "Unsupported MIME type: " + mime;
            }
        }
        return null;
    }

    /** The Google error body's message for these violations: one line each, as Google joins them. */
    static String message(List<Violation> violations) {
        return String.join("\n", violations.stream().map(Violation::description).toList());
    }

    /** Google's google.rpc.BadRequest detail listing the violations. */
    static JsonObject detail(List<Violation> violations) {
        JsonArray list = new JsonArray();
        for (Violation v : violations) list.add(new JsonObject().put("field", v.field()).put("description", v.description()));
        return new JsonObject().put("@type", "type.googleapis.com/google.rpc.BadRequest").put("fieldViolations", list);
    }

    private static Violation unknown(String name, String at) {
        return new Violation(at, "Invalid JSON payload received. Unknown name \"" + name + "\" at '" + at + "': Cannot find field.");
    }

    /** A nested object under its snake_case name or its camelCase one. */
    private static JsonObject field(JsonObject part, String snake) {
        String camel = snake.equals("inline_data") ? "inlineData" : "fileData";
        Object v = part.getValue(camel, part.getValue(snake));
        return v instanceof JsonObject o ? o : null;
    }
}
