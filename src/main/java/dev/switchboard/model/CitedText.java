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

    /** The message's cited text blocks when their texts joined are {@code text} (nothing else was added since); else null. */
    public static com.fasterxml.jackson.databind.node.ArrayNode blocks(Message m, String text) {
        if (m.extra() == null || !(m.extra().get(FIELD) instanceof com.fasterxml.jackson.databind.node.ArrayNode blocks)) return null;
        StringBuilder joined = new StringBuilder(text.length());
        for (com.fasterxml.jackson.databind.JsonNode b : blocks) joined.append(b.path("text").asText());
        return joined.toString().equals(text) ? blocks : null;
    }
}
