package dev.switchboard.edge;

import dev.switchboard.model.RequestIds;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import java.util.function.BiFunction;

/**
 * Framing errors Vert.x answers with nothing or with an empty body, answered in the caller's dialect instead:
 * <ul>
 *   <li>a broken chunk size ({@code zz}) or another body-decoding failure: Vert.x closes the connection in the
 *       same turn as it reports the error, before anything written in reply is flushed, so the client saw a bare FIN.
 *       Here the failed chunk never reaches Vert.x: a 400 is written and flushed first, then the connection closed;</li>
 *   <li>an HTTP version other than 1.0 / 1.1 in the request line: Vert.x's 501 has an empty body.</li>
 * </ul>
 * Failures in the request head (bad Content-Length, 414, 431) reach Vert.x's invalid-request handler, which
 * {@link EdgeRouter#invalidRequests} answers. A Netty handler placed just before Vert.x's own ({@code "handler"}),
 * so it sees decoded HTTP objects both ways; it answers only when no response to the current request has begun.
 */
final class FramingErrors extends ChannelDuplexHandler {
    private final BiFunction<String, GatewayException, Buffer> errorBody;
    private final RequestIds ids;
    /** The current request's URI; its path is cut out only when an error is answered (not on every request). */
    private String uri;
    private boolean responseStarted;

    /** @param errorBody the error JSON in the dialect of a request path */
    private FramingErrors(BiFunction<String, GatewayException, Buffer> errorBody, RequestIds ids) {
        this.errorBody = errorBody;
        this.ids = ids;
    }

    /** Installs the handler on a new HTTP/1.x connection; a connection of another kind is left alone. */
    static void install(HttpConnection conn, BiFunction<String, GatewayException, Buffer> errorBody, RequestIds ids) {
        if (!(conn instanceof io.vertx.core.net.impl.ConnectionBase base)) return;
        var pipeline = base.channelHandlerContext().pipeline();
        if (pipeline.get("handler") != null && pipeline.get("httpDecoder") != null) {
            pipeline.addBefore("handler", "switchboardFramingErrors", new FramingErrors(errorBody, ids));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest req) {
            uri = req.uri();
            responseStarted = false;
            HttpVersion v = req.protocolVersion();
            if (req.decoderResult().isSuccess() && v != HttpVersion.HTTP_1_1 && v != HttpVersion.HTTP_1_0) {
                ReferenceCountUtil.release(msg);
                answer(ctx, 501, new GatewayException(ErrorKind.BAD_REQUEST, 501, "HTTP version " + BrowserGuard.printable(v.text())
                        + " is not supported; this server speaks HTTP/1.1.", null, "http_version_not_supported", null, null));
                return;
            }
        } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            Throwable cause = content.decoderResult().cause();
            ReferenceCountUtil.release(msg);
            if (responseStarted) {
                ctx.close(); // an answer is already on its way: nothing more can be said on this connection
                return;
            }
            answer(ctx, 400, GatewayException.badRequest("The request body's framing is broken"
                    + (cause == null || cause.getMessage() == null ? "." : ": " + BrowserGuard.printable(cause.getMessage()) + "."), null));
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse) responseStarted = true;
        super.write(ctx, msg, promise);
    }

    private void answer(ChannelHandlerContext ctx, int status, GatewayException e) {
        responseStarted = true;
        String path = pathOf(uri);
        Buffer body = errorBody.apply(path, e);
        String id = ids.next();
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body.getBytes()));
        resp.headers().set("content-type", "application/json").set("content-length", body.length())
                .set("connection", "close").set(SwitchboardHeaders.REQUEST_ID, id)
                .set(path != null && EdgeRouter.isAnthropicPath(path) ? "request-id" : "x-request-id", id);
        // written from here, below Vert.x: flushed at once, then the connection closes
        ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }

    /** The request target's path; an absolute-form target's ({@code http://host/v1/messages}) is what follows its authority. */
    static String pathOf(String uri) {
        if (uri == null) return null;
        int from = 0;
        int scheme = uri.startsWith("/") ? -1 : uri.indexOf("://");
        if (scheme > 0) {
            from = scheme + 3;
            while (from < uri.length() && "/?#".indexOf(uri.charAt(from)) < 0) from++;
            if (from == uri.length() || uri.charAt(from) != '/') return "/";
        }
        int q = from;
        while (q < uri.length() && uri.charAt(q) != '?' && uri.charAt(q) != '#') q++;
        return uri.substring(from, q);
    }
}
