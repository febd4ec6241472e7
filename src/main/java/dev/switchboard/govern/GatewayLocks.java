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
 * gone; one that is locked, or missing, says nothing (another host, an older version: the lease decides). Only for
 * SQLite: a store every gateway reaches through the same kernel; PostgreSQL's gateways may be anywhere.
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
     * when the directory cannot be written. Files of gateways that are gone are swept first.
     */
    static GatewayLocks hold(Path store, String gatewayId) {
        Path dir = store.resolveSibling(store.getFileName() + "-gateways");
        try {
            Files.createDirectories(dir);
            sweep(dir);
            Path file = dir.resolve(gatewayId + ".lock");
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                return NONE;
            }
            HELD.add(gatewayId);
            return new GatewayLocks(dir, gatewayId, ch, l);
        } catch (IOException | RuntimeException e) {
            log.info("no gateway lock beside the store ({}): a crashed gateway's grants are known gone by its lease or pid", e.toString());
            return NONE;
        }
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

    /** Whether a lock file exists and no process holds its lock. */
    private static boolean unheld(Path file) {
        if (!Files.exists(file)) return false;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) return false;
            l.release();
            return true;
        } catch (IOException | RuntimeException e) { // OverlappingFileLockException: this JVM holds it
            return false;
        }
    }

    /** The files of gateways that are gone and hold no rows any more (their rows went with the lease): deleted. */
    private static void sweep(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.lock")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String id = name.substring(0, name.length() - ".lock".length());
                if (!ID.matcher(id).matches() || HELD.contains(id)) continue;
                // only files no row can name any more: older than a lease (a gone gateway's rows go after it at the latest)
                if (Files.getLastModifiedTime(f).toMillis() > System.currentTimeMillis() - 2 * SharedBudgets.LEASE_MILLIS) continue;
                if (unheld(f)) Files.deleteIfExists(f);
            }
        }
    }
}
