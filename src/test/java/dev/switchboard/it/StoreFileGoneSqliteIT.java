package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.Http;
import dev.switchboard.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite file deleted under a running gateway (QA, twenty-seventh session: it went on serving, readiness said
 * healthy, and the next start made a new empty store without a word): readiness answers 503 from then on, so an
 * orchestrator and an operator learn of it while the process still holds the data.
 */
class StoreFileGoneSqliteIT {
    @TempDir
    Path dir;

    @Test
    void readinessFailsOnceTheStoreFileIsDeleted() throws Exception {
        Path file = dir.resolve("sb.db");
        try (TestGateway gw = TestGateway.start(TestGateway.simModels("gpt=gpt-4o-mini") + """
                general_settings:
                  master_key: os.environ/MASTER_KEY
                  database_path: "%s"
                """.formatted(file))) {
            HttpResponse<String> before = Http.get(gw.baseUrl() + "/health/readiness", TestGateway.MASTER_KEY);
            assertThat(before.statusCode()).isEqualTo(200);
            for (String suffix : new String[] {"", "-wal", "-shm"}) Files.deleteIfExists(dir.resolve("sb.db" + suffix));
            HttpResponse<String> after = Http.get(gw.baseUrl() + "/health/readiness", TestGateway.MASTER_KEY);
            assertThat(after.statusCode()).isEqualTo(503);
            JsonObject body = new JsonObject(after.body());
            assertThat(body.getString("status")).isEqualTo("unhealthy");
            assertThat(body.getString("db")).isEqualTo("disconnected");
        }
    }
}
