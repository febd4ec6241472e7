import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.transport.Transport;

/**
 * The floor of the gateway's stack: a Vert.x HTTP/1.1 proxy that does nothing but relay. Each POST's body is read
 * whole, sent to one upstream over a keep-alive pool, the answer read whole and written back with its content type.
 * No routing, no decoding, no accounting, no log: what Vert.x's server and client cost a request on this machine,
 * so bench/floor.sh can put the gateway beside the most its own stack can reach (issue #15's non-stream ratio).
 * Built the way {@code dev.switchboard.cli.VertxRuntime} builds the gateway's Vert.x (same transport, same system
 * properties), one event loop.
 *
 *   java -cp target/switchboard.jar bench/ProxyFloor.java PORT UPSTREAM_PORT [io_uring|epoll|nio]
 */
public class ProxyFloor {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int upstream = Integer.parseInt(args[1]);
        String transport = args.length > 2 ? args[2] : "io_uring";
        System.setProperty("vertx.disableHttpHeadersValidation", "true");
        System.setProperty("vertx.disableContextTimings", "true");
        System.setProperty("vertx.disableTCCL", "true");
        Transport t = switch (transport) {
            case "epoll" -> Transport.EPOLL;
            case "nio" -> Transport.NIO;
            default -> Transport.IO_URING;
        };
        Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)).withTransport(t).build();
        HttpClientAgent client = vertx.httpClientBuilder()
                .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true))
                .with(new PoolOptions().setHttp1MaxSize(2048))
                .build();
        RequestOptions base = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(upstream);
        vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(req -> req.body().onComplete(b -> {
            if (b.failed()) { req.response().setStatusCode(400).end(); return; }
            Buffer body = b.result();
            RequestOptions o = new RequestOptions(base).setURI(req.uri());
            String auth = req.getHeader("authorization");
            if (auth != null) o.putHeader("authorization", auth);
            o.putHeader("content-type", "application/json");
            client.request(o)
                    .compose(up -> up.send(body).compose(resp -> resp.body().map(answer -> {
                        req.response().setStatusCode(resp.statusCode())
                                .putHeader("content-type", resp.getHeader("content-type") == null ? "application/json" : resp.getHeader("content-type"))
                                .end(answer);
                        return answer;
                    })))
                    .onFailure(e -> { if (!req.response().ended()) req.response().setStatusCode(502).end(String.valueOf(e)); });
        })).listen(port, "127.0.0.1").onSuccess(s -> System.out.println("proxy floor on " + port + " -> " + upstream + " (" + vertx.isNativeTransportEnabled() + ")"))
                .onFailure(e -> { e.printStackTrace(); System.exit(1); });
    }
}
