package dev.switchboard.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import java.util.concurrent.TimeUnit;

/**
 * Ends an HTTP/1.x connection after an answer written before its request's body was read (a 413 for a body over the
 * limit, a 408 for one that came too slowly), the way nginx's {@code lingering_close} does: our side of the connection
 * is shut (the client sees the answer and then the end), and what the client still sends is read and dropped until it
 * closes, goes quiet for {@link #QUIET_MS}, or {@link #MAX_MS} have passed.
 *
 * <p>Why not close at once: a socket closed while the client's bytes sit unread in its receive buffer makes the kernel
 * send a reset instead of a FIN, and a reset can reach the client before it has read the answer; the client then sees
 * "broken pipe" or "connection reset" instead of the 413 (the JDK's HttpClient and curl both did, now and then, with a
 * body of a megabyte or more still being sent). Reading the rest away costs the gateway only the reads, bounded in time.
 */
final class LingeringClose extends ChannelInboundHandlerAdapter {
    /** Closed when the client has sent nothing for this long. */
    static final long QUIET_MS = 2_000;
    /** Closed this long after the answer, whatever the client does. */
    static final long MAX_MS = 30_000;

    private final long deadline;
    private long lastRead;
    private ScheduledFuture<?> timer;

    private LingeringClose(long now) {
        this.deadline = now + TimeUnit.MILLISECONDS.toNanos(MAX_MS);
        this.lastRead = now;
    }

    /**
     * Ends the connection as described above; a connection whose channel is not a plain socket (HTTP/2, a test's
     * embedded channel) is closed at once. Call it on the connection's event loop, after the answer was written.
     */
    static void after(HttpConnection conn) {
        if (!(conn instanceof io.vertx.core.net.impl.ConnectionBase base) || !(base.channel() instanceof DuplexChannel ch)
                || !ch.isActive()) {
            conn.close();
            return;
        }
        LingeringClose drain = new LingeringClose(System.nanoTime());
        // first in the pipeline: nothing the client still sends reaches Vert.x's decoder
        ch.pipeline().addFirst("switchboardLingeringClose", drain);
        ch.shutdownOutput().addListener(f -> {
            if (!f.isSuccess()) {
                ch.close();
                return;
            }
            drain.schedule(ch, QUIET_MS);
            ch.config().setAutoRead(true); // Vert.x may have paused the connection while the body was refused
            ch.read();
        });
    }

    private void schedule(Channel ch, long delayMs) {
        timer = ch.eventLoop().schedule(() -> check(ch), delayMs, TimeUnit.MILLISECONDS);
    }

    private void check(Channel ch) {
        long now = System.nanoTime();
        long quietFor = TimeUnit.NANOSECONDS.toMillis(now - lastRead);
        if (quietFor >= QUIET_MS || now - deadline >= 0) {
            ch.close();
            return;
        }
        schedule(ch, Math.min(QUIET_MS - quietFor, TimeUnit.NANOSECONDS.toMillis(deadline - now) + 1));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b && b.isReadable()) lastRead = System.nanoTime();
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!ctx.channel().config().isAutoRead()) ctx.read();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // the client closed its side: nothing more will come
        if (evt instanceof ChannelInputShutdownEvent) ctx.close();
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) timer.cancel(false);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset from the client while we drain: the connection is over, nothing to report
    }
}
