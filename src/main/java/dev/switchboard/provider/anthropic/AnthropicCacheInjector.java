package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.CacheInjectionPoint;
import java.util.List;

/**
 * Adds the breakpoints a deployment's {@code cache_control_injection_points} ask for to a raw Anthropic body
 * (the Anthropic dialect carried as the client sent it; translated requests get them on the canonical messages
 * through {@link CacheInjectionPoint#apply}, with the same rules). Here a {@code role: system} point marks the
 * last {@code system} block and indexes count Anthropic's {@code messages} array, as that dialect's clients see
 * it. A message that already carries a breakpoint is left alone, and the total never exceeds Anthropic's limit
 * of four; the client's own breakpoints always count first.
 */
final class AnthropicCacheInjector {
    private static final int MAX_BREAKPOINTS = CacheInjectionPoint.MAX_BREAKPOINTS;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final List<CacheInjectionPoint> points;

    AnthropicCacheInjector(List<CacheInjectionPoint> points) { this.points = points; }

    void apply(ObjectNode body) {
        if (points.isEmpty()) return;
        int used = countBreakpoints(body);
        for (CacheInjectionPoint p : points) {
            if (used >= MAX_BREAKPOINTS) return;
            if (p.index() == null && "system".equals(p.role())) { // an index wins over a role, as in CacheInjectionPoint
                JsonNode system = body.get("system");
                if (system != null && system.isTextual()) {
                    ArrayNode blocks = F.arrayNode();
                    blocks.addObject().put("type", "text").put("text", system.asText());
                    body.set("system", blocks);
                    system = blocks;
                }
                if (system instanceof ArrayNode blocks && mark(blocks)) used++;
                continue;
            }
            ArrayNode messages = (ArrayNode) body.get("messages");
            if (messages == null || messages.isEmpty()) continue;
            if (p.index() != null) {
                int i = p.index() < 0 ? messages.size() + p.index() : p.index();
                if (i >= 0 && i < messages.size() && markMessage((ObjectNode) messages.get(i))) used++;
            } else if (p.role() != null) {
                for (JsonNode m : messages) {
                    if (used >= MAX_BREAKPOINTS) return;
                    if (p.role().equals(m.path("role").asText()) && markMessage((ObjectNode) m)) used++;
                }
            }
        }
    }

    private static boolean markMessage(ObjectNode message) {
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            ArrayNode blocks = F.arrayNode();
            blocks.addObject().put("type", "text").put("text", content.asText());
            message.set("content", blocks);
            content = blocks;
        }
        return content instanceof ArrayNode blocks && mark(blocks);
    }

    /** Marks the last block unless some block of this list already has a breakpoint. */
    private static boolean mark(ArrayNode blocks) {
        if (blocks.isEmpty()) return false;
        for (JsonNode b : blocks) if (b.has("cache_control")) return false;
        ((ObjectNode) blocks.get(blocks.size() - 1)).putObject("cache_control").put("type", "ephemeral");
        return true;
    }

    static int countBreakpoints(JsonNode n) {
        if (n == null) return 0;
        int c = n.isObject() && n.has("cache_control") ? 1 : 0;
        if (n.isContainerNode()) for (JsonNode child : n) c += countBreakpoints(child);
        return c;
    }
}
