package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.provider.ToolCallIds;
import java.util.Base64;

/**
 * Gemini's {@code thoughtSignature} on functionCall parts, carried in the tool-call id so that the canonical
 * model needs no field for it (see {@link ToolCallIds}). A signature is a protobuf {@code bytes} field, which
 * Google writes as standard base64 with padding; inside the id it is written as base64url without padding,
 * because Anthropic tool_use ids must match {@code ^[a-zA-Z0-9_-]+$}. Going back, the bytes are written in
 * standard base64 again, which is exactly what Google sent.
 */
final class ThoughtSignatures {
    /**
     * The stand-in Google documents for function calls Gemini 3 did not sign (history from another model or
     * provider): Gemini 3 developer guide, "Migrating from other models".
     */
    static final String DUMMY = "context_engineering_is_the_way_to_go";

    private ThoughtSignatures() {}

    /** The tool-call id carrying this signature; the id unchanged when there is none (or it is not base64). */
    static String attach(String id, String signature) {
        if (signature == null || signature.isEmpty()) return id;
        byte[] bytes = decode(signature);
        return bytes == null ? id : id + ToolCallIds.SIGNATURE_SEPARATOR + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The signature carried by a tool-call id, in Google's standard base64; null when there is none. */
    static String of(String id) {
        if (id == null) return null;
        int at = id.indexOf(ToolCallIds.SIGNATURE_SEPARATOR);
        if (at < 0) return null;
        // Also reads LiteLLM's ids, which carry the signature in standard base64.
        byte[] bytes = decode(id.substring(at + ToolCallIds.SIGNATURE_SEPARATOR.length()));
        return bytes == null || bytes.length == 0 ? null : Base64.getEncoder().encodeToString(bytes);
    }

    /** Gemini 3 models reject a current turn whose function calls lack signatures; 2.5 only warns. */
    static boolean required(String model) {
        return model != null && model.replaceFirst("^models/", "").startsWith("gemini-3");
    }

    /**
     * Google's rule: the current turn starts at the last user content with standard content (not only
     * functionResponse parts), and the first functionCall part of every model step after it must carry a
     * signature; earlier turns are not validated. A step whose call has none (history from another provider)
     * gets {@link #DUMMY}.
     */
    static void fillCurrentTurn(ArrayNode contents) {
        for (int i = contents.size() - 1; i >= 0 && !startsTurn(contents.get(i)); i--) {
            JsonNode c = contents.get(i);
            if (!"model".equals(c.path("role").asText())) continue;
            for (JsonNode p : c.path("parts")) {
                if (!p.has("functionCall")) continue;
                if (!p.has("thoughtSignature")) ((ObjectNode) p).put("thoughtSignature", DUMMY);
                break;
            }
        }
    }

    private static boolean startsTurn(JsonNode content) {
        if (!"user".equals(content.path("role").asText())) return false;
        for (JsonNode p : content.path("parts")) if (!p.has("functionResponse")) return true;
        return false;
    }

    /** Standard or URL-safe base64, padded or not; null when it is neither. */
    private static byte[] decode(String s) {
        try {
            return Base64.getUrlDecoder().decode(s.replace('+', '-').replace('/', '_'));
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }
}
