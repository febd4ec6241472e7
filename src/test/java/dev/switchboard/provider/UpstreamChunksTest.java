package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link UpstreamChunks} between Netty's HTTP client codec and a stand-in for Vert.x's handler: the same bytes in the same
 * order, one piece per round of reads, nothing held past the round, the connection's end or a broken chunk.
 */
class UpstreamChunksTest {
    /** What Vert.x's handler would see: every message and every read's end, in order. */
    static final class Seen extends ChannelInboundHandlerAdapter {
        final List<Object> messages = new ArrayList<>();
        final List<String> log = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages.add(msg);
            if (msg instanceof HttpResponse) log.add("head");
            if (msg instanceof HttpContent c) {
                ByteBuf b = c.content();
                byte[] bytes = new byte[b.readableBytes()];
                b.getBytes(b.readerIndex(), bytes);
                body.writeBytes(bytes);
                log.add((msg instanceof LastHttpContent ? "last:" : "piece:") + bytes.length
                        + (c.decoderResult().isFailure() ? ":failed" : ""));
                c.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) { log.add("complete"); }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) { log.add("inactive"); }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { log.add("exception"); }

        String body() { return body.toString(StandardCharsets.UTF_8); }
    }

    private static EmbeddedChannel channel(Seen seen) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast("codec", new HttpClientCodec());
        ch.pipeline().addLast("handler", seen);
        UpstreamChunks.install(ch.pipeline());
        // the codec answers what it was asked: a request goes out first
        ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions"));
        ByteBuf sent;
        while ((sent = ch.readOutbound()) != null) sent.release();
        return ch;
    }

    private static ByteBuf bytes(String s) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer();
        b.writeCharSequence(s, StandardCharsets.US_ASCII);
        return b;
    }

    private static String head() { return "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"; }

    private static String chunk(String data) {
        return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
    }

    private static String event(int i) { return "data: {\"i\":" + i + ",\"text\":\"" + "x".repeat(i % 7) + "\"}\n\n"; }

    @Test
    void aRoundsChunksReachVertxAsOnePieceBeforeTheEnd() {
        Seen seen = new Seen();
        EmbeddedChannel ch = channel(seen);
        StringBuilder wire = new StringBuilder(head());
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            wire.append(chunk(event(i)));
            events.append(event(i));
        }
        wire.append("0\r\n\r\n");
        ch.writeInbound(bytes(wire.toString()));
        assertEquals(List.of("head", "piece:" + events.length(), "last:0", "complete"), seen.log);
        assertEquals(events.toString(), seen.body());
        // a buffer Vert.x takes as it is (it copies only what Netty's pooled allocators made)
        HttpContent piece = (HttpContent) seen.messages.get(1);
        assertFalse(piece.content().alloc() instanceof PooledByteBufAllocator);
        assertFalse(piece.content().alloc() instanceof AdaptiveByteBufAllocator);
        assertFalse(ch.finish());
    }

    @Test
    void eachRoundOfReadsIsHandedOverWhenItEnds() {
        Seen seen = new Seen();
        EmbeddedChannel ch = channel(seen);
        ch.writeInbound(bytes(head() + chunk(event(1)) + chunk(event(2))));
        assertEquals(List.of("head", "piece:" + (event(1).length() + event(2).length()), "complete"), seen.log);
        ch.writeInbound(bytes(chunk(event(3))));
        assertEquals("piece:" + event(3).length(), seen.log.get(3));
        assertEquals("complete", seen.log.get(4));
        ch.writeInbound(bytes(chunk(event(4)) + chunk(event(5)) + chunk(event(6)) + "0\r\n\r\n"));
        assertEquals(List.of("piece:" + (event(4).length() + event(5).length() + event(6).length()), "last:0", "complete"),
                seen.log.subList(5, seen.log.size()));
        assertEquals(event(1) + event(2) + event(3) + event(4) + event(5) + event(6), seen.body());
        assertFalse(ch.finish());
    }

    @Test
    void aRoundsOnlyChunkGoesOnAsItCame() {
        Seen seen = new Seen();
        EmbeddedChannel ch = channel(seen);
        ch.writeInbound(bytes(head()));
        List<Object> held = new ArrayList<>();
        ch.pipeline().addBefore(UpstreamChunks.NAME, "spy", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                held.add(msg);
                ctx.fireChannelRead(msg);
            }
        });
        ch.writeInbound(bytes(chunk(event(9))));
        assertEquals(1, held.size());
        assertSame(held.get(0), seen.messages.get(seen.messages.size() - 1));
        assertFalse(ch.finish());
    }

    @Test
    void aConnectionThatEndsMidRoundHandsOverWhatItHeldFirst() {
        Seen seen = new Seen();
        EmbeddedChannel ch = channel(seen);
        ch.pipeline().fireChannelRead(bytes(head() + chunk(event(1)) + chunk(event(2))));
        // no read complete: the channel ends within the round
        ch.finish();
        int piece = seen.log.indexOf("piece:" + (event(1).length() + event(2).length()));
        assertTrue(piece > 0, seen.log.toString());
        assertTrue(piece < seen.log.indexOf("inactive"), seen.log.toString());
        assertEquals(event(1) + event(2), seen.body());
    }

    @Test
    void aBrokenChunkComesAfterWhatWasReadBeforeIt() {
        Seen seen = new Seen();
        EmbeddedChannel ch = channel(seen);
        ch.writeInbound(bytes(head() + chunk(event(1)) + chunk(event(2)) + "zz\r\nnot a chunk\r\n"));
        int piece = seen.log.indexOf("piece:" + (event(1).length() + event(2).length()));
        assertTrue(piece > 0, seen.log.toString());
        int failed = -1;
        for (int i = 0; i < seen.log.size(); i++) if (seen.log.get(i).endsWith(":failed")) failed = i;
        assertTrue(failed > piece, seen.log.toString());
        ch.finishAndReleaseAll();
    }

    @Test
    void aFastUpstreamsRoundIsNotHeldInOneEverGrowingBuffer() {
        Seen seen = new Seen();
        EmbeddedChannel ch = channel(seen);
        StringBuilder wire = new StringBuilder(head());
        StringBuilder events = new StringBuilder();
        String big = "data: " + "y".repeat(1000) + "\n\n";
        for (int i = 0; i < 200; i++) {
            wire.append(chunk(big));
            events.append(big);
        }
        ch.writeInbound(bytes(wire.toString()));
        assertEquals(events.toString(), seen.body());
        long pieces = seen.log.stream().filter(s -> s.startsWith("piece:")).count();
        assertTrue(pieces >= 3 && pieces <= 4, seen.log.toString());
        for (String s : seen.log) {
            if (s.startsWith("piece:")) assertTrue(Integer.parseInt(s.substring(6)) < UpstreamChunks.MAX_GATHERED + big.length(), s);
        }
        assertFalse(ch.finish());
    }

    /** Random bodies cut into random reads: the same bytes in order, at most one piece a read plus the size cuts. */
    @Test
    void anyCutOfAnyBodyReachesVertxWhole() {
        Random r = new Random(15);
        for (int round = 0; round < 300; round++) {
            Seen seen = new Seen();
            EmbeddedChannel ch = channel(seen);
            StringBuilder wire = new StringBuilder(head());
            StringBuilder body = new StringBuilder();
            int n = 1 + r.nextInt(30);
            for (int i = 0; i < n; i++) {
                String e = "data: " + "z".repeat(r.nextInt(400)) + i + "\n\n";
                wire.append(chunk(e));
                body.append(e);
            }
            wire.append("0\r\n\r\n");
            byte[] all = wire.toString().getBytes(StandardCharsets.US_ASCII);
            int reads = 0;
            for (int at = 0; at < all.length; reads++) {
                int len = Math.min(all.length - at, 1 + r.nextInt(600));
                ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(len);
                b.writeBytes(all, at, len);
                ch.writeInbound(b);
                at += len;
            }
            assertEquals(body.toString(), seen.body());
            long pieces = seen.log.stream().filter(s -> s.startsWith("piece:")).count();
            assertTrue(pieces <= reads, pieces + " pieces in " + reads + " reads");
            assertEquals("last:0", seen.log.get(seen.log.size() - 2));
            assertFalse(ch.finish());
        }
    }

    @Test
    void anHttp2OrForeignPipelineIsLeftAlone() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast("handler", new Seen());
        UpstreamChunks.install(ch.pipeline());
        assertEquals(null, ch.pipeline().get(UpstreamChunks.NAME));
        EmbeddedChannel h1 = new EmbeddedChannel();
        h1.pipeline().addLast("codec", new HttpClientCodec()).addLast("handler", new Seen());
        UpstreamChunks.install(h1.pipeline());
        UpstreamChunks.install(h1.pipeline());
        assertNotNull(h1.pipeline().get(UpstreamChunks.NAME));
        assertInstanceOf(UpstreamChunks.class, h1.pipeline().get(UpstreamChunks.NAME));
        assertEquals(List.of("codec", UpstreamChunks.NAME, "handler"), h1.pipeline().names().subList(0, 3));
    }
}
