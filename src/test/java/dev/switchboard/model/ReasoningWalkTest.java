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
     * Past the cap, a signature for a block whose text already went out (flushed unsigned) is a signature-only block of
     * its own: it never signs the open block of another index (before, "sig1" signed the block holding index 4's text,
     * a signature over a text it was not made for). The signed block's text is lost for signing, so Claude would
     * refuse it handed back, as it would the text unsigned; the walk does not keep flushed texts (that is the memory
     * the cap bounds), and it documents the case (ReasoningWalk's mayHold).
     */
    @Test
    void pastTheCapALateSignatureIsABlockOfItsOwnIndexNeverOnAnother() {
        Recorder r = new Recorder();
        r.walk(null, text("A", 0));
        for (int i = 1; i <= ReasoningWalk.MAX_HELD_BLOCKS + 1; i++) r.walk(null, text("T" + i, i)); // past the cap: all out
        assertThat(r.walk.holding()).isFalse();
        assertThat(r.walk(null, text("four", 4))).containsExactly("open", "text four");
        assertThat(r.walk(null, signed("", "sig1", 1))).as("index 1's signature: its own (empty) block, index 4's ends unsigned")
                .containsExactly("end", "open", "sig sig1");
        assertThat(r.walk(null, signed(" done", "sig4", 4))).as("index 4's later text and signature: a block of its own")
                .containsExactly("open", "text  done", "sig sig4");
        assertThat(r.walk(null, text("B", 10), signed("", "sig10", 10))).as("a new index past the cap is whole, signed as before")
                .containsExactly("open", "text B", "sig sig10");
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
