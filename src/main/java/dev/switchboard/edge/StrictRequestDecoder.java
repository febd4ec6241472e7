package dev.switchboard.edge;

import io.netty.util.AsciiString;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

/**
 * Vert.x's request decoder with the one check RFC 9112 §5.1 asks of a server that header validation was doing for us:
 * "A server MUST reject, with a response status code of 400 (Bad Request), any received request message that contains
 * whitespace between a header field name and colon."
 *
 * <p>Why it is needed: Netty's decoder keeps a request header's name with the whitespace before its colon
 * ({@code "Transfer-Encoding "}) and leaves the refusal to header validation, but the commands switch Vert.x's header
 * validation off ({@code vertx.disableHttpHeadersValidation}, VertxRuntime: it re-checks every header of every request
 * and answer). {@code Transfer-Encoding : chunked} and {@code Content-Length : N} were then ordinary unknown headers, the
 * request had no body, and its body was read as the next request on the connection: request smuggling behind any
 * proxy that reads those headers (CVE-2019-16869's pattern). Here the name's last byte is looked at as the decoder
 * cuts it out (one comparison per header, nothing allocated); a space or tab makes the request invalid, which Vert.x
 * hands to {@link EdgeRouter#invalidRequests} (400 in the path's dialect, connection closed) and Netty discards the
 * rest of what the connection sends.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
    /** The name Vert.x gives its decoder in every HTTP/1.x server pipeline. */
    private static final String NAME = "httpDecoder";

    private StrictRequestDecoder(HttpServerOptions options) { super(options); }

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
    protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
        if (length > 0) {
            byte last = sb[start + length - 1];
            if (last == ' ' || last == '\t') {
                throw new IllegalArgumentException("whitespace between a header name and its colon is not allowed (RFC 9112 5.1)");
            }
        }
        return super.splitHeaderName(sb, start, length);
    }
}
