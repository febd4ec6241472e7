package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * QA (low): {@code check} on a {@code redis-semantic} config said OK and exited 0, then printed
 * {@code ERROR RedisConnectionManager - Unhandled Error} / {@code VertxException: Connection was closed} every run: the
 * shared index's tail connection, closed with its XREAD BLOCK waiting, went to the Redis client's default exception
 * handler, or by a connection still in its handshake. What the console shows is checked (its filters applied).
 * ({@code services} profile: Redis 7 on 127.0.0.1:6379, database 5, a stream of this run's own.)
 */
@Tag("services")
class CheckRedisSemanticTest {
    @TempDir
    Path dir;

    @Test
    void checkOfARedisSemanticConfigExitsQuietly() throws Exception {
        String index = "check-" + UUID.randomUUID().toString().substring(0, 8);
        Path f = Files.writeString(dir.resolve("config.yaml"), """
                model_list:
                  - model_name: gpt
                    litellm_params: { model: openai/gpt-4o-mini, api_key: sk-test-0123456789 }
                litellm_settings:
                  cache: true
                  cache_params: { type: redis-semantic, url: "redis://127.0.0.1:6379/5", ttl: 600, index_name: %s }
                general_settings: { master_key: sk-master-0123456789, database_path: "%s" }
                """.formatted(index, dir.resolve("check.db")));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LogCapture log = LogCapture.root()) {
            System.setOut(new PrintStream(out, true));
            int code;
            try {
                code = new CommandLine(new Main()).execute("check", "--config", f.toString());
            } finally {
                System.setOut(old);
            }
            assertThat(code).as(out.toString()).isZero();
            assertThat(out.toString()).contains("OK " + f);
            Thread.sleep(2_000); // check closes Vert.x without waiting: the line came as the sockets closed
            assertThat(log.shown()).noneMatch(l -> l.startsWith("ERROR")).noneMatch(l -> l.contains("Unhandled Error"));
        }
    }
}
