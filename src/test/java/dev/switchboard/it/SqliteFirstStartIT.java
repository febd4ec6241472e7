package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.GatewayProcess;
import dev.switchboard.support.Http;
import dev.switchboard.support.ServeFixture;
import dev.switchboard.support.TestGateway;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two gateway processes started together on a SQLite file that does not exist yet (a supervisor, or compose with two
 * replicas): both bring it up and serve. Before the migration lock one of them failed Flyway's migration with
 * {@code SQLITE_BUSY_SNAPSHOT} and exited (QA, 3 of 3 runs).
 */
class SqliteFirstStartIT {
    @RegisterExtension
    final ServeFixture serve = new ServeFixture(new VertxOptions());

    @Test
    void twoGatewaysStartedTogetherOnANewFileBothServe() throws Exception {
        Path config = serve.config(serve.sqlite());
        List<CompletableFuture<GatewayProcess>> starts = List.of(
                CompletableFuture.supplyAsync(() -> serve.start(config, "a.log")),
                CompletableFuture.supplyAsync(() -> serve.start(config, "b.log")));
        try {
            for (CompletableFuture<GatewayProcess> s : starts) {
                GatewayProcess g = s.join();
                assertThat(Http.post(g.v1() + "/chat/completions", TestGateway.MASTER_KEY,
                        "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
            }
        } finally {
            // each closed in its own try: one that fails to close must not leave the other running
            RuntimeException failed = null;
            for (CompletableFuture<GatewayProcess> s : starts) {
                try {
                    GatewayProcess g = s.exceptionally(e -> null).join();
                    if (g != null) g.close();
                } catch (RuntimeException e) {
                    if (failed == null) failed = e;
                    else failed.addSuppressed(e);
                }
            }
            if (failed != null) throw failed;
        }
    }
}
