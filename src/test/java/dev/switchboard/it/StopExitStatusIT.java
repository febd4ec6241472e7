package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.InFlight;
import dev.switchboard.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QA (twenty-second session): {@code serve} stopped by SIGTERM exited with 143 (Ctrl-C: 130) after an orderly drain,
 * which systemd and Kubernetes log as a failed stop. A real process, a call in flight when the signal comes: the call
 * is answered, the ledger written, and the exit status is 0.
 */
class StopExitStatusIT {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    private Vertx vertx;
    private ProviderSimulator sim;

    @BeforeEach
    void startSimulator() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        sim = TestGateway.await(ProviderSimulator.start(vertx, "127.0.0.1", 0, false));
    }

    @AfterEach
    void stopSimulator() {
        TestGateway.await(vertx.close());
    }

    @Test
    void sigtermAfterAnOrderlyDrainExitsZero() throws Exception {
        Path config = GatewayProcess.writeConfig(dir.resolve("config.yaml"), "http://127.0.0.1:" + sim.port() + "/v1",
                "  database_path: \"" + dir.resolve("gw.db") + "\"\n");
        String master = "sk-master-" + "stop-exit-0123456789";
        Path log = dir.resolve("gateway.log");
        try (GatewayProcess gw = GatewayProcess.start(config, Map.of("MASTER_KEY", master, "PROVIDER_KEY", "sk-" + "sim-0123456789"), log)) {
            HttpRequest chat = HttpRequest.newBuilder(URI.create(gw.v1() + "/chat/completions"))
                    .header("authorization", "Bearer " + master).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build();
            CompletableFuture<HttpResponse<String>> inFlight = InFlight.start(sim, 1_500, () -> {
                try {
                    return CLIENT.send(chat, HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int exit = gw.terminate();
            assertThat(inFlight.get().statusCode()).as("the call in flight at the signal is answered").isEqualTo(200);
            assertThat(exit).as(gw.logTail()).isZero();
            assertThat(Files.readString(log)).contains("Stopping: finishing requests in flight").contains("Stopped");
        }
    }
}
