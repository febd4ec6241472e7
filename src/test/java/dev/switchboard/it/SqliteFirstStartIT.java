package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.ProviderSimulator;
import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway processes started together on a SQLite file that does not exist yet (a supervisor, or compose with two
 * replicas): both bring it up and serve. Before the migration lock one of them failed Flyway's migration with
 * {@code SQLITE_BUSY_SNAPSHOT} and exited (QA, 3 of 3 runs).
 */
class SqliteFirstStartIT {
    @TempDir
    Path dir;

    @Test
    void twoGatewaysStartedTogetherOnANewFileBothServe() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            ProviderSimulator sim = TestGateway.await(ProviderSimulator.start(vertx, "127.0.0.1", 0, false));
            Path config = GatewayProcess.writeConfig(dir.resolve("config.yaml"), sim.baseUrl(),
                    "  database_path: \"" + dir.resolve("new.db") + "\"\n");
            Map<String, String> env = Map.of("MASTER_KEY", TestGateway.MASTER_KEY, "PROVIDER_KEY", TestGateway.PROVIDER_KEY);
            List<CompletableFuture<GatewayProcess>> starts = List.of(
                    CompletableFuture.supplyAsync(() -> GatewayProcess.start(config, env, dir.resolve("a.log"))),
                    CompletableFuture.supplyAsync(() -> GatewayProcess.start(config, env, dir.resolve("b.log"))));
            try {
                for (CompletableFuture<GatewayProcess> s : starts) {
                    GatewayProcess g = s.join();
                    assertThat(Http.post(g.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                            "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
                }
            } finally {
                for (CompletableFuture<GatewayProcess> s : starts) s.handle((g, e) -> { if (g != null) g.close(); return null; }).join();
            }
        } finally {
            TestGateway.await(vertx.close());
        }
    }
}
