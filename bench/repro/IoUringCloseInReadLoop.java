import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.*;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Netty 4.2.18 on io_uring with one-shot polls: a close asked for in channelRead, behind a write still in flight, sends
 * no FIN (docs/architecture.md, "io_uring: a close in the read loop"). Plain Netty, no Vert.x. Run from the worktree:
 * <pre>
 *   mvn -o -q dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 *   java --enable-native-access=ALL-UNNAMED -cp "$(cat /tmp/cp.txt)" -Dio.netty.iouring.pollAddMultishotEnabled=false \
 *        bench/repro/IoUringCloseInReadLoop.java io_uring [guard]
 * </pre>
 * Prints how many of 20 clients saw the end of the connection within 3 s after the answer. io_uring one-shot: 0 of 20;
 * io_uring multishot ({@code =true}), epoll, or io_uring with {@code guard} (reads stopped once a close is asked): 20.
 */
public class IoUringCloseInReadLoop {
    public static void main(String[] a) throws Exception {
        boolean epoll = a.length > 0 && a[0].equals("epoll"), guard = a.length > 1 && a[1].equals("guard");
        IoHandlerFactory f = epoll ? EpollIoHandler.newFactory() : IoUringIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, f);
        Channel server = new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : IoUringServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (guard) ch.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
                            boolean closing;
                            @Override public void read(ChannelHandlerContext ctx) { if (!closing) ctx.read(); }
                            @Override public void close(ChannelHandlerContext ctx, ChannelPromise p) {
                                closing = true;
                                ctx.channel().config().setAutoRead(false);
                                ctx.close(p);
                            }
                        });
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg);
                                ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 501 No\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                                        StandardCharsets.US_ASCII));
                                ctx.close(); // in the read loop, the write still in flight: the close is delayed behind it
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort(), ended = 0;
        for (int i = 0; i < 20; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(3000);
                s.getOutputStream().write("GET / HTTP/1.7\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                try {
                    while (in.read(new byte[4096]) >= 0) { }
                    ended++;
                } catch (SocketTimeoutException stillOpen) { }
            }
        }
        System.out.printf("%s%s, multishot polls %s: %d of 20 clients saw the connection end%n", epoll ? "epoll" : "io_uring",
                guard ? " + guard" : "", System.getProperty("io.netty.iouring.pollAddMultishotEnabled", "(default)"), ended);
        server.close().sync();
        group.shutdownGracefully();
    }
}
