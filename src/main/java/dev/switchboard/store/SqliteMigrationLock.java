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
        return take(store, MAX_WAIT_MILLIS);
    }

    /** How long a start waits for another gateway's migration: long enough for a backfill, short of a frozen peer. */
    static final long MAX_WAIT_MILLIS = 300_000;

    /** @throws StoreException when the lock is not had within {@code maxWaitMillis} (a peer stopped mid-migration) */
    static SqliteMigrationLock take(Path store, long maxWaitMillis) {
        long deadline = System.nanoTime() + maxWaitMillis * 1_000_000L;
        try {
            if (!IN_THIS_JVM.tryLock(maxWaitMillis, java.util.concurrent.TimeUnit.MILLISECONDS)) throw waitedTooLong(store, maxWaitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting to migrate " + store, e);
        }
        Path dir = store.resolveSibling(store.getFileName() + "-gateways");
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(dir.resolve("migrate.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) log.info("store: another gateway is bringing the schema of {} up to date; waiting for it", store);
            while (l == null) {
                if (System.nanoTime() > deadline) throw waitedTooLong(store, maxWaitMillis);
                Thread.sleep(50);
                l = ch.tryLock();
            }
            return new SqliteMigrationLock(ch, l);
        } catch (StoreException waitedTooLong) {
            closeQuietly(ch);
            IN_THIS_JVM.unlock();
            throw waitedTooLong;
        } catch (InterruptedException e) {
            closeQuietly(ch);
            IN_THIS_JVM.unlock();
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting to migrate " + store, e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            // a directory that cannot be written fails the migration itself, with the store's message; a filesystem
            // without locks (some network ones) migrates unguarded, as before the lock, and says so (the JVM-wide
            // lock stays held: close() gives it back)
            log.info("store: no migration lock beside {} ({}); migrating without it", store, e.toString());
            return new SqliteMigrationLock(null, null);
        }
    }

    private static StoreException waitedTooLong(Path store, long maxWaitMillis) {
        return new StoreException("Cannot open the store (SQLite at " + store + "): another gateway has been migrating it for "
                + maxWaitMillis / 1000 + " s. Fix: check that gateway (stopped? stuck?); its lock goes when its process ends.", null);
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
