package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ReasoningWalk} on its own, with a recording {@link ReasoningWalk.Blocks}: the cap on held blocks
 * ({@link ReasoningWalk#MAX_HELD_BLOCKS} indexes, {@link ReasoningWalk#MAX_HELD_CHARS} characters), the held characters
 * given back when held blocks go out, nothing held past the cap, and the plain reasoning routed by its detail's index.
 */
class ReasoningWalkTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** What an edge would write, as lines: "open", "text T", "sig S", "redacted D", "end". */
    private static final class Recorder implements ReasoningWalk.Blocks {
        final ReasoningWalk walk = new ReasoningWalk();
        final List<String> log = new ArrayList<>();
        boolean open;

        @Override public boolean thinkingOpen() { return open; }

        @Override public void text(String text) {
            if (!open) log.add("open");
            open = true;
            if (!text.isEmpty()) log.add("text " + text);
        }

        @Override public void signature(String signature) {
            log.add("sig " + signature);
            closed();
        }

        @Override public void redacted(String data) {
            end();
            log.add("redacted " + data);
        }

        @Override public void end() {
            if (!open) return;
            log.add("end");
            closed();
        }

        private void closed() {
            open = false;
            walk.blockEnded(); // as an edge says whenever it closes a thinking block
        }

        /** Walks one piece; returns what it wrote. */
        List<String> walk(String plain, ObjectNode... pieces) {
            int before = log.size();
            ArrayNode inOrder = F.arrayNode();
            for (ObjectNode p : pieces) inOrder.add(p);
            walk.walk(inOrder, plain, this);
            return new ArrayList<>(log.subList(before, log.size()));
        }

        List<String> flush() {
            int before = log.size();
            end();
            walk.flush(this);
            return new ArrayList<>(log.subList(before, log.size()));
        }
    }

    private static ObjectNode text(String text, int index) {
        return F.objectNode().put("type", "thinking").put("thinking", text).put("signature", "").put("index", index);
    }

    private static ObjectNode signed(String text, String signature, int index) {
        return F.objectNode().put("type", "thinking").put("thinking", text).put("signature", signature).put("index", index);
    }

    private static ObjectNode redacted(String data, int index) {
        return F.objectNode().put("type", "redacted_thinking").put("data", data).put("index", index);
    }

    @Test
    void aNinthHeldIndexSendsEverythingAndNothingIsHeldAfter() {
        Recorder r = new Recorder();
        assertThat(r.walk(null, text("A", 0))).containsExactly("open", "text A");
        for (int i = 1; i <= ReasoningWalk.MAX_HELD_BLOCKS; i++) {
            assertThat(r.walk(null, text("T" + i, i))).as("index %d held", i).isEmpty();
            assertThat(r.walk.holding()).isTrue();
        }
        List<String> expected = new ArrayList<>(List.of("end"));
        for (int i = 1; i <= ReasoningWalk.MAX_HELD_BLOCKS + 1; i++) expected.addAll(List.of("open", "text T" + i, "end"));
        assertThat(r.walk(null, text("T9", 9))).containsExactlyElementsOf(expected);
        assertThat(r.walk.holding()).isFalse();
        assertThat(r.walk(null, text("late", 3))).containsExactly("open", "text late");
        assertThat(r.walk(null, text("more", 3))).as("the same index: on the open block").containsExactly("text more");
        assertThat(r.walk(null, text("also", 4))).as("another index: not held any more, a block of its own")
                .containsExactly("end", "open", "text also");
        assertThat(r.walk.holding()).isFalse();
    }

    /**
     * Past the cap, a signature of an index whose text already went out in a block that ended unsigned (flushed at the
     * cap, ended by another index's detail or by the edge) signs a whole text no block holds: it is dropped, so no
     * block goes out wrongly signed (handed back, Claude refuses it with a 400; an unsigned one is dropped). Before,
     * "sig1" signed an empty block and "sig4" the block " done", though sig4 signs "T4four done"; before that, "sig1"
     * signed the block holding index 4's text. A new index past the cap, whole in its own block, is signed as before.
     */
    @Test
    void pastTheCapASignatureOfAnIndexWhoseTextWentOutInPartsIsDropped() {
        Recorder r = new Recorder();
        r.walk(null, text("A", 0));
        for (int i = 1; i <= ReasoningWalk.MAX_HELD_BLOCKS + 1; i++) r.walk(null, text("T" + i, i)); // past the cap: all out
        assertThat(r.walk.holding()).isFalse();
        assertThat(r.walk(null, text("four", 4))).containsExactly("open", "text four");
        assertThat(r.walk(null, signed("", "sig1", 1))).as("index 1's text was flushed at the cap: its signature alone writes nothing")
                .isEmpty();
        assertThat(r.walk(null, signed(" done", "sig4", 4))).as("index 4's T4 was flushed: its block ends unsigned, never signed sig4")
                .containsExactly("text  done", "end");
        assertThat(r.walk(null, signed("last", "sig2", 2))).as("a signature with text of its own: an unsigned block")
                .containsExactly("open", "text last", "end");
        assertThat(r.walk(null, signed("", "sig0", 0))).as("the block open at the cap ended unsigned there").isEmpty();
        assertThat(r.walk(null, text("B", 10), signed("", "sig10", 10))).as("a new index past the cap is whole, signed as before")
                .containsExactly("open", "text B", "sig sig10");

        // ended by another index's detail past the cap
        assertThat(r.walk(null, text("X", 11))).containsExactly("open", "text X");
        assertThat(r.walk(null, text("Y", 12))).containsExactly("end", "open", "text Y");
        assertThat(r.walk(null, signed("Z", "sig11", 11))).as("index 11's X went out in a block ended by index 12's detail")
                .containsExactly("end", "open", "text Z", "end");
        assertThat(r.walk(null, signed("", "sig12", 12))).as("index 12's Y ended when index 11's detail came").isEmpty();

        // ended by the edge (before the answer's text)
        assertThat(r.walk(null, text("P", 13))).containsExactly("open", "text P");
        assertThat(r.flush()).containsExactly("end");
        assertThat(r.walk(null, signed(" more", "sig13", 13))).containsExactly("open", "text  more", "end");

        // an index that opened a block without text, ended by another's, is not split: its later text is signed whole
        assertThat(r.walk(null, text("", 14), text("Q", 15))).containsExactly("open", "end", "open", "text Q");
        assertThat(r.walk(null, signed("R", "sig14", 14))).containsExactly("end", "open", "text R", "sig sig14");
    }

    /** Past {@link ReasoningWalk#MAX_SPLIT} split indexes none is remembered: every later signature is dropped. */
    @Test
    void pastTheSplitBoundEverySignatureIsDropped() {
        Recorder r = new Recorder();
        r.walk(null, text("A", 0));
        for (int i = 1; i <= ReasoningWalk.MAX_HELD_BLOCKS + 1; i++) r.walk(null, text("T" + i, i));
        int first = 100;
        for (int i = first; i < first + ReasoningWalk.MAX_SPLIT - 10; i++) r.walk(null, text("x", i)); // each ends the one before
        assertThat(r.walk(null, text("n", 5000), signed("", "sigN", 5000))).as("under the bound: a whole new block is signed")
                .containsExactly("end", "open", "text n", "sig sigN");
        for (int i = 6000; i < 6000 + 20; i++) r.walk(null, text("x", i));
        assertThat(r.walk(null, text("m", 7000), signed("", "sigM", 7000))).as("over the bound: dropped")
                .containsExactly("end", "open", "text m", "end");
    }

    @Test
    void heldCharactersOverTheCapSendEverything() {
        Recorder r = new Recorder();
        r.walk(null, text("A", 0));
        String full = "x".repeat(ReasoningWalk.MAX_HELD_CHARS - 1);
        assertThat(r.walk(null, redacted(full, 1))).as("encrypted data counts, up to the cap").isEmpty();
        assertThat(r.walk(null, text("y", 2))).as("exactly at the cap: still held").isEmpty();
        assertThat(r.walk(null, text("z", 2))).as("one past the cap, summed over the held blocks")
                .containsExactly("end", "redacted " + full, "open", "text yz", "end");
        assertThat(r.walk(null, text("B", 0), text("C", 7))).as("nothing held after: each index a block of its own")
                .containsExactly("open", "text B", "end", "open", "text C");
    }

    @Test
    void heldCharactersAreGivenBackWhenHeldBlocksGoOut() {
        String big = "x".repeat(ReasoningWalk.MAX_HELD_CHARS - 1);
        // released after the open block's signature: its characters are no longer counted
        Recorder r = new Recorder();
        r.walk(null, text("A", 0));
        assertThat(r.walk(null, signed(big, "sigB", 1))).isEmpty();
        assertThat(r.walk(null, signed("", "sigA", 0))).containsExactly("sig sigA", "open", "text " + big, "sig sigB");
        assertThat(r.walk.holding()).isFalse();
        r.walk(null, text("C", 2));
        assertThat(r.walk(null, text(big, 3))).as("held again: the released block's characters were given back").isEmpty();
        assertThat(r.walk.holding()).isTrue();
        assertThat(r.flush()).containsExactly("end", "open", "text " + big, "end");

        // flushed before the answer's text: the count starts again from nothing
        Recorder f = new Recorder();
        f.walk(null, text("A", 0));
        assertThat(f.walk(null, text(big, 1))).isEmpty();
        assertThat(f.flush()).containsExactly("end", "open", "text " + big, "end");
        f.walk(null, text("C", 2));
        assertThat(f.walk(null, text(big, 3))).as("held again after a flush").isEmpty();
        assertThat(f.walk.holding()).isTrue();
    }

    @Test
    void thePlainReasoningOfASignatureOnlyPieceGoesWhereItsDetailsIndexSays() {
        Recorder r = new Recorder();
        r.walk(null, text("A", 0));
        assertThat(r.walk(null, text("B", 1))).isEmpty();
        assertThat(r.walk("B2", signed("", "sigB", 1))).as("the held block's last text, not the open block's").isEmpty();
        assertThat(r.walk(null, signed("", "sigA", 0))).containsExactly("sig sigA", "open", "text BB2", "sig sigB");

        Recorder same = new Recorder();
        same.walk(null, text("A", 0));
        assertThat(same.walk("A2", signed("", "sigA", 0))).containsExactly("text A2", "sig sigA");

        Recorder none = new Recorder();
        assertThat(none.walk("plain", redacted("D", 0))).as("no thinking detail: the plain text on the open block")
                .containsExactly("open", "text plain", "end", "redacted D");

        Recorder texts = new Recorder();
        assertThat(texts.walk("joined", text("own", 0))).as("details with text: the plain reasoning is not read").containsExactly("open", "text own");
    }
}
