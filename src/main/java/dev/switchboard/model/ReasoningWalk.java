package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * One stream's walk over Claude's details piece by piece ({@link ReasoningDetails#inOrder}'s pieces), by OpenRouter's
 * {@code index}, for an edge that writes Claude's blocks one after another (Anthropic's content blocks, the Responses
 * API's reasoning items): a detail's text goes on the open thinking block (or opens one), its signature ends that
 * block, an encrypted detail is a redacted block of its own. An open thinking block is of the first index seen in it;
 * a detail of another index while it is open and unsigned (two blocks interleaved) is held, by index, and follows when
 * the open block is signed (whole if it is complete, else as the next live block), or whole before the answer's text,
 * a tool call or the end ({@link #flush}). Details without an index go on the open block. Nothing is allocated for a
 * stream whose details never interleave.
 */
public final class ReasoningWalk {

    /** What the edge writes. */
    public interface Blocks {
        /** Whether a thinking block is open (its text streaming). */
        boolean thinkingOpen();
        /** Text on the open thinking block, opening one (closing whatever else is open) when none is; may be empty. */
        void text(String text);
        /** Signs and ends the open thinking block. */
        void signature(String signature);
        /** A whole redacted block, after ending whatever is open. */
        void redacted(String data);
        /** Ends whatever block is open, unsigned when it is a thinking block. */
        void end();
    }

    /** At most this many held indexes ... */
    static final int MAX_HELD_BLOCKS = 8;
    /** ... and this many held characters (text and encrypted data); past either, everything held goes out and nothing more is held. */
    static final int MAX_HELD_CHARS = 1 << 20;
    /** Characters held now. */
    private int heldChars;
    /**
     * False once the cap was passed: for the rest of the stream nothing is held; a detail of another index than the open
     * block's ends that block (unsigned) and opens its own, so no block joins two indexes' texts and no signature goes
     * on another index's text. An index whose text went out in a block that ended unsigned (flushed or ended at the cap,
     * ended when another index's detail came, or by the edge) is remembered ({@link #split}, indexes only, no text):
     * its later text is a block of its own, and its signature, which signs the whole text no block now holds, is
     * dropped; the block it would have signed ends unsigned, and a signature with no text of its own writes nothing.
     * A wrongly signed block handed back is a certain 400 from Claude ("Invalid signature in thinking block"), while an
     * unsigned one is dropped on hand-back; keeping every flushed block's text until its signature comes is the
     * unbounded holding the cap is there to stop.
     */
    private boolean mayHold = true;

    /** Held blocks, by index; null until one is. */
    private TreeMap<Integer, Held> held;
    /** The detail index of the open thinking block's pieces, -1 when none said one. */
    private int openDetail = -1;
    /** Whether text went on the open thinking block (an unsigned end past the cap then splits its index). */
    private boolean openHadText;

    /** At most this many split indexes are remembered; past it, every signature past the cap is dropped. */
    static final int MAX_SPLIT = 1024;
    /**
     * Past the cap, the indexes whose text went out in a block that ended unsigned, sorted; null until one did. A
     * signature of one of these signs text no block holds whole, so it is dropped (see {@link #mayHold}).
     */
    private int[] split;
    private int splitCount;
    /** More than {@link #MAX_SPLIT} indexes split: every index is taken as split (no signature past the cap goes out). */
    private boolean splitOverflow;

    /** The edge ended its thinking block (it must say so whenever it closes one). */
    public void blockEnded() {
        if (!mayHold && openHadText && openDetail >= 0) markSplit(openDetail);
        openDetail = -1;
        openHadText = false;
    }

    /** Whether blocks are held back (the edge flushes them before text or a tool call). */
    public boolean holding() { return held != null && !held.isEmpty(); }

    /**
     * One piece's details, in order, with the piece's plain reasoning. The plain reasoning is the details' texts joined,
     * so it is read only when they have none (a signature-only piece beside its block's last text, which OpenRouter
     * sends as the plain field only): it is then the first thinking detail's text, so it goes where that detail's index
     * says (a held block's, not the open one of another index); on the open block only when the piece has no thinking
     * detail. {@code inOrder} is {@link ReasoningDetails#inOrder}'s own array, which this may change.
     */
    public void walk(ArrayNode inOrder, String plainReasoning, Blocks out) {
        if (plainReasoning != null && !plainReasoning.isEmpty() && !ReasoningDetails.anyText(inOrder)) {
            ObjectNode first = null;
            for (JsonNode p : inOrder) {
                if (p instanceof ObjectNode o && "thinking".equals(o.path("type").asText())) {
                    first = o;
                    break;
                }
            }
            if (first != null) first.put("thinking", plainReasoning);
            else out.text(plainReasoning);
        }
        for (JsonNode b : inOrder) {
            int at = b.path("index").isIntegralNumber() ? b.get("index").intValue() : -1;
            if (mayHold && at >= 0 && (held != null && held.containsKey(at) || out.thinkingOpen() && openDetail >= 0 && at != openDetail)) {
                if (held == null) held = new TreeMap<>();
                heldChars += held.computeIfAbsent(at, k -> new Held()).take(b);
                if (held.size() > MAX_HELD_BLOCKS || heldChars > MAX_HELD_CHARS) {
                    // an upstream interleaving more blocks (or more text) than any Claude stream does: bounded memory
                    // over block order; the open block and every held one go out now, and nothing is held after
                    mayHold = false;
                    out.end();
                    flush(out);
                }
                continue;
            }
            String signature = b.path("signature").asText("");
            boolean dropSignature = !mayHold && at >= 0 && !signature.isEmpty() && isSplit(at);
            String text = b.path("thinking").asText("");
            if (dropSignature && text.isEmpty() && !(out.thinkingOpen() && openDetail == at)) {
                unmarkSplit(at); // its text went out before and no block of it is open: nothing to write, nothing to sign
                continue;
            }
            if (!mayHold && at >= 0 && out.thinkingOpen() && openDetail >= 0 && at != openDetail) {
                out.end(); // past the cap: another index's detail is a block of its own, never on the open one
            }
            if (b.path("type").asText().equals("redacted_thinking")) {
                out.redacted(b.get("data").textValue());
                release(out);
                continue;
            }
            out.text(text);
            if (!text.isEmpty()) openHadText = true;
            if (openDetail < 0) openDetail = at;
            if (!signature.isEmpty()) {
                if (dropSignature) {
                    // past the cap, this index's text went out in parts: the signature signs their whole, which no
                    // block holds, so the block ends unsigned (dropped on hand-back) rather than wrongly signed
                    out.end();
                    unmarkSplit(at);
                } else {
                    openHadText = false;
                    out.signature(signature);
                }
                release(out);
            }
        }
    }

    private boolean isSplit(int index) {
        return splitOverflow || split != null && java.util.Arrays.binarySearch(split, 0, splitCount, index) >= 0;
    }

    private void markSplit(int index) {
        if (splitOverflow) return;
        if (split == null) split = new int[8];
        int at = java.util.Arrays.binarySearch(split, 0, splitCount, index);
        if (at >= 0) return;
        if (splitCount == MAX_SPLIT) {
            splitOverflow = true; // an upstream splitting this many blocks: bounded memory over its signatures
            split = null;
            splitCount = 0;
            return;
        }
        if (splitCount == split.length) split = java.util.Arrays.copyOf(split, split.length * 2);
        int pos = -at - 1;
        System.arraycopy(split, pos, split, pos + 1, splitCount - pos);
        split[pos] = index;
        splitCount++;
    }

    private void unmarkSplit(int index) {
        if (split == null) return;
        int at = java.util.Arrays.binarySearch(split, 0, splitCount, index);
        if (at < 0) return;
        System.arraycopy(split, at + 1, split, at, splitCount - at - 1);
        splitCount--;
    }

    /** Every held block, whole, in index order (an unfinished one ends unsigned); call after ending the open block. */
    public void flush(Blocks out) {
        if (held == null) return;
        while (!held.isEmpty()) {
            Map.Entry<Integer, Held> first = held.pollFirstEntry();
            block(out, first.getValue());
            if (!mayHold && !first.getValue().whole() && first.getValue().text.length() > 0) markSplit(first.getKey());
            out.end();
        }
        heldChars = 0;
    }

    /** After a block ended: the held blocks in index order, whole ones as blocks, the first unfinished one live. */
    private void release(Blocks out) {
        if (held == null) return;
        while (!held.isEmpty()) {
            Map.Entry<Integer, Held> first = held.pollFirstEntry();
            Held h = first.getValue();
            heldChars -= h.chars();
            block(out, h);
            if (!h.whole()) {
                openDetail = first.getKey();
                openHadText = h.text.length() > 0;
                return;
            }
        }
    }

    private void block(Blocks out, Held h) {
        out.end();
        if (h.data != null) {
            out.redacted(h.data);
            return;
        }
        out.text(h.text.toString());
        if (h.signature != null) {
            openHadText = false;
            out.signature(h.signature);
        }
    }

    /** A held block: its text so far, its signature or an encrypted block's data once they came. */
    private static final class Held {
        final StringBuilder text = new StringBuilder();
        String signature;
        String data;

        /** Takes a piece; returns the characters it added to the held ones. */
        int take(JsonNode b) {
            if (b.path("type").asText().equals("redacted_thinking")) {
                int before = data == null ? 0 : data.length();
                data = b.get("data").textValue();
                return data.length() - before;
            }
            String t = b.path("thinking").asText("");
            text.append(t);
            String s = b.path("signature").asText("");
            if (!s.isEmpty()) signature = s;
            return t.length();
        }

        int chars() { return text.length() + (data == null ? 0 : data.length()); }

        boolean whole() { return data != null || signature != null; }
    }
}
