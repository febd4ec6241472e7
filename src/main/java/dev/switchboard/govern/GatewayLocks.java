package dev.switchboard.govern;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which gateways sharing one SQLite store still run: each holds an OS lock on a file of its own beside the store
 * ({@code <store>-gateways/<gateway id>.lock}) for as long as it runs, and the kernel drops the lock when the process
 * ends, however it ends ({@code kill -9}, the OOM killer, a container restarted with a new pid namespace, where the pid
 * checks of {@link ProcessIdentity} cannot see the old process). A file that can be locked belongs to a gateway that is
 * gone; one that is locked, or missing, says nothing (an older version: the lease decides). Only for SQLite, and only
 * for rows of this kernel (the caller compares boot ids): a network filesystem may keep each machine's locks to itself,
 * and a live gateway taken for gone would have its grant handed out again. PostgreSQL's gateways may be anywhere.
 *
 * <p>POSIX locks belong to the process, and closing any channel on a file drops all of the process's locks on it, so a
 * gateway never opens the lock file of another gateway in its own JVM (tests run several): {@link #HELD} knows them.
 */
final class GatewayLocks {
    private static final Logger log = LoggerFactory.getLogger("switchboard.budget");
    /** Gateways of this JVM: running, and their files must not be touched from here. */
    private static final Set<String> HELD = ConcurrentHashMap.newKeySet();
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    static final GatewayLocks NONE = new GatewayLocks(null, null, null, null);

    private final Path dir;
    private final String gatewayId;
    private final FileChannel channel;
    private final FileLock lock;
    /** Gateways found gone (a gateway id is never reused, so the answer stands) */
    private final Set<String> gone = ConcurrentHashMap.newKeySet();

    private GatewayLocks(Path dir, String gatewayId, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.gatewayId = gatewayId;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * This gateway's lock beside the SQLite file {@code store}, held until {@link #close}; {@link #NONE} (knows nothing)
     * when the directory cannot be written.
     */
    static GatewayLocks hold(Path store, String gatewayId) {
        Path dir = store.resolveSibling(store.getFileName() + "-gateways");
        HELD.add(gatewayId); // before the file exists: no gateway of this JVM ever opens it
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(dir.resolve(gatewayId + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l != null) return new GatewayLocks(dir, gatewayId, ch, l);
        } catch (IOException | RuntimeException e) {
            log.info("no gateway lock beside the store ({}): a crashed gateway's grants are known gone by its lease or pid", e.toString());
        }
        try {
            if (ch != null) ch.close();
        } catch (IOException e) {
            // nothing held
        }
        HELD.remove(gatewayId);
        return NONE;
    }

    /** Whether the gateway {@code id} surely runs no more: its lock file exists and no process holds it. */
    boolean knowsGone(String id) {
        if (dir == null || id.equals(gatewayId) || HELD.contains(id) || !ID.matcher(id).matches()) return false;
        if (gone.contains(id)) return true;
        if (unheld(dir.resolve(id + ".lock"))) {
            gone.add(id);
            return true;
        }
        return false;
    }

    /**
     * After a gone gateway's rows are deleted (whichever check found it gone): its file too, unless a process still
     * holds it (it has nothing left to say; a file left behind is swept at a later start).
     */
    void forget(String id) {
        if (dir == null || id.equals(gatewayId) || HELD.contains(id) || !ID.matcher(id).matches()) return;
        gone.remove(id);
        Path f = dir.resolve(id + ".lock");
        try {
            if (unheld(f)) Files.deleteIfExists(f);
        } catch (IOException | RuntimeException e) {
            // the next sweep takes it
        }
    }

    /** At a clean stop: the lock given up and its file deleted. */
    void close() {
        if (dir == null) return;
        try {
            Files.deleteIfExists(dir.resolve(gatewayId + ".lock"));
            lock.release();
            channel.close();
        } catch (IOException | RuntimeException e) {
            // the process's end releases it anyway
        } finally {
            HELD.remove(gatewayId);
        }
    }

    /**
     * Whether a lock file exists and no process holds its lock. Checked again after the lock is had: a gateway that stops
     * deletes its file before it lets the lock go, so a file deleted between our open and our lock (a lock on a file
     * nobody can name any more) is not taken for a crashed gateway's. Ids are never reused, so a path that still exists
     * names the file that was locked.
     */
    private static boolean unheld(Path file) {
        if (!Files.exists(file)) return false;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) return false;
            try {
                return Files.exists(file);
            } finally {
                l.release();
            }
        } catch (IOException | RuntimeException e) { // OverlappingFileLockException: this JVM holds it
            return false;
        }
    }

    /**
     * Files of gateways that are gone and that no row names any more (their rows went with the lease, or were deleted
     * when they were found gone): deleted. Run by a gateway that holds grants, now and then.
     */
    void sweep(Set<String> idsWithRows) {
        if (dir == null) return;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.lock")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String id = name.substring(0, name.length() - ".lock".length());
                if (!ID.matcher(id).matches() || HELD.contains(id) || idsWithRows.contains(id)) continue;
                if (unheld(f)) Files.deleteIfExists(f);
            }
        } catch (IOException | RuntimeException e) {
            // next time
        }
    }
}
