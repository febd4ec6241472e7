package dev.switchboard.model;

/**
 * An answer's text with the citations a provider gave it, in Anthropic's shape: the assistant message's
 * {@link Message#extra()} field {@value #FIELD}, a list of Anthropic {@code text} blocks ({@code {"type":"text","text",
 * "citations":[…]}}, the uncited ones without {@code citations}) whose texts joined are the message's text. A provider
 * that answers Claude's document citations in another wire format (Bedrock's Converse {@code citationsContent}) sets
 * it; the Anthropic edge writes these blocks instead of the one joined text block, so an Anthropic client gets its
 * {@code citations}; an OpenAI client gets the field as it is, beside the joined text.
 */
public final class CitedText {
    private CitedText() {}

    public static final String FIELD = "cited_text_blocks";

    /**
     * The message's cited text blocks when their texts joined are {@code text} (nothing else was added since), each
     * copied as {@code type}, {@code text} and {@code citations} only; else null. Null too unless every element is an
     * object with {@code type: "text"} and a textual {@code text}: the field is in the message's extra, which also keeps
     * an OpenAI-compatible upstream's unknown message fields, so one of this name from an upstream is never written as
     * Anthropic content.
     */
    public static com.fasterxml.jackson.databind.node.ArrayNode blocks(Message m, String text) {
        if (m.extra() == null || !(m.extra().get(FIELD) instanceof com.fasterxml.jackson.databind.node.ArrayNode blocks)) return null;
        com.fasterxml.jackson.databind.node.ArrayNode out = blocks.arrayNode(blocks.size());
        StringBuilder joined = new StringBuilder(text.length());
        for (com.fasterxml.jackson.databind.JsonNode b : blocks) {
            if (!b.isObject() || !"text".equals(b.path("type").textValue()) || !b.path("text").isTextual()) return null;
            com.fasterxml.jackson.databind.node.ObjectNode copy = out.addObject().put("type", "text").put("text", b.get("text").textValue());
            if (b.has("citations")) {
                if (!b.get("citations").isArray()) return null;
                copy.set("citations", b.get("citations").deepCopy());
            }
            joined.append(b.get("text").textValue());
        }
        return joined.toString().equals(text) ? out : null;
    }
}
