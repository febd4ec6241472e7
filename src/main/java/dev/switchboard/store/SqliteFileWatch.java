package dev.switchboard.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the SQLite file the store has open is still the one at its path. QA (twenty-seventh session) deleted the file
 * of a running gateway: it went on serving and writing into the deleted file (its open descriptors keep it alive),
 * readiness said healthy, and the next start made a new empty store, every key and all spend gone without a line in the
 * log. Now the first check that finds the file gone, or another file at its path (its inode changed: a restore copied
 * over it, a cleanup job), logs one ERROR saying how to save the data while the process still holds it, and readiness
 * fails from then on. Thread-safe; a check is one {@code stat}.
 */
final class SqliteFileWatch {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final Path file;
    /** The file's identity when the store opened it (device and inode on Linux), or null where the OS gives none. */
    private final Object openedKey;
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile boolean lost;

    SqliteFileWatch(Path file) {
        this.file = file;
        this.openedKey = keyOf(file);
    }

    /** @return whether the file opened is still at its path; the first time it is not, one ERROR */
    boolean stillThere() {
        if (lost) return false;
        Object now = keyOf(file);
        boolean gone = now == null && Files.notExists(file);
        boolean replaced = now != null && openedKey != null && !Objects.equals(now, openedKey);
        if (!gone && !replaced) return true;
        lost = true;
        if (reported.compareAndSet(false, true)) {
            log.error("store: the SQLite file {} was {} while this gateway runs; it keeps writing into the file it has open, "
                    + "which the next start will not find (it would start on {} store). Readiness fails from now on. To keep "
                    + "the data: copy it out of /proc/{}/fd/ (the descriptor that names it \"(deleted)\") with sqlite3's "
                    + ".backup, then stop the gateway and put the copy at the path", file, gone ? "deleted" : "replaced by another file",
                    gone ? "a new, empty" : "that other", ProcessHandle.current().pid());
        }
        return false;
    }

    private static Object keyOf(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
