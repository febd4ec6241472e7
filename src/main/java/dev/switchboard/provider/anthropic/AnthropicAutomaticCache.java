package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Anthropic's automatic caching (a top-level {@code cache_control}: "automatically applies a cache_control marker to the
 * last cacheable block in the request") for a host of Claude that refuses the field. Claude on Vertex AI answers it with
 * a 400 "cache_control: Extra inputs are not permitted" (Anthropic's docs: automatic caching on Bedrock and Vertex AI is
 * "coming later"; UKGovernmentBEIS/inspect_ai#3851), so the marker is moved onto that block, which is what Anthropic's
 * API does with it: the same prefix is cached, and the caller keeps the caching it asked for.
 */
public final class AnthropicAutomaticCache {

    private AnthropicAutomaticCache() {}

    /**
     * Takes the top-level {@code cache_control} off the body and puts it on the last block of the last message that can
     * carry one (thinking blocks cannot; a string content becomes one text block), unless that block has a marker
     * already. Nothing changes a body without the field.
     */
    public static void ontoLastBlock(ObjectNode body) {
        JsonNode control = body.remove("cache_control");
        if (control == null || !control.isObject() || !(body.get("messages") instanceof ArrayNode messages)) return;
        // the one walk to that block, shared with the automatic-caching checks (CacheInjectionPoint)
        JsonNode last = dev.switchboard.model.CacheInjectionPoint.lastCacheableBlock(messages);
        if (last instanceof ObjectNode block) {
            if (!block.has("cache_control")) block.set("cache_control", control.deepCopy());
            return;
        }
        if (last == null) return;
        for (int i = messages.size() - 1; i >= 0; i--) { // a string content: made one text block with the marker
            if (messages.get(i) instanceof ObjectNode message && message.get("content") == last) {
                message.putArray("content").addObject().put("type", "text").put("text", last.asText())
                        .set("cache_control", control.deepCopy());
                return;
            }
        }
    }
}
