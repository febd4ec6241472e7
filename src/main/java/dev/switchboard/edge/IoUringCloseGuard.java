package dev.switchboard.edge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.vertx.core.http.HttpConnection;

/**
 * On io_uring with one-shot polls (what {@code NettyDefaults} sets), Netty 4.2.18 can leave a socket open in the kernel
 * after it has closed the descriptor: a close asked for while the channel's read loop is running and a write is still
 * in flight (a 501 or 413 written and the connection closed in the same read) is delayed until the write completes,
 * and the read loop's end then arms a new POLLIN (its {@code schedulePollIn} checks only that the channel is active,
 * not the delayed close) after the close already cancelled what was armed. The ring's poll holds the socket, so the
 * close sends no FIN: the client waits for an end that comes only when it sends or closes itself.
 *
 * <p>Placed first in the pipeline (nearest the socket), this handler stops reads once a close is asked for: auto-read
 * off (which clears Netty's pending read, so the loop's end arms nothing) and every later {@code read()} dropped (a
 * {@code setAutoRead(true)} from Vert.x comes through here as one). Nothing is left armed when the descriptor closes.
 * Installed on io_uring channels only; see docs/architecture.md, "io_uring: a close in the read loop".
 */
final class IoUringCloseGuard extends ChannelOutboundHandlerAdapter {
    private boolean closing;

    /** Installs the guard on a connection whose channel is an io_uring socket; any other is left alone. */
    static void install(HttpConnection conn) {
        if (!(conn instanceof io.vertx.core.net.impl.ConnectionBase base)) return;
        Channel ch = base.channel();
        // by name: Netty's io_uring classes are a runtime dependency only (pom.xml)
        if (ch.getClass().getName().startsWith("io.netty.channel.uring.")) ch.pipeline().addFirst("switchboardIoUringCloseGuard", new IoUringCloseGuard());
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!closing) ctx.read();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!closing) {
            closing = true;
            ctx.channel().config().setAutoRead(false);
        }
        ctx.close(promise);
    }
}
