package dev.switchboard.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers a store writer's OS priority (its nice value) once, from the writer's own thread, as it starts
 * ({@code general_settings.background_thread_nice}).
 *
 * <p>Why: on a pinned gateway the ledger writer, the request log's writer and the WAL checkpointer share the event
 * loop's core, and an event loop woken while one of them ran waited for the writer's turn to end — the largest part of
 * the slowest 1 % at 10,000 req/s (docs/architecture.md, "Store writers at a lower OS priority"). On Linux a thread's
 * nice value is its own ({@code setpriority(PRIO_PROCESS, tid)}): at a lower weight the kernel's scheduler gives the
 * core back to the woken event loop sooner, and the writer still gets the core whenever the event loop waits.
 * Lowering needs no privilege; raising it back would, so it is done once.
 *
 * <p>How: the thread learns its id from {@code /proc/thread-self} ({@code "<pid>/task/<tid>"}) and runs util-linux's
 * {@code renice -n N -p <tid>} once (the JDK has no call for it, and Java 21 no foreign-function API), then reads the
 * value back from {@code /proc/self/task/<tid>/stat}. Anything that does not work (not Linux, no {@code renice}, a
 * refusal) is logged and the writer goes on at the priority it has: this never fails the start or the writer.
 */
public final class BackgroundNice {
    private static final Logger log = LoggerFactory.getLogger(BackgroundNice.class);

    /** The lowest priority Linux has. */
    public static final int MAX = 19;
    /** Off: the writers run at the gateway's own priority. */
    public static final int OFF = 0;

    private static final AtomicBoolean told = new AtomicBoolean();

    private BackgroundNice() {}

    /** What {@link #lowerCurrentThread} did, in words for the log. */
    public record Outcome(boolean applied, String words) {}

    /** Whether {@code nice} is a value the setting takes: 0 (off) to {@value #MAX}. */
    public static boolean valid(long nice) {
        return nice >= OFF && nice <= MAX;
    }

    /**
     * The thread id in {@code /proc/thread-self}'s target, {@code "<pid>/task/<tid>"}; -1 when the text is not that.
     */
    static long tidOf(String link) {
        if (link == null) return -1;
        String[] parts = link.split("/", -1);
        if (parts.length != 3 || !"task".equals(parts[1])) return -1;
        try {
            Long.parseLong(parts[0]);
            long tid = Long.parseLong(parts[2]);
            return tid > 0 ? tid : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The calling thread's id on Linux, or -1 where there is no {@code /proc/thread-self}. */
    public static long currentTid() {
        try {
            return tidOf(Files.readSymbolicLink(Path.of("/proc/thread-self")).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return -1;
        }
    }

    /**
     * The nice value of {@code stat}, the text of {@code /proc/<pid>/task/<tid>/stat}: its 19th field, counted after the
     * command's closing parenthesis (the command may hold spaces and parentheses); null when it is not there.
     */
    static Integer niceField(String stat) {
        int close = stat == null ? -1 : stat.lastIndexOf(')');
        if (close < 0) return null;
        String[] rest = stat.substring(close + 1).trim().split("\\s+");
        // rest[0] is field 3 (the state): field 19 is rest[16]
        if (rest.length < 17) return null;
        try {
            return Integer.parseInt(rest[16]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The nice value of this process's thread {@code tid}, or null when it cannot be read. */
    public static Integer niceOf(long tid) {
        try {
            return niceField(Files.readString(Path.of("/proc/self/task/" + tid + "/stat"), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Lowers the calling thread to {@code nice} once and logs what happened (the first outcome in a process at INFO,
     * the others at DEBUG). Never throws; a thread already at {@code nice} or lower is left as it is.
     */
    public static Outcome lowerCurrentThread(int nice) {
        Outcome o;
        try {
            o = lower(nice, "renice", System.getProperty("os.name", ""));
        } catch (RuntimeException e) { // never let this stop a writer
            o = new Outcome(false, "not lowered: " + e);
        }
        String line = "store: thread " + Thread.currentThread().getName() + " " + o.words();
        if (told.compareAndSet(false, true)) log.info("{} (general_settings.background_thread_nice)", line);
        else log.debug("{}", line);
        return o;
    }

    /** {@link #lowerCurrentThread} with the command and the OS name given (tests). */
    static Outcome lower(int nice, String reniceCommand, String osName) {
        if (nice == OFF) return new Outcome(false, "runs at the gateway's priority (background_thread_nice 0: off)");
        if (!valid(nice)) return new Outcome(false, "not lowered: nice " + nice + " is outside 0-" + MAX);
        if (!osName.toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return new Outcome(false, "not lowered: a thread's own priority is set on Linux only (this is " + osName + ")");
        }
        long tid = currentTid();
        if (tid < 0) return new Outcome(false, "not lowered: /proc/thread-self is not readable");
        Integer before = niceOf(tid);
        if (before != null && before >= nice) return new Outcome(false, "already runs at nice " + before + " (tid " + tid + ")");
        String out;
        int code;
        try {
            Process p = new ProcessBuilder(reniceCommand, "-n", Integer.toString(nice), "-p", Long.toString(tid))
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Outcome(false, "not lowered: " + reniceCommand + " did not answer within 5 s");
            }
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            code = p.exitValue();
        } catch (IOException e) {
            return new Outcome(false, "not lowered: cannot run " + reniceCommand + " (util-linux): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "not lowered: interrupted");
        }
        Integer after = niceOf(tid);
        if (after != null && after == nice) return new Outcome(true, "runs at nice " + nice + " (tid " + tid + ")");
        return new Outcome(false, "not lowered: " + reniceCommand + " exited " + code + (out.isEmpty() ? "" : " (" + out + ")")
                + ", nice is " + after);
    }
}
