package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An answer's text with the citations a provider gave it, in Anthropic's shape. A provider that answers Claude's document
 * citations in another wire format (Bedrock's Converse {@code citationsContent}) sets the assistant message's
 * {@link Message#extra()} field {@value #FIELD} to a {@link Blocks}: Anthropic {@code text} blocks ({@code {"type":"text",
 * "text","citations":[…]}}, the uncited ones without {@code citations}) whose texts joined are the message's text. The
 * Anthropic edge writes these blocks instead of the one joined text block, so an Anthropic client gets its
 * {@code citations}; an OpenAI client gets the field as it is, beside the joined text.
 *
 * <p>Streamed, a chunk's {@link Delta#extra()} carries a {@link Citation} under {@value #CITATION} (Anthropic's citation
 * object: the Anthropic edge's {@code citations_delta} on the open text block; an OpenAI client's delta field as it is),
 * and a {@link BlockStart} under {@value #BLOCK_START} on the first piece of a new provider text block, so the Anthropic
 * edge opens a text block of its own for the cited part, as Anthropic streams it (no OpenAI client sees that one).
 *
 * <p>Ours by type, not by name: an extra also keeps an OpenAI-compatible upstream's unknown fields, which are plain JSON
 * nodes, so an upstream's own field of one of these names is passed on to an OpenAI client as it came and is never
 * written as Anthropic content. The cache keeps the blocks apart from the extra ({@code CachedAnswerCodec}).
 */
public final class CitedText {
    private CitedText() {}

    public static final String FIELD = "cited_text_blocks";
    public static final String CITATION = "citation";
    public static final String BLOCK_START = "text_block_start";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The answer's text blocks with their citations: a node only the gateway makes. */
    public static final class Blocks extends ArrayNode {
        public Blocks() { super(F); }

        @Override
        public Blocks deepCopy() {
            Blocks copy = new Blocks();
            for (JsonNode n : this) copy.add(n.deepCopy());
            return copy;
        }
    }

    /** One streamed citation in Anthropic's shape: a node only the gateway makes. */
    public static final class Citation extends ObjectNode {
        public Citation() { super(F); }

        @Override
        public Citation deepCopy() {
            Citation copy = new Citation();
            copy.setAll((ObjectNode) super.deepCopy());
            return copy;
        }
    }

    /** The mark of a streamed piece that begins a provider text block of its own (written to no client). */
    public static final class BlockStart extends ObjectNode {
        public BlockStart() { super(F); }

        @Override
        public BlockStart deepCopy() { return new BlockStart(); }
    }

    /** {@code blocks} (the gateway's own, as a decoder builds them) as ours. */
    public static Blocks of(ArrayNode blocks) {
        Blocks b = new Blocks();
        for (JsonNode n : blocks) b.add(n);
        return b;
    }

    /** {@code citation} (Anthropic's shape, as a decoder builds it) as ours. */
    public static Citation citation(ObjectNode citation) {
        Citation c = new Citation();
        c.setAll(citation);
        return c;
    }

    /** A delta's streamed citation, when the gateway made it; else null. */
    public static ObjectNode citation(Delta d) {
        return d.extra() != null && d.extra().get(CITATION) instanceof Citation c ? c : null;
    }

    /** Whether a delta begins a provider text block of its own. */
    public static boolean blockStart(Delta d) {
        return d.extra() != null && d.extra().get(BLOCK_START) instanceof BlockStart;
    }

    /** Whether an extra's member is the gateway's mark for the Anthropic edge only (no OpenAI client is given it). */
    public static boolean internal(JsonNode value) {
        return value instanceof BlockStart;
    }

    /**
     * The message's cited text blocks when the gateway set them ({@link Blocks}) and their texts joined are {@code text}
     * (nothing else was added since), each copied as {@code type}, {@code text} and {@code citations} only; else null.
     * An upstream's own field of this name (a plain node) is never taken, whatever it holds.
     */
    public static ArrayNode blocks(Message m, String text) {
        if (m.extra() == null || !(m.extra().get(FIELD) instanceof Blocks blocks)) return null;
        ArrayNode out = blocks.arrayNode(blocks.size());
        StringBuilder joined = new StringBuilder(text.length());
        for (JsonNode b : blocks) {
            if (!b.isObject() || !"text".equals(b.path("type").textValue()) || !b.path("text").isTextual()) return null;
            ObjectNode copy = out.addObject().put("type", "text").put("text", b.get("text").textValue());
            if (b.has("citations")) {
                if (!b.get("citations").isArray()) return null;
                copy.set("citations", b.get("citations").deepCopy());
            }
            joined.append(b.get("text").textValue());
        }
        return joined.toString().equals(text) ? out : null;
    }
}
