package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An assistant turn's {@code thinking_blocks} (LiteLLM's field: Claude's signed {@code thinking} blocks and
 * {@code redacted_thinking} blocks, which the gateway's answers carry too), checked once for every encoder that sends
 * them back to Claude (Anthropic's Messages API, Bedrock's Converse): only the two block types, with their own fields;
 * anything else there is refused, not forwarded.
 */
public final class ThinkingBlocks {
    private ThinkingBlocks() {}

    /** A signed thinking block ({@code thinking}, {@code signature}) or a redacted one ({@code data}). */
    public record Block(String thinking, String signature, String redactedData) {
        public boolean redacted() { return redactedData != null; }
    }

    /** The turn's blocks, in order; empty when it has none. */
    public static List<Block> of(Message m) {
        JsonNode given = m.extra() == null ? null : m.extra().get("thinking_blocks");
        if (given == null || given.isNull()) return List.of();
        if (!given.isArray()) throw GatewayException.badRequest("thinking_blocks must be a list of thinking blocks", "messages");
        List<Block> out = new ArrayList<>(given.size());
        for (JsonNode b : given) {
            String type = b.path("type").asText();
            if (type.equals("thinking") && b.path("thinking").isTextual() && b.path("signature").isTextual()) {
                out.add(new Block(b.get("thinking").textValue(), b.get("signature").textValue(), null));
            } else if (type.equals("redacted_thinking") && b.path("data").isTextual()) {
                out.add(new Block(null, null, b.get("data").textValue()));
            } else {
                throw GatewayException.badRequest("thinking_blocks: each must be {\"type\":\"thinking\",\"thinking\",\"signature\"} "
                        + "or {\"type\":\"redacted_thinking\",\"data\"}, as the answer gave them", "messages");
            }
        }
        // A streamed answer gives a block's text as reasoning and its signature in a piece of its own; a client that keeps
        // only the last piece hands back the one block with an empty text, and the turn's reasoning beside it: together
        // they are the block Claude signed.
        if (out.size() == 1 && !out.get(0).redacted() && out.get(0).thinking().isEmpty() && m.reasoning() != null) {
            out.set(0, new Block(m.reasoning(), out.get(0).signature(), null));
        }
        return out;
    }
}
