package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Anthropic's automatic caching (a top-level {@code cache_control}: "automatically applies a cache_control marker to the
 * last cacheable block in the request") for a host of Claude that refuses the field. Claude on Vertex AI answers it with
 * a 400 "cache_control: Extra inputs are not permitted" (Anthropic's docs: automatic caching on Bedrock and Vertex AI is
 * "coming later"; UKGovernmentBEIS/inspect_ai#3851), so the marker is moved onto that block, which is what Anthropic's
 * API does with it: the same prefix is cached, and the caller keeps the caching it asked for.
 */
public final class AnthropicAutomaticCache {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AnthropicAutomaticCache() {}

    /**
     * Takes the top-level {@code cache_control} off the body and puts it on the last block of the last message that can
     * carry one (thinking blocks cannot; a string content becomes one text block), unless that block has a marker
     * already. Nothing changes a body without the field.
     */
    public static void ontoLastBlock(ObjectNode body) {
        JsonNode control = body.remove("cache_control");
        if (control == null || !control.isObject() || !(body.get("messages") instanceof ArrayNode messages)) return;
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (!(messages.get(i) instanceof ObjectNode message)) continue;
            JsonNode content = message.get("content");
            if (content != null && content.isTextual()) {
                if (content.asText().isBlank()) continue;
                ArrayNode blocks = F.arrayNode();
                blocks.addObject().put("type", "text").put("text", content.asText());
                message.set("content", blocks);
                content = blocks;
            }
            if (!(content instanceof ArrayNode blocks)) continue;
            for (int j = blocks.size() - 1; j >= 0; j--) {
                if (!(blocks.get(j) instanceof ObjectNode block) || !cacheable(block)) continue;
                if (!block.has("cache_control")) block.set("cache_control", control.deepCopy());
                return;
            }
        }
    }

    private static boolean cacheable(ObjectNode block) {
        String type = block.path("type").asText();
        if (type.equals("thinking") || type.equals("redacted_thinking")) return false;
        return !type.equals("text") || !block.path("text").asText().isBlank();
    }
}
