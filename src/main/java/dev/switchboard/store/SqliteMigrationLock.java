package dev.switchboard.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One schema migration at a time on a SQLite file, across processes: two gateways started together on a new file
 * (a supervisor, compose with two replicas) both ran Flyway, and the second's transaction failed with
 * {@code SQLITE_BUSY_SNAPSHOT} (another connection wrote since it read the history table), which SQLite's busy timeout
 * does not wait out, so that gateway stopped. Flyway locks PostgreSQL itself (an advisory lock) but not SQLite. The
 * second gateway now waits here and then finds every migration applied.
 *
 * <p>The lock is an OS lock on {@code <store>-gateways/migrate.lock} (the directory the gateways' own lock files are in;
 * the kernel drops it however the holder ends), never on the database file: POSIX locks belong to the process, and
 * closing any channel on the database would drop SQLite's own locks on it. Gateways of one JVM (the tests run several)
 * take a JVM-wide lock first, as a second lock on one file from the same process would throw.
 */
final class SqliteMigrationLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final ReentrantLock IN_THIS_JVM = new ReentrantLock();

    private final FileChannel channel;
    private final FileLock lock;

    private SqliteMigrationLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Waits for the lock beside {@code store}. When the lock file cannot be made (a read-only directory: then the
     * migration fails on its own with the store's message), the JVM-wide lock alone is held.
     */
    static SqliteMigrationLock take(Path store) {
        IN_THIS_JVM.lock();
        Path dir = store.resolveSibling(store.getFileName() + "-gateways");
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(dir.resolve("migrate.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                log.info("store: another gateway is bringing the schema of {} up to date; waiting for it", store);
                l = ch.lock();
            }
            return new SqliteMigrationLock(ch, l);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            return new SqliteMigrationLock(null, null);
        }
    }

    @Override
    public void close() {
        try {
            if (lock != null) lock.release();
        } catch (IOException e) {
            // the channel's close below releases it
        } finally {
            closeQuietly(channel);
            IN_THIS_JVM.unlock();
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            if (ch != null) ch.close();
        } catch (IOException e) {
            // nothing held through it
        }
    }
}
