package dev.switchboard.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.pipeline.Gateway;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A port of 0 is probed first (every event loop's server must bind the same port), and the probe's socket is closed before
 * the servers bind: a port taken in between — by another process, or by a child process that inherited the probe's
 * socket at that moment — is probed again instead of failing the start.
 */
class EdgeServerFreePortTest {
    @TempDir
    Path dir;

    @Test
    void aProbedPortTakenBeforeTheServersBindIsProbedAgain() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Gateway gateway = Gateway.create(vertx, new ConfigLoader(name -> null).parse("""
                    model_list:
                      - model_name: m
                        litellm_params: { model: mock/m }
                    general_settings: { database_path: %s }
                    """.formatted(dir.resolve("s.db"))), name -> null);
            AtomicInteger probes = new AtomicInteger();
            EdgeServer.FreePorts ports = () -> {
                if (probes.getAndIncrement() == 0) return taken.getLocalPort(); // listening here: the bind must fail
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    return s.getLocalPort();
                }
            };
            EdgeServer server = EdgeServer.startOnAFreePort(vertx, gateway, "127.0.0.1", ports)
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(probes.get()).isEqualTo(2);
            assertThat(server.port()).isNotEqualTo(taken.getLocalPort()).isPositive();
            server.close(java.time.Duration.ZERO).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            gateway.shutdown();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void onlyATakenAddressIsProbedAgain() {
        assertThat(EdgeServer.addressInUse(new RuntimeException(new java.net.BindException("Address already in use")))).isTrue();
        assertThat(EdgeServer.addressInUse(new IllegalStateException("x", new java.io.IOException(
                "bind(..) failed with error(-98): Address already in use")))).isTrue();
        assertThat(EdgeServer.addressInUse(new java.io.IOException("Permission denied"))).isFalse();
    }
}
