package dev.switchboard.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.vertx.core.http.HttpServerOptions;
import java.util.ArrayList;
import java.util.List;
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
        // the absolute form (RFC 9112 3.2.2): the path after the scheme and authority
        assertThat(path("GET http://host/v1/messages HTTP/1.1")).isEqualTo("/v1/messages");
        assertThat(path("POST HTTPS://user@host:4000/v1/messages?x=" + "a".repeat(1000))).isEqualTo("/v1/messages");
        assertThat(path("GET http://host:4000?x=1 HTTP/1.1")).isEqualTo("/");
        assertThat(path("GET http://host" + "h".repeat(1000))).as("no path within reach").isNull();
        assertThat(path("GET http:/v1/messages HTTP/1.1")).isNull();
        assertThat(path("GET 1ttp://host/v1/messages HTTP/1.1")).isNull();
        assertThat(path("GET *")).isNull();
        assertThat(path("get /v1/messages")).isNull();
        assertThat(path("GET  /v1/messages")).isNull();
        assertThat(path("\u0016\u0003\u0001 binary")).isNull();
        assertThat(path("")).isNull();
    }

    /**
     * The decoder alone, fed {@code parts} one read after the other: the request heads it gives, each failed or not. Shows
     * that the control check is on (Netty's scratch buffer was found: were it renamed, a NUL would pass here).
     */
    private static List<HttpRequest> decode(String... parts) {
        EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(new HttpServerOptions()));
        List<HttpRequest> heads = new ArrayList<>();
        try {
            for (String part : parts) {
                ch.writeInbound(Unpooled.copiedBuffer(part, StandardCharsets.ISO_8859_1));
                Object o;
                while ((o = ch.readInbound()) != null) {
                    if (o instanceof HttpRequest r) heads.add(r);
                    io.netty.util.ReferenceCountUtil.release(o);
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
        return heads;
    }

    private static String failure(List<HttpRequest> heads) {
        assertThat(heads).hasSize(1);
        Throwable cause = heads.get(0).decoderResult().cause();
        return cause == null ? null : cause.getMessage();
    }

    @Test
    void aControlCharacterInAHeaderFailsTheRequest() {
        assertThat(failure(decode("GET /v1/models HTTP/1.1\r\nHost: h\r\nX-Note: a\u0000b\r\n\r\n"))).contains("control character");
        assertThat(failure(decode("GET /v1/models HTTP/1.1\r\nHost: h\r\nX-Note: a\tb \u00e9\r\n\r\n"))).isNull();
    }

    @Test
    void aFoldedHeaderLineFailsTheRequestWhereverTheReadsEnd() {
        String head = "GET /v1/models HTTP/1.1\r\nHost: h\r\n";
        for (String fold : new String[] {" x\u0000b", "\tx\rb", " plain", "\t"}) {
            String shown = fold.replace("\u0000", "NUL").replace("\r", "CR").replace("\t", "TAB");
            String request = head + "X-Note: a\r\n" + fold + "\r\nAccept: */*\r\n\r\n";
            assertThat(failure(decode(request))).as(shown).contains("obs-fold");
            // the fold as the last header line
            assertThat(failure(decode(head + "X-Note: a\r\n" + fold + "\r\n\r\n"))).as(shown).contains("obs-fold");
            // every cut of the bytes into two reads: the fold is found whether or not it begins a read
            for (int cut = head.length(); cut < request.length(); cut++) {
                List<HttpRequest> heads = decode(request.substring(0, cut), request.substring(cut));
                assertThat(failure(heads)).as("%s cut at %d", shown, cut).isNotNull();
            }
            String last = head + "X-Note: a\r\n" + fold + "\r\n\r\n";
            int at = last.indexOf(fold);
            assertThat(failure(decode(last.substring(0, at), last.substring(at)))).as(shown).contains("obs-fold");
        }
    }

    /** Every object the decoder gives, fed {@code parts} one read after the other: a head, content or last content, and whether it failed. */
    private static List<String> decodeAll(String... parts) {
        EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(new HttpServerOptions()));
        List<String> got = new ArrayList<>();
        try {
            for (String part : parts) {
                ch.writeInbound(Unpooled.copiedBuffer(part, StandardCharsets.ISO_8859_1));
                Object o;
                while ((o = ch.readInbound()) != null) {
                    String kind = o instanceof HttpRequest ? "head" : o instanceof io.netty.handler.codec.http.LastHttpContent ? "last" : "content";
                    Throwable cause = ((io.netty.handler.codec.DecoderResultProvider) o).decoderResult().cause();
                    got.add(cause == null ? kind : kind + " failed: " + cause.getMessage());
                    io.netty.util.ReferenceCountUtil.release(o);
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
        return got;
    }

    @Test
    void aFoldedTrailerLineFailsItsRequestNotTheNext() {
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-T: a\r\n";
        String next = "GET /v1/models HTTP/1.1\r\nHost: h\r\n\r\n";
        // the fold begins a read: its trailer failed nothing, and the flag refused the next request on the connection
        assertThat(decodeAll(head, " fold\r\n\r\n" + next)).containsExactly("head", "content",
                "last failed: " + "a header line continued on the next line (obs-fold) is not allowed (RFC 9112 5.2)");
        assertThat(decodeAll(head, " fold\r\n", "\r\n", next)).hasSize(3).last().asString().startsWith("last failed");
        // every cut: the request's last content fails, and nothing after it is read as a request
        String request = head + " fold\r\nX-U: b\r\n\r\n" + next;
        String last = head + " fold\r\n\r\n" + next;
        for (String r : new String[] {request, last}) {
            for (int cut = head.length() - 8; cut < r.length(); cut++) {
                List<String> got = decodeAll(r.substring(0, cut), r.substring(cut));
                assertThat(got).as("cut at %d", cut).hasSize(3);
                assertThat(got.get(2)).as("cut at %d", cut).contains("obs-fold");
            }
        }
        // no fold: the trailer cut at the same place, and the next request, are whole
        assertThat(decodeAll(head, "\r\n" + next)).containsExactly("head", "content", "last", "head", "last");
        assertThat(decodeAll(head, "\r\n", next)).containsExactly("head", "content", "last", "head", "last");
    }

    @Test
    void noOrdinaryHeadIsTakenForAFold() {
        String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: h\r\nX-Note:  two spaces\r\nX-Tab:\tvalue\r\n"
                + "Content-Length: 2\r\n\r\n{}GET /v1/models HTTP/1.1\r\nHost: h\r\n\r\n";
        for (int cut = 1; cut < request.length(); cut++) {
            List<HttpRequest> heads = decode(request.substring(0, cut), request.substring(cut));
            assertThat(heads).as("cut at %d", cut).hasSize(2);
            assertThat(heads).as("cut at %d", cut).allMatch(h -> h.decoderResult().isSuccess());
            assertThat(heads.get(0).headers().get("X-Note")).isEqualTo("two spaces");
        }
        // a body that begins with a space, read just after the head, is no fold either
        List<HttpRequest> heads = decode("POST /v1/chat/completions HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n", " {}");
        assertThat(heads.get(0).decoderResult().isSuccess()).isTrue();
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
