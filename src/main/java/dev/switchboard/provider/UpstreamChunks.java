package dev.switchboard.provider;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Hands Vert.x one body piece per round of reads of an upstream HTTP/1.x connection, not one per HTTP chunk. An
 * upstream writes each stream event as a chunk of its own, and Vert.x's client handles every chunk on its own: a heap
 * copy of it (its {@code safeBuffer}), a trip through the response's inbound queue and its context, and a call of the
 * body handler, which for a stream is the relay's parse, flush and backpressure check. The pieces a round of reads
 * brings are gathered here and handed over together when the round ends ({@code channelReadComplete}), in the same
 * turn of the event loop, so no byte waits for a later read.
 *
 * <p>A round's single piece goes on as it came (Vert.x copies it, as before). Two or more are copied once into one
 * unpooled heap buffer, which Vert.x takes without a further copy (it copies only buffers of Netty's pooled
 * allocators), and each original is released as it is copied. The gathered piece goes on before anything else the
 * connection passes up (the response's end, its next head, a piece the decoder could not read, an exception, the
 * channel's end), so Vert.x sees the same bytes in the same order; only the count of pieces changes. A gathered piece
 * goes on at once past {@link #MAX_GATHERED} bytes.
 */
final class UpstreamChunks extends ChannelInboundHandlerAdapter {
    static final String NAME = "switchboard-upstream-chunks";
    /** A fast upstream's round of reads is not held in one ever-growing buffer. */
    static final int MAX_GATHERED = 64 * 1024;

    /** The round's first piece, held as it came; or null. */
    private HttpContent first;
    /** The round's pieces copied together once a second came; or null. */
    private ByteBuf gathered;

    /**
     * Puts the handler in front of Vert.x's on an HTTP/1.x client connection's pipeline (after the codec and any
     * decompressor); a pipeline without Netty's HTTP/1.x client codec (HTTP/2) is left alone. Idempotent.
     */
    static void install(ChannelPipeline pipeline) {
        if (!(pipeline.get("codec") instanceof HttpClientCodec) || pipeline.get(NAME) != null || pipeline.get("handler") == null) {
            return;
        }
        pipeline.addBefore("handler", NAME, new UpstreamChunks());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpContent c && !(msg instanceof LastHttpContent) && !(msg instanceof HttpMessage)
                && c.decoderResult().isSuccess()) {
            gather(ctx, c);
            return;
        }
        handOver(ctx);
        ctx.fireChannelRead(msg);
    }

    private void gather(ChannelHandlerContext ctx, HttpContent c) {
        if (first == null && gathered == null) {
            first = c;
            return;
        }
        ByteBuf in = c.content();
        try {
            if (gathered == null) {
                ByteBuf head = first.content();
                int need = head.readableBytes() + in.readableBytes();
                // unpooled heap memory: Vert.x's safeBuffer passes it through instead of copying it again
                gathered = io.vertx.core.impl.buffer.VertxByteBufAllocator.DEFAULT.heapBuffer(Math.max(4096, 2 * need));
                try {
                    gathered.writeBytes(head, head.readerIndex(), head.readableBytes());
                } finally {
                    first.release();
                    first = null;
                }
            }
            gathered.writeBytes(in, in.readerIndex(), in.readableBytes());
        } finally {
            c.release();
        }
        if (gathered.readableBytes() >= MAX_GATHERED) handOver(ctx);
    }

    /** Whatever the round gathered goes on now. */
    private void handOver(ChannelHandlerContext ctx) {
        if (first != null) {
            HttpContent c = first;
            first = null;
            ctx.fireChannelRead(c);
        } else if (gathered != null) {
            ByteBuf b = gathered;
            gathered = null;
            ctx.fireChannelRead(new DefaultHttpContent(b));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        handOver(ctx);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        handOver(ctx);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        handOver(ctx);
        super.exceptionCaught(ctx, cause);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        handOver(ctx);
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // removed mid-round (the connection is closed or repurposed): what it held still goes on, in order
        handOver(ctx);
    }
}
