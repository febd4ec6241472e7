package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.support.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite file deleted or replaced under a running store (QA, twenty-seventh session: nothing noticed, and the next
 * start made a new empty store): one ERROR, and readiness fails.
 */
class SqliteFileGoneTest {
    @TempDir
    Path dir;

    private Database db;

    @AfterEach
    void close() {
        if (db != null) db.close();
    }

    @Test
    void aDeletedFileFailsReadinessAndIsLoggedOnce() throws Exception {
        Path file = dir.resolve("sb.db");
        db = Database.open(null, file.toString(), 3_600_000); // no checkpointer's period during the test: readiness checks
        assertThat(db.ready()).isTrue();
        try (LogCapture logs = LogCapture.of(Database.class.getName())) {
            for (String suffix : new String[] {"", "-wal", "-shm"}) Files.deleteIfExists(dir.resolve("sb.db" + suffix));
            // the store itself goes on answering, from the file it has open: only the watch can tell
            assertThat(db.ping()).isTrue();
            assertThat(db.ready()).isFalse();
            assertThat(db.ready()).isFalse();
            assertThat(logs.lines()).filteredOn(l -> l.contains("was deleted while this gateway runs")).hasSize(1);
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains(file.toString()).contains("/proc/"));
        }
    }

    @Test
    void aFileCopiedOverThePathIsAnotherStore() throws Exception {
        Path file = dir.resolve("sb.db");
        db = Database.open(null, file.toString(), 3_600_000);
        Path other = Files.writeString(dir.resolve("other"), "another file");
        Files.move(other, file, StandardCopyOption.REPLACE_EXISTING); // a new inode at the path
        try (LogCapture logs = LogCapture.of(Database.class.getName())) {
            assertThat(db.ready()).isFalse();
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("was replaced by another file"));
        }
    }

    @Test
    void aConnectionOpenedAfterTheDeletionMakesNoNewEmptyStoreAtThePath() throws Exception {
        Path file = dir.resolve("sb.db");
        // the pool's wait for a connection 250 ms, not 5 s: the connections asked for below cannot be opened, and are
        // waited for (twice, and once more by the pool's close for its connection adder)
        db = Database.open(null, file.toString(), 3_600_000, 250);
        long start = System.nanoTime();
        for (String suffix : new String[] {"", "-wal", "-shm"}) Files.deleteIfExists(dir.resolve("sb.db" + suffix));
        // the pool's connections replaced (as its maxLifetime does every 30 minutes): new ones open the path
        var pool = (com.zaxxer.hikari.HikariDataSource) db.dataSource();
        var held = new java.util.ArrayList<java.sql.Connection>();
        try {
            for (int i = 0; i < 4; i++) held.add(db.connection());
        } catch (java.sql.SQLException e) {
            // the pool had fewer open and cannot open more at the path: what is wanted
        }
        for (var c : held) {
            pool.evictConnection(c);
            c.close();
        }
        try (var c = db.connection()) {
            c.isValid(1);
        } catch (java.sql.SQLException e) {
            // a new connection cannot open the path: what is wanted
        }
        assertThat(file).doesNotExist();
        db.close();
        db = null;
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms, with the pool's short wait (5,000 each without it)").isLessThan(4_000);
    }

    @Test
    void theCheckpointersTimerNoticesWithoutAnyReadinessProbe() throws Exception {
        Path file = dir.resolve("sb.db");
        db = Database.open(null, file.toString(), 50);
        try (LogCapture logs = LogCapture.of(Database.class.getName())) {
            Files.delete(file);
            long deadline = System.currentTimeMillis() + 5_000;
            while (logs.lines().stream().noneMatch(l -> l.contains("was deleted")) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(logs.lines()).filteredOn(l -> l.contains("while this gateway runs")).singleElement()
                    .satisfies(l -> assertThat(l).startsWith("ERROR").contains("was deleted"));
        }
    }
}
