package dev.switchboard.edge.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Claude's signed thinking blocks carried through the Responses API in a reasoning item's {@code encrypted_content},
 * the field OpenAI made for exactly this (its models' reasoning, opaque, handed back on the next turn). Anthropic
 * requires the signed blocks back, first in the assistant turn, when a tool loop runs with thinking on; without them
 * a Responses tool loop against Claude failed on its second turn, from a stored conversation
 * ({@code previous_response_id}) as from a stateless client ({@code store: false} with
 * {@code include: ["reasoning.encrypted_content"]}, as Codex sends).
 *
 * <p>The content is {@link #PREFIX} and the blocks' JSON ({@code [{"type":"thinking","thinking","signature"}, …]},
 * LiteLLM's {@code thinking_blocks}) in base64url: opaque to the client as OpenAI's is, readable by the gateway; it
 * is not secret (Anthropic signs the blocks, it does not hide them). Any other {@code encrypted_content} (OpenAI's
 * own) is not ours and is left alone. A stored conversation always keeps it; the client sees it only when its
 * {@code include} asks for {@code reasoning.encrypted_content}, as OpenAI answers.
 */
final class SignedReasoning {
    static final String PREFIX = "switchboard.thinking_blocks.v1:";
    static final String INCLUDE = "reasoning.encrypted_content";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SignedReasoning() {}

    static String encode(ArrayNode blocks) {
        try {
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(MAPPER.writeValueAsBytes(blocks));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The blocks an {@code encrypted_content} of ours carries; null for anything else (OpenAI's, or garbage). */
    static ArrayNode decode(JsonNode encryptedContent) {
        if (encryptedContent == null || !encryptedContent.isTextual() || !encryptedContent.textValue().startsWith(PREFIX)) return null;
        try {
            byte[] json = Base64.getUrlDecoder().decode(encryptedContent.textValue().substring(PREFIX.length()));
            return MAPPER.readTree(new String(json, StandardCharsets.UTF_8)) instanceof ArrayNode a ? a : null;
        } catch (IllegalArgumentException | IOException e) {
            return null;
        }
    }

    /** Whether the request's {@code include} asks for the reasoning's encrypted content. */
    static boolean wanted(ResponsesRequest req) {
        JsonNode include = req.body() == null ? null : req.body().get("include");
        if (include == null || !include.isArray()) return false;
        for (JsonNode i : include) if (INCLUDE.equals(i.asText())) return true;
        return false;
    }

    /** The item as the client sees it: without our content unless asked for (a copy only when there is one to take out). */
    static ObjectNode visible(ObjectNode item, boolean wanted) {
        if (wanted || !item.has("encrypted_content")) return item;
        ObjectNode copy = item.deepCopy();
        copy.remove("encrypted_content");
        return copy;
    }

    /** The id form this gateway gives the items it makes ({@link ResponseObject#itemId}); OpenAI's reasoning ids are longer. */
    private static final java.util.regex.Pattern OUR_REASONING_ID = java.util.regex.Pattern.compile("rs_[0-9a-f]{32}");

    /**
     * The body an OpenAI deployment is passed (the pass-through): without the reasoning items this gateway made from
     * another provider's answer, which a stateless client (Codex CLI, {@code store: false}) hands back when its
     * conversation moves to OpenAI (a model switch, an alias whose deployments mix providers, a fallback). OpenAI can
     * verify only its own: ours would be its 400 {@code invalid_encrypted_content} (Claude's signed thinking in
     * {@code encrypted_content}) or its 404 "Item with id 'rs_…' not found" (another provider's, without it). Such an
     * item is another model's notes, which the translation leaves out too. A copy only when there is one to take out.
     */
    static ObjectNode withoutOurReasoning(ObjectNode body) {
        if (body == null || !(body.get("input") instanceof ArrayNode input)) return body;
        boolean any = false;
        for (JsonNode i : input) any |= ours(i);
        if (!any) return body;
        ObjectNode copy = body.deepCopy();
        ArrayNode kept = copy.putArray("input");
        for (JsonNode i : input) if (!ours(i)) kept.add(i.deepCopy());
        return copy;
    }

    private static boolean ours(JsonNode item) {
        if (!"reasoning".equals(item.path("type").textValue())) return false;
        JsonNode encrypted = item.get("encrypted_content");
        if (encrypted != null && encrypted.isTextual()) return encrypted.textValue().startsWith(PREFIX);
        return item.path("id").isTextual() && OUR_REASONING_ID.matcher(item.get("id").textValue()).matches();
    }

    /** The Response object as the client sees it (see {@link #visible(ObjectNode, boolean)}). */
    static ObjectNode visibleResponse(ObjectNode response, boolean wanted) {
        if (wanted || !(response.get("output") instanceof ArrayNode output)) return response;
        boolean any = false;
        for (JsonNode i : output) any |= i.has("encrypted_content");
        if (!any) return response;
        ObjectNode copy = response.deepCopy();
        for (JsonNode i : copy.withArray("output")) ((ObjectNode) i).remove("encrypted_content");
        return copy;
    }
}
