package dev.switchboard.edge;

import dev.switchboard.pipeline.Gateway;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The HTTP server: one server instance per event loop, all on one port (Vert.x spreads connections across
 * them), so every core serves requests without any handler ever blocking.
 */
public final class EdgeServer {
    private final Vertx vertx;
    private final java.util.List<String> deploymentIds;
    private final int port;

    private EdgeServer(Vertx vertx, java.util.List<String> deploymentIds, int port) {
        this.vertx = vertx;
        this.deploymentIds = deploymentIds;
        this.port = port;
    }

    public int port() { return port; }

    /** Starts {@code instances} servers on host:port; port 0 picks a free port shared by all instances. */
    public static Future<EdgeServer> start(Vertx vertx, Gateway gateway, String host, int port, int instances) {
        EdgeContext edge = new EdgeContext(gateway, new RequestIds(), gateway.config().general().maxRequestBytes(),
                System.currentTimeMillis() / 1000);
        // Bind the first instance to learn the real port when 0 was asked for, then the rest on that port.
        int[] actual = {port};
        return vertx.deployVerticle(() -> new ServerVerticle(edge, host, actual), new DeploymentOptions().setInstances(1))
                .compose(first -> instances <= 1 ? Future.succeededFuture(java.util.List.of(first))
                        : vertx.deployVerticle(() -> new ServerVerticle(edge, host, actual),
                                new DeploymentOptions().setInstances(instances - 1)).map(rest -> java.util.List.of(first, rest)))
                .map(ids -> new EdgeServer(vertx, ids, actual[0]));
    }

    public Future<Void> close() {
        return Future.all(deploymentIds.stream().map(vertx::undeploy).toList()).mapEmpty();
    }

    private static final class ServerVerticle extends VerticleBase {
        private final EdgeContext edge;
        private final String host;
        private final int[] port;

        ServerVerticle(EdgeContext edge, String host, int[] port) {
            this.edge = edge;
            this.host = host;
            this.port = port;
        }

        @Override
        public Future<?> start() {
            HttpServerOptions options = new HttpServerOptions()
                    .setTcpNoDelay(true)
                    .setIdleTimeout(0)
                    .setCompressionSupported(false)
                    .setMaxInitialLineLength(16 * 1024)
                    .setMaxHeaderSize(64 * 1024);
            return vertx.createHttpServer(options)
                    .requestHandler(EdgeRouter.build(vertx, edge))
                    .listen(port[0], host)
                    .map((HttpServer s) -> {
                        port[0] = s.actualPort();
                        return s;
                    });
        }
    }
}
