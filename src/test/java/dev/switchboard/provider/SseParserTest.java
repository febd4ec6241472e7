package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
    private final List<String> events = new ArrayList<>();
    private final SseParser parser = new SseParser((event, data) ->
            events.add((event == null ? "" : event + "|") + new String(data, java.nio.charset.StandardCharsets.UTF_8)));

    @Test
    void eventsSplitAnywhereAcrossNetworkReads() {
        String stream = "data: {\"a\":1}\n\ndata: {\"b\":\"é\"}\n\ndata: [DONE]\n\n";
        byte[] bytes = stream.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte b : bytes) parser.feed(Buffer.buffer(new byte[] {b})); // one byte at a time, even inside é
        assertThat(events).containsExactly("{\"a\":1}", "{\"b\":\"é\"}", "[DONE]");
    }

    /** A read that is a window into a larger array (a slice) is read in place from its own offset to its own end. */
    @Test
    void aSlicedReadIsReadWithinItsBounds() {
        String around = "data: {\"not\":1}\n\n";
        String stream = "data: {\"a\":1}\n\ndata: {\"b\"";
        Buffer whole = Buffer.buffer(around + stream + around);
        parser.feed(whole.slice(around.length(), around.length() + stream.length()));
        parser.feed(Buffer.buffer(":2}\n\n").slice(0, 5));
        parser.feed(Buffer.buffer("xx\nyy").slice(2, 3));
        assertThat(events).containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void crlfEventNamesCommentsAndMultiLineData() {
        parser.feed(Buffer.buffer(": ping\r\n\r\nevent: message_start\r\ndata: {\"x\":1}\r\n\r\ndata: line1\ndata: line2\n\nid: 7\ndata:nospace\n\n"));
        assertThat(events).containsExactly("message_start|{\"x\":1}", "line1\nline2", "nospace");
    }

    @Test
    void incompleteEventWaitsForItsBlankLine() {
        parser.feed(Buffer.buffer("data: {\"partial\":"));
        assertThat(events).isEmpty();
        parser.feed(Buffer.buffer("true}\n"));
        assertThat(events).isEmpty();
        parser.feed(Buffer.buffer("\n"));
        assertThat(events).containsExactly("{\"partial\":true}");
    }

    @Test
    void aLineLongerThanTheLimitFailsInsteadOfBufferingForever() {
        SseParser small = new SseParser((e, d) -> events.add("x"), 1 << 20);
        byte[] noNewline = new byte[64 * 1024];
        Arrays.fill(noNewline, (byte) 'a');
        small.feed(Buffer.buffer("data: "));
        assertThatThrownBy(() -> {
            for (int i = 0; i < 17; i++) small.feed(Buffer.buffer(noNewline)); // 1 MiB + 64 KiB, no line end
        }).isInstanceOf(SseParser.TooLarge.class).hasMessageContaining("line longer than 1 MiB");
        assertThat(events).isEmpty();
    }

    @Test
    void anEventOfManyShortLinesPastTheLimitFailsToo() {
        SseParser small = new SseParser((e, d) -> events.add("x"), 1 << 20);
        String line = "data: " + "b".repeat(1000) + "\n";
        assertThatThrownBy(() -> {
            for (int i = 0; i < 1100; i++) small.feed(Buffer.buffer(line)); // no blank line: one event of 1.1 MB
        }).isInstanceOf(SseParser.TooLarge.class).hasMessageContaining("event longer than 1 MiB");
    }

    @Test
    void aLongLineArrivingInSmallReadsIsAssembledInLinearTime() {
        // 12 MiB in 1 KiB reads: recopying the pending bytes on every read would move ~150 GB
        int reads = 12 * 1024;
        byte[] piece = new byte[1024];
        Arrays.fill(piece, (byte) 'c');
        long t0 = System.nanoTime();
        parser.feed(Buffer.buffer("data: "));
        for (int i = 0; i < reads; i++) parser.feed(Buffer.buffer(piece));
        parser.feed(Buffer.buffer("\r\n\r\ndata: next\n\n"));
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).hasSize(reads * 1024).matches("c+");
        assertThat(events.get(1)).isEqualTo("next");
    }

    @Test
    void aCrLfSplitAcrossReadsStillEndsTheLine() {
        parser.feed(Buffer.buffer("data: {\"a\":1}\r"));
        parser.feed(Buffer.buffer("\n\r"));
        parser.feed(Buffer.buffer("\n"));
        assertThat(events).containsExactly("{\"a\":1}");
    }

    @Test
    void theWordAtATimeLineSearchFindsWhatAByteAtATimeSearchFinds() {
        // bytes next to LF in value or in bits (0x0b, 0x09, 0x8a, 0x00, 0xff) make the zero-byte test's edge cases
        byte[] near = {'\n', 0x0b, 0x09, (byte) 0x8a, 0x00, (byte) 0xff, 'a', '\r', 0x1a, 0x4a};
        java.util.SplittableRandom r = new java.util.SplittableRandom(1512);
        for (int n = 0; n < 50_000; n++) {
            byte[] b = new byte[r.nextInt(0, 40)];
            int density = r.nextInt(1, 30);
            for (int i = 0; i < b.length; i++) b[i] = r.nextInt(density) == 0 ? (byte) '\n' : near[r.nextInt(1, near.length)];
            int from = b.length == 0 ? 0 : r.nextInt(b.length + 1);
            int to = r.nextInt(from, b.length + 1);
            int expected = to;
            for (int i = from; i < to; i++) if (b[i] == '\n') { expected = i; break; }
            assertThat(SseParser.newline(b, from, to)).as("%s [%d, %d)", Arrays.toString(b), from, to).isEqualTo(expected);
        }
    }

    @Test
    void eventsAreTheSameHoweverTheBytesAreCut() {
        String stream = "data: {\"a\":1}\n\nevent: x\ndata: two\ndata: lines\n\n: comment\ndata:{\"b\":2}\r\n\r\n"
                + "data: " + "y".repeat(100) + "\n\n";
        List<String> whole = new ArrayList<>();
        new SseParser((event, data) -> whole.add(event + "|" + new String(data))).feed(Buffer.buffer(stream));
        assertThat(whole).hasSize(4);
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int n = 0; n < 2_000; n++) {
            List<String> cut = new ArrayList<>();
            SseParser p = new SseParser((event, data) -> cut.add(event + "|" + new String(data)));
            for (int i = 0; i < stream.length(); ) {
                int j = Math.min(stream.length(), i + r.nextInt(1, 30));
                p.feed(Buffer.buffer(stream.substring(i, j)));
                i = j;
            }
            assertThat(cut).isEqualTo(whole);
        }
    }
}
