package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded SQLite file, plus what only SQLite has: WAL mode and a path that cannot be opened. */
class SqliteStoreTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    Database open() { return track(Database.open(null, dir.resolve("switchboard.db").toString())); }

    @Override
    Database.Kind kind() { return Database.Kind.SQLITE; }

    @Test
    void theFileIsInWalModeSoReadersNeverWaitForTheLedgerWriter() {
        Database db = open();
        String mode = db.transaction(c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(mode).isEqualToIgnoringCase("wal");
        assertThat(db.description()).isEqualTo("SQLite at " + dir.resolve("switchboard.db").toAbsolutePath());
        assertThat(Files.exists(dir.resolve("switchboard.db"))).isTrue();
    }

    @Test
    void commitsLeaveTheWalToTheCheckpointerWhichCopiesItBackAndKeepsEveryRow() throws Exception {
        // a period longer than the test: only checkpointNow() checkpoints
        Database db = track(Database.open(null, dir.resolve("ckpt.db").toString(), 3_600_000));
        Path wal = dir.resolve("ckpt.db-wal");
        db.transaction(c -> c.createStatement().executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY, pad TEXT)"));
        String pad = "x".repeat(2_000);
        // ~6 MB of commits in 100 transactions: SQLite's own trigger (1,000 pages, 4 MB) would have checkpointed and
        // started the WAL over; with wal_autocheckpoint=0 no commit does, so the WAL holds all of it
        for (int i = 0; i < 100; i++) {
            db.transaction(c -> {
                try (var ps = c.prepareStatement("INSERT INTO t (pad) VALUES (?)")) {
                    for (int j = 0; j < 30; j++) {
                        ps.setString(1, pad);
                        ps.addBatch();
                    }
                    return ps.executeBatch();
                }
            });
        }
        assertThat(Files.size(wal)).isGreaterThan(5_000_000L);
        long left = db.checkpointNow();
        assertThat(left).isZero(); // every frame copied back into the database file
        long walAfter = Files.size(wal);
        // the next commit starts the WAL from its beginning instead of growing it
        db.transaction(c -> c.createStatement().executeUpdate("INSERT INTO t (pad) VALUES ('y')"));
        assertThat(Files.size(wal)).isEqualTo(walAfter);
        db.close();
        Database again = track(Database.open(null, dir.resolve("ckpt.db").toString()));
        int rows = again.transaction(c -> {
            try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                return rs.getInt(1);
            }
        });
        assertThat(rows).isEqualTo(3_001);
    }

    @Test
    void sqlitesOwnCheckpointsStayAvailableWithAPeriodOfZero() throws Exception {
        Database db = track(Database.open(null, dir.resolve("auto.db").toString(), 0));
        int limit = db.transaction(c -> {
            try (var rs = c.createStatement().executeQuery("PRAGMA wal_autocheckpoint")) {
                rs.next();
                return rs.getInt(1);
            }
        });
        assertThat(limit).isEqualTo(1_000);
        assertThat(db.checkpointNow()).isZero();
    }

    @Test
    void aPathThatCannotBeOpenedIsAClearErrorNamingIt() {
        String path = dir.resolve("no-such-dir/sub/switchboard.db").toString();
        assertThatThrownBy(() -> Database.open(null, path))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("Cannot open the store (SQLite at " + path + ")")
                .hasMessageContaining("Fix: make sure the directory exists");
    }

    /** Gateways of one JVM opening a new file together: one migrates, the others wait for it and find it done. */
    @Test
    void gatewaysOpeningANewFileTogetherMigrateItOnce() throws Exception {
        String path = dir.resolve("together.db").toString();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            var opened = new java.util.ArrayList<java.util.concurrent.Future<Database>>();
            for (int i = 0; i < 3; i++) opened.add(pool.submit(() -> track(Database.open(null, path))));
            for (var f : opened) {
                int failed = f.get().transaction(c -> {
                    try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success = 0")) {
                        rs.next();
                        return rs.getInt(1);
                    }
                });
                assertThat(failed).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(dir.resolve("together.db-gateways/migrate.lock")).exists();
    }

    /**
     * A file this user cannot write (QA: root's 0644 file, the gateway run as nobody): SQLite opens it read-only without
     * a word, an up-to-date schema migrates nothing, and the start died at its first write with a stack trace. The test
     * runs as root, whom permissions do not stop: the file is made immutable ({@code chattr +i}), which SQLite meets the
     * same way; skipped where the file system or the user cannot do that.
     */
    @Test
    void aFileThisUserCannotWriteStopsTheStartWithOneLineAndTheFix() throws Exception {
        Path file = dir.resolve("ro.db");
        Database.open(null, file.toString()).close();
        org.junit.jupiter.api.Assumptions.assumeTrue(chattr("+i", file), "chattr +i is not available here");
        try {
            assertThatThrownBy(() -> track(Database.open(null, file.toString())))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("Cannot open the store (SQLite at " + file.toAbsolutePath() + ")")
                    .hasMessageContaining("SQLITE_READONLY")
                    .hasMessageContaining("Fix: the file is read-only to this user");
        } finally {
            chattr("-i", file);
        }
    }

    private static boolean chattr(String flag, Path file) throws Exception {
        try {
            Process p = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) return false;
        } catch (java.io.IOException e) {
            return false;
        }
        return !flag.startsWith("+") || !Files.isWritable(file) || !canOpenForWriting(file);
    }

    private static boolean canOpenForWriting(Path file) {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aFileThatIsNoDatabaseSaysSo() throws Exception {
        Path notDb = Files.writeString(dir.resolve("notes.txt"), "not a database, just some text that is long enough to be read as a header");
        assertThatThrownBy(() -> Database.open(null, notDb.toString()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("Fix: the file is not a SQLite database");
    }

    /** A gateway that holds the migration lock and never lets go (stopped mid-migration): the next start says so. */
    @Test
    void aMigrationLockHeldTooLongStopsTheStartNamingIt() throws Exception {
        Path store = dir.resolve("held.db");
        Path lockFile = Files.createDirectories(dir.resolve("held.db-gateways")).resolve("migrate.lock");
        // another process's lock is what the JVM-wide lock cannot see: a child JVM holds it
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), lockFile.toString()).start();
        try {
            assertThat(new String(holder.getInputStream().readNBytes(4))).isEqualTo("held");
            assertThatThrownBy(() -> SqliteMigrationLock.take(store, 300))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("another gateway has been migrating it for 0 s");
            try (SqliteMigrationLock ignored = SqliteMigrationLock.take(dir.resolve("free.db"), 300)) {
                // another file's lock is its own; and the JVM-wide lock was given back after the refusal
            }
        } finally {
            holder.destroyForcibly().waitFor();
        }
        try (SqliteMigrationLock ignored = SqliteMigrationLock.take(store, 5_000)) {
            // the holder's end released it
        }
    }

    /** Holds an OS lock on the file named by its argument until killed; says "held" once it has it. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            var ch = java.nio.channels.FileChannel.open(Path.of(args[0]), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE);
            ch.lock();
            System.out.print("held");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
