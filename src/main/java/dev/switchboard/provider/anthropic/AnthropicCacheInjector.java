package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adds prompt-cache breakpoints that a deployment's {@code cache_control_injection_points} ask for
 * (LiteLLM's syntax: {@code [{location: message, role: system}, {location: message, index: -1}]}) to an
 * Anthropic body. A message that already carries a breakpoint is left alone, and the total never exceeds
 * Anthropic's limit of four breakpoints per request; the client's own breakpoints always count first.
 */
final class AnthropicCacheInjector {
    static final int MAX_BREAKPOINTS = 4;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** One injection point: messages of a role (system included), or one message by index (negative from the end). */
    record Point(String role, Integer index) {}

    private final List<Point> points;

    AnthropicCacheInjector(List<Point> points) { this.points = points; }

    /** Reads LiteLLM's list from {@code litellm_params.cache_control_injection_points}; null or empty → none. */
    static AnthropicCacheInjector from(Object configured) {
        List<Point> out = new ArrayList<>();
        if (configured instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> m)) continue;
                Object role = m.get("role");
                Object index = m.get("index");
                out.add(new Point(role == null ? null : role.toString(), index instanceof Number n ? n.intValue() : null));
            }
        }
        return new AnthropicCacheInjector(out);
    }

    boolean isEmpty() { return points.isEmpty(); }

    void apply(ObjectNode body) {
        if (points.isEmpty()) return;
        int used = countBreakpoints(body);
        for (Point p : points) {
            if (used >= MAX_BREAKPOINTS) return;
            if ("system".equals(p.role())) {
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
