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
 * own) is not ours and is left alone (an OpenAI deployment's pass-through leaves ours out:
 * {@code provider.openai.ResponsesPassThrough}). A stored conversation always keeps it; the client sees it only when its
 * {@code include} asks for {@code reasoning.encrypted_content}, as OpenAI answers.
 */
final class SignedReasoning {
    static final String PREFIX = dev.switchboard.model.GatewayReasoning.CONTENT_PREFIX;
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
