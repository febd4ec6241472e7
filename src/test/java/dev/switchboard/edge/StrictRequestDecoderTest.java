package dev.switchboard.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The decoder's byte checks; FramingIT runs them through a socket. */
class StrictRequestDecoderTest {

    @Test
    void theControlScanFindsEveryControlByteWhereverItIsInTheLine() {
        byte[] line = "X-Some-Header: some ordinary value, long enough for several words\tand a tab".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(StrictRequestDecoder.firstControl(line, 0, line.length)).isEqualTo(-1);
        for (int at = 0; at < line.length; at++) {
            for (byte bad : new byte[] {0, 1, 8, '\r', '\n', 0x1f, 0x7f}) {
                byte[] b = line.clone();
                b[at] = bad;
                assertThat(StrictRequestDecoder.firstControl(b, 0, b.length)).as("0x%02x at %d", bad, at).isEqualTo(at);
                // and from any start (unaligned words)
                int from = Math.min(at, 3);
                assertThat(StrictRequestDecoder.firstControl(b, from, b.length)).isEqualTo(at);
            }
            for (byte fine : new byte[] {'\t', ' ', 0x20, 0x21, 0x7e, (byte) 0x80, (byte) 0xff}) {
                byte[] ok = line.clone();
                ok[at] = fine;
                assertThat(StrictRequestDecoder.firstControl(ok, 0, ok.length)).as("0x%02x at %d", fine, at).isEqualTo(-1);
            }
        }
        // a control byte just past the range is not the line's
        byte[] b = "abcdefghij\u0000".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(StrictRequestDecoder.firstControl(b, 0, 10)).isEqualTo(-1);
        assertThat(StrictRequestDecoder.firstControl(b, 0, 11)).isEqualTo(10);
    }

    @Test
    void theStandInForAnUnparsableLineKeepsThePathsStart() {
        assertThat(path("POST /v1/messages?x=aaaa HTTP/1.0")).isEqualTo("/v1/messages");
        assertThat(path("\r\n\r\nGET /v1/messages/" + "b".repeat(1000))).isEqualTo("/v1/messages/" + "b".repeat(256 - 13));
        assertThat(path("GET /v1/chat/completions#frag")).isEqualTo("/v1/chat/completions");
        assertThat(path("GET http://host/v1/messages HTTP/1.1")).isNull();
        assertThat(path("get /v1/messages")).isNull();
        assertThat(path("GET  /v1/messages")).isNull();
        assertThat(path("\u0016\u0003\u0001 binary")).isNull();
        assertThat(path("")).isNull();
    }

    private static String path(String line) {
        ByteBuf b = Unpooled.copiedBuffer(line, StandardCharsets.ISO_8859_1);
        try {
            return StrictRequestDecoder.pathOf(b, 0, b.writerIndex());
        } finally {
            b.release();
        }
    }
}
