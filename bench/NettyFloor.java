import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import java.util.ArrayDeque;

/**
 * A lower floor than bench/ProxyFloor.java: the same relay on Netty alone (the library under Vert.x), with no Vert.x
 * server or client in between. One event loop carries the server's and the upstream connections (as the gateway's one
 * loop does); idle upstream connections are kept in a plain deque (one loop, so no locks); bodies are aggregated and
 * relayed as they came. What this reaches over what ProxyFloor reaches is what Vert.x's HTTP layers cost a request.
 *
 *   java -cp target/switchboard.jar bench/NettyFloor.java PORT UPSTREAM_PORT [io_uring|epoll]
 */
public class NettyFloor {
    static final AttributeKey<Channel> CLIENT = AttributeKey.valueOf("client");
    static final ArrayDeque<Channel> idle = new ArrayDeque<>();
    static Bootstrap upstream;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int up = Integer.parseInt(args[1]);
        boolean uring = !(args.length > 2 && args[2].equals("epoll"));
        IoHandlerFactory io = uring ? IoUringIoHandler.newFactory() : EpollIoHandler.newFactory();
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, io);
        Class<? extends ServerChannel> serverChannel = uring ? IoUringServerSocketChannel.class : EpollServerSocketChannel.class;
        Class<? extends Channel> clientChannel = uring ? IoUringSocketChannel.class : EpollSocketChannel.class;
        upstream = new Bootstrap().group(loop).channel(clientChannel).option(ChannelOption.TCP_NODELAY, true)
                .remoteAddress("127.0.0.1", up)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(4 << 20), new Answer());
                    }
                });
        new ServerBootstrap().group(loop).channel(serverChannel).childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(4 << 20), new Ask());
                    }
                }).bind("127.0.0.1", port).sync();
        System.out.println("netty floor on " + port + " -> " + up + (uring ? " (io_uring)" : " (epoll)"));
    }

    /** A client's request: sent upstream on an idle connection, or a new one. */
    static final class Ask extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            FullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, req.uri(), req.content().retain());
            out.headers().set(HttpHeaderNames.HOST, "127.0.0.1").set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .set(HttpHeaderNames.CONTENT_LENGTH, req.content().readableBytes());
            String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (auth != null) out.headers().set(HttpHeaderNames.AUTHORIZATION, auth);
            Channel server = ctx.channel();
            Channel c = idle.pollLast();
            if (c != null && c.isActive()) send(c, server, out);
            else upstream.connect().addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) send(f.channel(), server, out);
                else { out.release(); server.close(); }
            });
        }

        private static void send(Channel c, Channel server, FullHttpRequest out) {
            c.attr(CLIENT).set(server);
            c.writeAndFlush(out);
        }
    }

    /** The upstream's answer: written back to the client that asked, the connection back to the idle deque. */
    static final class Answer extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse resp) {
            Channel server = ctx.channel().attr(CLIENT).getAndSet(null);
            idle.addLast(ctx.channel());
            if (server == null) return;
            FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, resp.status(), resp.content().retain());
            String type = resp.headers().get(HttpHeaderNames.CONTENT_TYPE);
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, type == null ? "application/json" : type);
            HttpUtil.setContentLength(out, resp.content().readableBytes());
            server.writeAndFlush(out);
        }
    }
}
