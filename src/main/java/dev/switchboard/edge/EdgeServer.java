package dev.switchboard.edge;

import dev.switchboard.model.RequestIds;
import dev.switchboard.pipeline.Gateway;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;

/**
 * The HTTP server: one server instance per event loop, all on one port (Vert.x spreads connections across
 * them), so every core serves requests without any handler ever blocking.
 */
public final class EdgeServer {
    private final Vertx vertx;
    private final java.util.List<String> deploymentIds;
    private final int port;

    private final Drain drain;

    private EdgeServer(Vertx vertx, java.util.List<String> deploymentIds, int port, Drain drain) {
        this.vertx = vertx;
        this.deploymentIds = deploymentIds;
        this.port = port;
        this.drain = drain;
    }

    public int port() { return port; }

    /**
     * How long a client may take: a connection may hold no request (idle keep-alive, or a request head still
     * arriving) for {@code idleConnectionMillis} before it is closed, and a request body must arrive within
     * {@code bodyDeadlineMillis} (else 408). Slow clients cannot hold connections or memory for ever.
     */
    public record ClientTimeouts(long idleConnectionMillis, long bodyDeadlineMillis) {
        /** nginx's client_header_timeout and keepalive_timeout are of this order. */
        public static final ClientTimeouts DEFAULT = new ClientTimeouts(60_000, 60_000);
    }

    /** Starts {@code instances} servers on host:port; port 0 picks a free port shared by all instances. */
    public static Future<EdgeServer> start(Vertx vertx, Gateway gateway, String host, int port, int instances) {
        return start(vertx, gateway, host, port, instances, ClientTimeouts.DEFAULT);
    }

    public static Future<EdgeServer> start(Vertx vertx, Gateway gateway, String host, int port, int instances,
                                           ClientTimeouts timeouts) {
        EdgeContext edge = new EdgeContext(gateway, new RequestIds(), gateway.config().general().maxRequestBytes(),
                timeouts.bodyDeadlineMillis(), System.currentTimeMillis() / 1000, new Drain(),
                new AuthThrottle(System::currentTimeMillis));
        // One session store for every instance: a dashboard login on one event loop holds on all of them
        dev.switchboard.edge.ui.UiSessions uiSessions = new dev.switchboard.edge.ui.UiSessions(System::currentTimeMillis);
        // Vert.x shares one listening socket among instances bound to the same host:port, so a port of 0
        // is resolved to one concrete free port first.
        if (port != 0) return deploy(vertx, gateway, edge, host, port, instances, timeouts, uiSessions);
        return onAFreePort(vertx, gateway, edge, host, instances, timeouts, uiSessions, () -> freePort(host), FREE_PORT_TRIES);
    }

    /** {@link #start} on a port of 0 whose probes come from {@code freePorts} (tests: a probed port taken meanwhile). */
    static Future<EdgeServer> startOnAFreePort(Vertx vertx, Gateway gateway, String host, FreePorts freePorts) {
        EdgeContext edge = new EdgeContext(gateway, new RequestIds(), gateway.config().general().maxRequestBytes(),
                ClientTimeouts.DEFAULT.bodyDeadlineMillis(), System.currentTimeMillis() / 1000, new Drain(),
                new AuthThrottle(System::currentTimeMillis));
        return onAFreePort(vertx, gateway, edge, host, 1, ClientTimeouts.DEFAULT,
                new dev.switchboard.edge.ui.UiSessions(System::currentTimeMillis), freePorts, FREE_PORT_TRIES);
    }

    /**
     * How often a port of 0 is probed again when the probed port was taken before the servers bound it: the probe's
     * socket is closed before Vert.x binds, and in between another process may take the port — or hold the probe's
     * own socket, inherited by a child process started at that moment on another thread (the store writers'
     * {@code renice}, store.BackgroundNice: the suite saw {@code bind(..) failed: Address already in use} twice).
     */
    static final int FREE_PORT_TRIES = 5;

    /** A port that was free when looked at. */
    @FunctionalInterface
    interface FreePorts {
        int next() throws java.io.IOException;
    }

    /** {@link #start} on a port of 0, the probe taken from {@code freePorts} and taken again while the port was taken. */
    private static Future<EdgeServer> onAFreePort(Vertx vertx, Gateway gateway, EdgeContext edge, String host, int instances,
                                         ClientTimeouts timeouts, dev.switchboard.edge.ui.UiSessions uiSessions,
                                         FreePorts freePorts, int triesLeft) {
        int actual;
        try {
            actual = freePorts.next();
        } catch (java.io.IOException e) {
            return Future.failedFuture(e);
        }
        return deploy(vertx, gateway, edge, host, actual, instances, timeouts, uiSessions).recover(e -> triesLeft > 1
                && addressInUse(e) ? onAFreePort(vertx, gateway, edge, host, instances, timeouts, uiSessions, freePorts,
                triesLeft - 1) : Future.failedFuture(e));
    }

    private static Future<EdgeServer> deploy(Vertx vertx, Gateway gateway, EdgeContext edge, String host, int actual,
                                             int instances, ClientTimeouts timeouts,
                                             dev.switchboard.edge.ui.UiSessions uiSessions) {
        return vertx.deployVerticle(() -> new ServerVerticle(edge, host, actual, timeouts.idleConnectionMillis(), uiSessions),
                        new DeploymentOptions().setInstances(Math.max(1, instances)))
                .map(id -> {
                    // listening: the background health checks may start (never in `check`, which makes a gateway too)
                    gateway.health().start();
                    return new EdgeServer(vertx, java.util.List.of(id), actual, edge.drain());
                });
    }

    /** Whether a failed listen was the port being taken (EADDRINUSE, by any transport), anywhere in its causes. */
    static boolean addressInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) return true;
            String m = t.getMessage();
            if (m != null && m.contains("Address already in use")) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    private static int freePort(String host) throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    /**
     * How long a stop waits for requests in flight: the server stops accepting at once, and each connection closes
     * after its current request has been answered (its ledger row queued), or when this runs out.
     */
    public static final java.time.Duration DRAIN = java.time.Duration.ofSeconds(20);

    /**
     * Stops taking requests and lets those in flight finish (at most {@link #DRAIN}); streams still open shortly before
     * its end are ended with the gateway's error event ({@link Drain}).
     */
    public Future<Void> close() { return close(DRAIN); }

    /** {@link #close()} with a drain of {@code drain} (tests: a drain of seconds, not twenty). */
    public Future<Void> close(java.time.Duration drain) {
        this.drain.begin(drain);
        return Future.all(deploymentIds.stream().map(vertx::undeploy).toList()).mapEmpty();
    }

    private static final class ServerVerticle extends VerticleBase {
        private final EdgeContext edge;
        private final String host;
        private final int port;

        private final long idleConnectionMillis;
        private final dev.switchboard.edge.ui.UiSessions uiSessions;
        private io.vertx.core.http.HttpServer server;

        ServerVerticle(EdgeContext edge, String host, int port, long idleConnectionMillis,
                       dev.switchboard.edge.ui.UiSessions uiSessions) {
            this.edge = edge;
            this.uiSessions = uiSessions;
            this.host = host;
            this.port = port;
            this.idleConnectionMillis = idleConnectionMillis;
        }

        @Override
        public Future<?> start() {
            HttpServerOptions options = new HttpServerOptions()
                    .setTcpNoDelay(true)
                    // Connections are closed by ConnectionGuard instead (an idle timeout would also cut a
                    // request whose upstream takes minutes).
                    .setIdleTimeout(0)
                    // HTTP/1.1 only, as OpenAI's and Anthropic's SDKs speak it: with h2c detection on, Vert.x
                    // only hands over a connection once its first request head is complete, so a client that
                    // never completes one (slowloris) could not be timed out.
                    .setHttp2ClearTextEnabled(false)
                    .setCompressionSupported(false)
                    .setPerMessageWebSocketCompressionSupported(false) // keeps the WebSocket extension
                    .setPerFrameWebSocketCompressionSupported(false)   // handler out of every pipeline
                    .setMaxInitialLineLength(16 * 1024)
                    .setMaxHeaderSize(64 * 1024);
            io.vertx.ext.web.Router router = EdgeRouter.build(vertx, edge, uiSessions);
            ConnectionGuard guard = new ConnectionGuard(vertx, idleConnectionMillis);
            server = vertx.createHttpServer(options);
            return server
                    .invalidRequestHandler(EdgeRouter.invalidRequests(edge))
                    .connectionHandler(conn -> {
                        StrictRequestDecoder.install(conn, options);
                        FramingErrors.install(conn, EdgeRouter.errorBodies(), edge.requestIds());
                        IoUringCloseGuard.install(conn);
                        guard.opened(conn);
                    })
                    .requestHandler(req -> {
                        guard.requestStarted(req);
                        router.handle(req);
                    })
                    .listen(port, host);
        }

        @Override
        public Future<?> stop() {
            // each connection's shutdown handler is told now: an open stream's (SseSink) sets itself to be cut before the end
            return server == null ? Future.succeededFuture()
                    : server.shutdown(edge.drain().length().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }
}
