package dev.switchboard.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.AsciiString;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Vert.x's request decoder with the checks of a request's head that header validation was doing for us, and the path
 * of a request line too long to parse kept for its answer.
 *
 * <p>RFC 9112 §5.1: "A server MUST reject, with a response status code of 400 (Bad Request), any received request
 * message that contains whitespace between a header field name and colon." Netty's decoder keeps a request header's
 * name with the whitespace before its colon ({@code "Transfer-Encoding "}) and leaves the refusal to header
 * validation, but the commands switch Vert.x's header validation off ({@code vertx.disableHttpHeadersValidation},
 * VertxRuntime: it re-checks every header of every request and answer). {@code Transfer-Encoding : chunked} and
 * {@code Content-Length : N} were then ordinary unknown headers, the request had no body, and its body was read as the
 * next request on the connection: request smuggling behind any proxy that reads those headers (CVE-2019-16869's
 * pattern). Here the name's last byte is looked at as the decoder cuts it out (one comparison per header, nothing
 * allocated); a space or tab makes the request invalid.
 *
 * <p>RFC 9110 §5.5: a field value holding NUL, CR or LF is invalid, and the other control characters are not field
 * characters either; with validation off a NUL in an ordinary header reached the routes (and whatever logs or forwards
 * a header). Each header line is scanned once as the decoder cuts its name out, 8 bytes at a time while it is hot in
 * the cache, for a byte below 0x20 other than tab, or DEL (bytes 0x80 and up, obs-text, pass): about one instruction
 * per byte of the head, nothing allocated. The line is Netty's own copy of it (its parser's scratch buffer), whose
 * length is read from that buffer, found once per connection.
 *
 * <p>RFC 9112 §5.2: a header line continued on the next (a line beginning with a space or tab, obs-fold) is joined by
 * Netty to the value before it without passing through the check above, so {@code X-Note: a\r\n x\0b} carried its NUL
 * to the routes. A server may refuse obs-fold with a 400; this one does: as a header line is cut out, the byte after it
 * (the buffer's next) is looked at, and when the line ended where the bytes read so far end, the first byte of the next
 * read is. A value's space after its colon is no fold. A chunked body's trailer lines are checked the same way (a fold
 * there fails the request's last content).
 *
 * <p>Any refusal makes the request invalid, which Vert.x hands to {@link EdgeRouter#invalidRequests} (400 in the
 * path's dialect, connection closed), and Netty discards the rest of what the connection sends.
 *
 * <p>A request line over the limit (414) fails before Netty has a request, so Netty's stand-in for it names the path
 * {@code /bad-request} and every such 414 was answered in OpenAI's shape, also under {@code /v1/messages}. Here the
 * stand-in keeps the start of the path the client sent (read from the bytes still in the buffer, only on that failure),
 * so the answer is in the path's dialect whatever the HTTP version, and whether the target is a path or the absolute
 * form ({@code http://host/v1/messages}, RFC 9112 3.2.2).
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
    /** The name Vert.x gives its decoder in every HTTP/1.x server pipeline. */
    private static final String NAME = "httpDecoder";
    /** How much of an over-long request line's path is kept: enough to tell its dialect. */
    private static final int PATH_KEPT = 256;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SCRATCH = scratchHandle();

    /** Netty's copy of the header line being parsed (the bytes {@link #splitHeaderName} is given); null if not found. */
    private final ByteBuf line;
    /** The buffer being decoded and where this decode call began in it, for {@link #createInvalidMessage}. */
    private ByteBuf decoding;
    private int decodingFrom;
    /**
     * The last header line cut out ended exactly where the bytes read so far end: whether a fold follows is known only
     * when the next bytes come ({@link #decode}).
     */
    private boolean lineEndedRead;
    /**
     * A fold began the bytes of a later read: the request is refused at its next header line, at its head's end, or,
     * in a trailer, when the trailer ends ({@link #refuseFoldedTrailer}).
     */
    private boolean foldFound;
    /** A folded trailer was refused: the rest of what the connection sends is discarded, as Netty does after a failed chunk. */
    private boolean discarding;
    /** Warned once that header lines are not in the scratch buffer found (the control check is then off). */
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED_NOT_SCRATCH = new java.util.concurrent.atomic.AtomicBoolean();
    private static final String FOLD = "a header line continued on the next line (obs-fold) is not allowed (RFC 9112 5.2)";

    StrictRequestDecoder(HttpServerOptions options) {
        super(options);
        this.line = SCRATCH == null ? null : (ByteBuf) SCRATCH.get((HttpObjectDecoder) this);
    }

    /**
     * Netty's field holding its parser's scratch buffer (the decoder is on the class path, so its private fields can be
     * read); null if a Netty version renamed it, which {@code FramingIT} would show (a NUL in a header is then no 400).
     */
    private static VarHandle scratchHandle() {
        try {
            return MethodHandles.privateLookupIn(HttpObjectDecoder.class, MethodHandles.lookup())
                    .findVarHandle(HttpObjectDecoder.class, "parserScratchBuffer", ByteBuf.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(StrictRequestDecoder.class).warn("Netty's header parser has no scratch buffer"
                    + " to read ({}): control characters in request headers are not refused", e.toString());
            return null;
        }
    }

    /**
     * Replaces Vert.x's decoder of a new HTTP/1.x connection (before it has read a byte: the connection handler runs
     * as the pipeline is set up); another kind of connection is left alone.
     */
    static void install(HttpConnection conn, HttpServerOptions options) {
        if (!(conn instanceof io.vertx.core.net.impl.ConnectionBase base)) return;
        var pipeline = base.channelHandlerContext().pipeline();
        if (pipeline.get(NAME) instanceof VertxHttpRequestDecoder) pipeline.replace(NAME, NAME, new StrictRequestDecoder(options));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (discarding) {
            buffer.skipBytes(buffer.readableBytes());
            return;
        }
        decoding = buffer;
        decodingFrom = buffer.readerIndex();
        if (lineEndedRead) {
            lineEndedRead = false;
            if (buffer.isReadable()) {
                byte first = buffer.getByte(buffer.readerIndex());
                // a fold line calls nothing of ours (Netty joins it to the header before it): refused where Netty next asks
                if (first == ' ' || first == '\t') foldFound = true;
            } else {
                lineEndedRead = true;
            }
        }
        int given = out.size();
        try {
            super.decode(ctx, buffer, out);
        } finally {
            decoding = null;
        }
        if (foldFound) refuseFoldedTrailer(out, given);
    }

    /**
     * A fold that began a read inside a chunked body's trailer: the trailer's lines call nothing of ours but
     * {@link #splitHeaderName}, so when no trailer line followed the fold, nothing refused it, and the flag refused the
     * next request on the connection instead (at its request line). The trailer, once decoded, becomes a failed last
     * content (what Netty makes of a trailer it cannot parse: {@link FramingErrors} answers it with a 400 and closes),
     * and what follows on the connection is discarded.
     */
    private void refuseFoldedTrailer(List<Object> out, int from) {
        for (int i = from; i < out.size(); i++) {
            if (out.get(i) instanceof LastHttpContent last && last.decoderResult().isSuccess()) {
                foldFound = false;
                discarding = true;
                LastHttpContent failed = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
                failed.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(FOLD)));
                out.set(i, failed);
                ReferenceCountUtil.release(last);
                return;
            }
        }
    }

    @Override
    protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
        if (length > 0) {
            byte last = sb[start + length - 1];
            if (last == ' ' || last == '\t') {
                throw new IllegalArgumentException("whitespace between a header name and its colon is not allowed (RFC 9112 5.1)");
            }
        }
        ByteBuf l = line;
        if (l != null) {
            if (l.hasArray() && sb == l.array() && start == l.arrayOffset() + l.readerIndex()) {
                if (firstControl(sb, start, start + l.readableBytes()) >= 0) {
                    throw new IllegalArgumentException("a header holds a control character (NUL, CR, LF or another below 0x20"
                            + " but tab, or DEL), which RFC 9110 5.5 does not allow in a field");
                }
            } else if (WARNED_NOT_SCRATCH.compareAndSet(false, true)) {
                org.slf4j.LoggerFactory.getLogger(StrictRequestDecoder.class).warn("Netty's header parser gave a header line"
                        + " that is not in its scratch buffer: control characters in request headers are not refused");
            }
        }
        // RFC 9112 5.2: a line that begins with a space or tab continues this one (obs-fold), which Netty joins to its
        // value without showing it to us, control characters and all. A server may refuse it with a 400: this one does.
        // The header parser has just read past this line, so the next line's first byte is the buffer's next one.
        ByteBuf d = decoding;
        if (d != null) {
            int next = d.readerIndex();
            if (next < d.writerIndex()) {
                byte b = d.getByte(next);
                if (b == ' ' || b == '\t') throw new IllegalArgumentException(FOLD);
            } else {
                lineEndedRead = true;
            }
        }
        return super.splitHeaderName(sb, start, length);
    }

    /**
     * Netty asks this as it splits every header line (trailers too) and once a request's head has ended, each time where
     * a failure makes the request (or chunk) invalid: a fold found at the start of a read refuses the request at the next
     * header line or at the head's end. The refusal ends the connection.
     */
    @Override
    protected boolean isDecodingRequest() {
        if (foldFound) {
            foldFound = false;
            throw new IllegalArgumentException(FOLD);
        }
        return super.isDecodingRequest();
    }

    /** The connection ended: a fold found at its last read has no request left to refuse (nor any exception to raise). */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        foldFound = false;
        lineEndedRead = false;
        super.decodeLast(ctx, in, out);
    }

    /** The index of the first byte in {@code b[from, to)} that is a control character but tab, or DEL; -1 if none. */
    static int firstControl(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(b, i);
            // non-zero iff some byte is below 0x20 (a borrow only runs on past a byte that is), or is 0x7f
            long below = (x - 0x2020202020202020L) & ~x & 0x8080808080808080L;
            long y = x ^ 0x7f7f7f7f7f7f7f7fL;
            long del = (y - 0x0101010101010101L) & ~y & 0x8080808080808080L;
            if ((below | del) != 0) {
                int at = firstControlByByte(b, i, i + 8); // a tab is below 0x20 too: looked at byte by byte
                if (at >= 0) return at;
            }
        }
        return firstControlByByte(b, i, to);
    }

    private static int firstControlByByte(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if (c < 0x20 ? c != '\t' : c == 0x7f) return i;
        }
        return -1;
    }

    /**
     * Netty's stand-in for a request whose line could not be parsed (too long, or no request line at all), with the
     * start of the path the client sent, so that its answer is in that path's dialect.
     */
    @Override
    protected HttpMessage createInvalidMessage() {
        String path = decoding == null ? null : pathOf(decoding, decodingFrom, decoding.writerIndex());
        if (path == null) return super.createInvalidMessage();
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, path, Unpooled.buffer(0), headersFactory, trailersFactory);
    }

    /**
     * The path of the request line starting at {@code from} (after any blank lines), up to its query, its end or
     * {@link #PATH_KEPT} bytes; null unless the line starts with a method of capital letters, one space and a
     * {@code /}, or an absolute-form target (RFC 9112 3.2.2: {@code http://host:port/path}, any scheme), whose path is
     * what follows its authority ({@code /} when the authority ends at a query or the line's end; null when no end of
     * the authority is within {@link #PATH_KEPT} bytes).
     */
    static String pathOf(ByteBuf b, int from, int to) {
        int i = from;
        while (i < to && (b.getByte(i) == '\r' || b.getByte(i) == '\n')) i++;
        int method = i;
        while (i < to && b.getByte(i) >= 'A' && b.getByte(i) <= 'Z') i++;
        if (i == method || i + 1 >= to || b.getByte(i) != ' ') return null;
        i++;
        if (b.getByte(i) != '/') {
            i = afterAuthority(b, i, to);
            if (i < 0) return null;
            if (i >= to || b.getByte(i) != '/') return "/";
        }
        int start = i;
        int end = Math.min(to, start + PATH_KEPT);
        while (i < end) {
            byte c = b.getByte(i);
            if (c <= ' ' || c >= 0x7f || c == '?' || c == '#') break;
            i++;
        }
        return b.toString(start, i - start, StandardCharsets.US_ASCII);
    }

    /**
     * Where an absolute-form target's path begins: past {@code scheme://} (a letter, then letters, digits, {@code +},
     * {@code -} or {@code .}) and the authority, at the first {@code /}, {@code ?}, {@code #}, space or control byte;
     * -1 when {@code at} begins no such target or its authority runs past {@link #PATH_KEPT} bytes; {@code to} when
     * the authority runs to the end of the bytes read (a target without a path: {@link #pathOf} answers {@code "/"}).
     */
    private static int afterAuthority(ByteBuf b, int at, int to) {
        int i = at;
        int end = Math.min(to, at + PATH_KEPT);
        byte c = i < end ? b.getByte(i) : 0;
        if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) return -1;
        while (++i < end) {
            c = b.getByte(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) break;
        }
        if (i + 2 >= end || b.getByte(i) != ':' || b.getByte(i + 1) != '/' || b.getByte(i + 2) != '/') return -1;
        for (i += 3; i < end; i++) {
            c = b.getByte(i);
            if (c == '/' || c == '?' || c == '#' || c <= ' ' || c >= 0x7f) return i;
        }
        return i < to ? -1 : i; // the authority ran to the end of what was read: no path (a line cut there had none)
    }
}
