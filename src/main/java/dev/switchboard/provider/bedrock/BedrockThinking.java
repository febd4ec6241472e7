package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.Message;
import dev.switchboard.model.ThinkingBlocks;

/**
 * Claude's signed thinking through Converse, both ways. Converse gives it as {@code reasoningContent} blocks
 * ({@code reasoningText: {text, signature}}, or {@code redactedContent}); the canonical answer carries them as
 * LiteLLM's {@code thinking_blocks} ({@code {"type":"thinking","thinking","signature"}},
 * {@code {"type":"redacted_thinking","data"}}), the form the Anthropic provider gives, so an OpenAI-dialect client and
 * a Responses conversation hand them back the same way whichever provider served Claude. Sent back, they go first in
 * the assistant turn: with thinking on, Claude refuses a tool loop's next turn without its signed block.
 */
final class BedrockThinking {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private BedrockThinking() {}

    /** One answer's {@code reasoningContent} as a thinking block; null when it is neither signed nor redacted. */
    static ObjectNode block(JsonNode reasoningContent) {
        JsonNode text = reasoningContent.path("reasoningText");
        if (text.path("signature").isTextual()) {
            return F.objectNode().put("type", "thinking").put("thinking", text.path("text").asText(""))
                    .put("signature", text.get("signature").textValue());
        }
        if (reasoningContent.path("redactedContent").isTextual()) {
            return F.objectNode().put("type", "redacted_thinking").put("data", reasoningContent.get("redactedContent").textValue());
        }
        return null;
    }

    /**
     * A streamed {@code reasoningContent} delta that is a signature (its block's text came in the deltas before, so the
     * block's text is empty here, as the Anthropic stream gives it) or a redacted block; null for anything else.
     */
    static ArrayNode streamed(JsonNode delta) {
        ObjectNode block = null;
        if (delta.path("signature").isTextual()) {
            block = F.objectNode().put("type", "thinking").put("thinking", "").put("signature", delta.get("signature").textValue());
        } else if (delta.path("redactedContent").isTextual()) {
            block = F.objectNode().put("type", "redacted_thinking").put("data", delta.get("redactedContent").textValue());
        }
        return block == null ? null : F.arrayNode().add(block);
    }

    /** An assistant turn's {@code thinking_blocks} as Converse's {@code reasoningContent} blocks, added to its content. */
    static void addBlocks(ArrayNode content, Message m) {
        for (ThinkingBlocks.Block b : ThinkingBlocks.of(m)) {
            if (b.redacted()) {
                content.addObject().putObject("reasoningContent").put("redactedContent", b.redactedData());
            } else {
                content.addObject().putObject("reasoningContent").putObject("reasoningText")
                        .put("text", b.thinking()).put("signature", b.signature());
            }
        }
    }
}
