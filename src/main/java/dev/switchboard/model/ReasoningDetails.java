package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * OpenRouter's {@code reasoning_details} (an answer's, kept in a message's or a delta's {@code extra}) as Claude's
 * thinking blocks (LiteLLM's {@code thinking_blocks} shape, which the Anthropic edge writes), and an Anthropic client's
 * blocks back as {@code reasoning_details}. OpenRouter's reasoning tokens docs: a detail is {@code reasoning.text}
 * ({@code text}, and Claude's {@code signature}), {@code reasoning.encrypted} ({@code data}: Claude's redacted thinking)
 * or {@code reasoning.summary}, each with the {@code format} it came in ({@code anthropic-claude-v1} for Claude) and an
 * {@code index}; a stream sends a block's text in pieces and its signature in a piece of its own. Only Claude's details
 * become thinking blocks: another format's signature or encrypted data (OpenAI's, Gemini's) means nothing to Claude, and
 * their text reaches the client as the answer's reasoning already.
 */
public final class ReasoningDetails {
    private ReasoningDetails() {}

    /** The field's name, on an answer's message or delta and on a request's assistant message. */
    public static final String FIELD = "reasoning_details";
    /** OpenRouter's name of Claude's reasoning format. */
    static final String CLAUDE = "anthropic-claude-v1";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /**
     * A whole answer's details as thinking blocks, in order: a {@code reasoning.text} as a {@code thinking} block with its
     * signature, a {@code reasoning.encrypted} as a {@code redacted_thinking} block; null when none of them is Claude's
     * signed or encrypted reasoning (the answer's reasoning text then stands alone, unsigned, as before).
     *
     * @param reasoning the answer's reasoning text, for the first thinking block when no block has text of its own
     *                  (a cache entry recorded before {@link #merge} joined a stream's pieces, or details whose texts
     *                  OpenRouter sent only as the plain reasoning), as {@link ThinkingBlocks#of} does and the stream's
     *                  walk does
     */
    public static ArrayNode thinkingBlocks(JsonNode details, String reasoning) {
        if (details == null || !details.isArray() || !signed(details)) return null;
        ArrayNode out = F.arrayNode();
        for (JsonNode d : details) {
            if (!claude(d)) continue;
            String type = d.path("type").asText();
            if (type.equals("reasoning.text")) {
                out.addObject().put("type", "thinking").put("thinking", d.path("text").asText(""))
                        .put("signature", d.path("signature").asText(""));
            } else if (type.equals("reasoning.encrypted") && d.path("data").isTextual()) {
                out.addObject().put("type", "redacted_thinking").put("data", d.get("data").textValue());
            }
        }
        if (reasoning != null && !reasoning.isEmpty()) {
            // no block has text of its own: the plain reasoning is the first thinking block's, as the stream's walk
            // routes a piece's plain reasoning to its first thinking detail (ReasoningWalk.walk), so the whole answer
            // keeps it as the stream does (before, with more than one block it was dropped)
            ObjectNode first = null;
            boolean anyText = false;
            for (JsonNode b : out) {
                if (!b.path("thinking").asText("").isEmpty()) anyText = true;
                if (first == null && b instanceof ObjectNode o && "thinking".equals(o.path("type").asText())) first = o;
            }
            if (!anyText && first != null) first.put("thinking", reasoning);
        }
        return out;
    }

    /**
     * A stream piece's Claude details in their order, for the Anthropic edge's walk by detail: a {@code reasoning.text}
     * (or {@code reasoning.summary}) as a {@code thinking} piece with its own text and its signature ({@code ""} when it
     * has none: its block goes on in a later piece), a {@code reasoning.encrypted} as a {@code redacted_thinking} block;
     * each with the detail's {@code index} when it has one (OpenRouter's sequential index of the block a piece belongs
     * to). Details with neither text nor signature are left out. Null when none is left (no Claude detail with content:
     * another format's, or the {@code []} of OpenRouter's content chunks). Unlike the former signedPieces with
     * {@link #text}, which join all the texts into one, each detail keeps its own text, so a piece of several signed
     * blocks gives several blocks.
     */
    public static ArrayNode inOrder(JsonNode details) {
        if (details == null || !details.isArray() || details.isEmpty()) return null;
        ArrayNode out = null;
        for (JsonNode d : details) {
            if (!claude(d)) continue;
            String type = d.path("type").asText();
            ObjectNode piece;
            if (type.equals("reasoning.encrypted")) {
                if (!d.path("data").isTextual()) continue;
                piece = F.objectNode().put("type", "redacted_thinking").put("data", d.get("data").textValue());
            } else {
                JsonNode t = type.equals("reasoning.text") ? d.get("text") : type.equals("reasoning.summary") ? d.get("summary") : null;
                String text = t != null && t.isTextual() ? t.textValue() : "";
                String signature = type.equals("reasoning.text") ? d.path("signature").asText("") : "";
                if (text.isEmpty() && signature.isEmpty()) continue;
                piece = F.objectNode().put("type", "thinking").put("thinking", text).put("signature", signature);
            }
            if (d.path("index").isIntegralNumber()) piece.put("index", d.get("index").intValue());
            (out == null ? out = F.arrayNode() : out).add(piece);
        }
        return out;
    }

    /** Whether one of {@link #inOrder}'s pieces has text of its own (else the piece's plain reasoning is its text). */
    public static boolean anyText(ArrayNode inOrder) {
        for (JsonNode p : inOrder) if (!p.path("thinking").asText("").isEmpty()) return true;
        return false;
    }

    /**
     * Whether a stored answer's details are replayed one detail a piece ({@code StreamReplay}), each with its own text as
     * the piece's reasoning, as a live stream sends them: when they hold more than one of Claude's signed or encrypted
     * details, all of them are Claude's, and their texts joined are the answer's plain reasoning (so a client that reads
     * the reasoning gets the same text). One piece with the whole reasoning beside several signed details would give an
     * Anthropic client a first block with every text. False otherwise: the answer is replayed as one piece, as before.
     */
    public static boolean replayOneByOne(JsonNode details, String reasoning) {
        if (details == null || !details.isArray() || details.size() < 2) return false;
        int signed = 0;
        StringBuilder joined = new StringBuilder();
        for (JsonNode d : details) {
            if (!claude(d)) return false;
            String type = d.path("type").asText();
            if (type.equals("reasoning.encrypted") && d.path("data").isTextual()) signed++;
            if (type.equals("reasoning.text") && !d.path("signature").asText("").isEmpty()) signed++;
            String own = ownText(d);
            if (own != null) joined.append(own);
        }
        return signed > 1 && joined.toString().equals(reasoning == null ? "" : reasoning);
    }

    /** One detail's text: a {@code reasoning.text}'s text, a {@code reasoning.summary}'s summary; null when it has none. */
    public static String ownText(JsonNode d) {
        String type = d.path("type").asText();
        JsonNode t = type.equals("reasoning.text") ? d.get("text") : type.equals("reasoning.summary") ? d.get("summary") : null;
        return t != null && t.isTextual() && !t.textValue().isEmpty() ? t.textValue() : null;
    }

    /**
     * The reasoning text Claude's details hold ({@code reasoning.text} texts, {@code reasoning.summary} summaries), for a
     * piece that came without OpenRouter's plain {@code reasoning} beside it; null when there is none. Another format's
     * details (OpenAI's, Gemini's) are not read: the provider's plain reasoning carries their text, and a block made
     * of them would stand beside Claude's signed blocks for nothing.
     */
    public static String text(JsonNode details) {
        if (details == null || !details.isArray()) return null;
        StringBuilder sb = null;
        for (JsonNode d : details) {
            if (!claude(d)) continue;
            String type = d.path("type").asText();
            JsonNode t = type.equals("reasoning.text") ? d.get("text") : type.equals("reasoning.summary") ? d.get("summary") : null;
            if (t == null || !t.isTextual() || t.textValue().isEmpty()) continue;
            if (sb == null) sb = new StringBuilder();
            sb.append(t.textValue());
        }
        return sb == null ? null : sb.toString();
    }

    /**
     * A stream piece's details merged into the answer's so far, as a stream's pieces make up the whole answer's
     * details: a piece's item joins the item of the same {@code index} (and type), its {@code text} or {@code summary}
     * appended, its other fields (the {@code signature}, an encrypted block's {@code data}, the {@code format}) set
     * where they are not null or empty; an item of a new index (or without one) is added, a copy. An empty piece
     * ({@code []}, which OpenRouter sends on its content chunks) changes nothing: the signature that came before stays.
     * The piece itself is never changed.
     */
    public static void merge(ArrayNode all, JsonNode piece) {
        if (piece == null || !piece.isArray()) return;
        for (JsonNode d : piece) {
            if (!(d instanceof ObjectNode item)) continue;
            ObjectNode same = item.path("index").isIntegralNumber() ? sameBlock(all, item) : null;
            if (same == null) {
                all.add(item.deepCopy());
                continue;
            }
            for (var f : item.properties()) {
                JsonNode v = f.getValue();
                String k = f.getKey();
                if ((k.equals("text") || k.equals("summary")) && v.isTextual() && same.get(k) instanceof JsonNode was && was.isTextual()) {
                    same.put(k, was.textValue() + v.textValue());
                } else if (!v.isNull() && !(v.isTextual() && v.textValue().isEmpty())) {
                    same.set(k, v.deepCopy());
                }
            }
        }
    }

    /** The item of the answer's details that a piece's item continues: the same index, and the same type if both say. */
    private static ObjectNode sameBlock(ArrayNode all, ObjectNode item) {
        int index = item.get("index").intValue();
        String type = item.path("type").asText("");
        for (JsonNode d : all) {
            if (d instanceof ObjectNode o && o.path("index").isIntegralNumber() && o.get("index").intValue() == index) {
                String was = o.path("type").asText("");
                if (type.isEmpty() || was.isEmpty() || type.equals(was)) return o;
            }
        }
        return null;
    }

    /** Claude's thinking blocks (an Anthropic client's, {@link ThinkingBlocks#of}) as OpenRouter's details, in order. */
    public static ArrayNode of(List<ThinkingBlocks.Block> blocks) {
        ArrayNode out = F.arrayNode();
        for (int i = 0; i < blocks.size(); i++) {
            ThinkingBlocks.Block b = blocks.get(i);
            ObjectNode d = out.addObject();
            if (b.redacted()) {
                d.put("type", "reasoning.encrypted").put("data", b.redactedData());
            } else {
                d.put("type", "reasoning.text").put("text", b.thinking()).put("signature", b.signature());
            }
            d.put("format", CLAUDE).put("index", i);
        }
        return out;
    }

    /** Whether a detail is Claude's: named so, or without a format (an older answer's). */
    private static boolean claude(JsonNode d) {
        JsonNode format = d.get("format");
        return format == null || format.isNull() || CLAUDE.equals(format.asText());
    }

    /** Whether any of Claude's details carries a signature or encrypted data. */
    private static boolean signed(JsonNode details) {
        for (JsonNode d : details) {
            if (!claude(d)) continue;
            String type = d.path("type").asText();
            if (type.equals("reasoning.encrypted") && d.path("data").isTextual()) return true;
            if (type.equals("reasoning.text") && !d.path("signature").asText("").isEmpty()) return true;
        }
        return false;
    }
}
