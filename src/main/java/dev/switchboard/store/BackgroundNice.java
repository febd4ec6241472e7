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
 * Lowering needs no privilege; raising it back needs {@code CAP_SYS_NICE} or an {@code RLIMIT_NICE} that reaches the
 * old value, so here it is lowered once, and only the ledger's writer goes back to the process's priority while it is
 * behind, where the OS allows that ({@link WriterNice}).
 *
 * <p>How: the thread learns its id from {@code /proc/thread-self} ({@code "<pid>/task/<tid>"}) and runs
 * {@code renice N -p <tid>} once ({@code /usr/bin/renice} or {@code /bin/renice} first; the priority as an operand,
 * absolute in util-linux and busybox alike, with {@code POSIXLY_CORRECT} removed from the child's environment; the JDK
 * has no call for it, and Java 21 no foreign-function API), then reads the value back from
 * {@code /proc/self/task/<tid>/stat}. N is the process's own nice ({@code /proc/self/stat}) plus the setting, at most
 * {@value #MAX}: a gateway started under {@code nice} keeps the gap. Anything that does not work (not Linux, no
 * {@code renice}, a refusal, even an {@link Error} such as "unable to create native thread") is logged at WARN and the
 * writer goes on at the priority it has: this never fails the start or the writer. The ledger's writer may go back to
 * the process's priority while it is behind ({@link WriterNice}).
 *
 * <p>Threads a writer starts after its lowering take its nice (Linux threads inherit their creator's): HikariCP's helper
 * threads when a writer re-creates them. The JDK's process reaper is not one of them: {@code ProcessBuilder.start}
 * creates it (or takes a pooled one) before the {@code renice} child has changed anything, so it keeps the nice of the
 * thread that first needed it.
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
     * The process's own nice value ({@code /proc/self/stat}: its main thread's, what a {@code nice -n 5 java ...} start
     * gave it), or null where it cannot be read.
     */
    public static Integer processNice() {
        try {
            return niceField(Files.readString(Path.of("/proc/self/stat"), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The nice value a writer goes to: the process's own plus {@code nice}, at most {@value #MAX} — a gateway already
     * started under {@code nice} keeps the gap between its event loop and its writers (a process nice that cannot be
     * read counts as 0).
     */
    static int target(Integer processNice, int nice) {
        return Math.min(MAX, (processNice == null ? 0 : processNice) + nice);
    }

    /**
     * The {@code renice} to run: {@code /usr/bin/renice} or {@code /bin/renice} where there is one (a {@code PATH} of the
     * environment's choosing is not asked first), else whatever {@code renice} the {@code PATH} finds.
     */
    static String reniceCommand() {
        for (String c : new String[] {"/usr/bin/renice", "/bin/renice"}) {
            if (Files.isExecutable(Path.of(c))) return c;
        }
        return "renice";
    }

    /**
     * The renice child's command line: {@code renice N -p tid}, the priority as a plain operand — absolute in util-linux
     * and in busybox alike, where {@code -n N} is an increment in busybox and in util-linux under
     * {@code POSIXLY_CORRECT} — and its environment without {@code POSIXLY_CORRECT}.
     */
    static ProcessBuilder reniceProcess(String reniceCommand, int value, long tid) {
        ProcessBuilder pb = new ProcessBuilder(reniceCommand, Integer.toString(value), "-p", Long.toString(tid))
                .redirectErrorStream(true);
        scrub(pb.environment());
        return pb;
    }

    /** Removes what would make a {@code renice} read its priority as an increment. */
    static void scrub(java.util.Map<String, String> env) {
        env.remove("POSIXLY_CORRECT");
    }

    /**
     * Lowers the calling thread to the process's own nice plus {@code nice} (at most {@value #MAX}) once and logs what
     * happened: a lowering at INFO the first time in a process (DEBUG after that), every outcome that is not a lowering
     * at WARN (at most one a writer). Never throws, not even an {@link Error} (an {@link OutOfMemoryError} "unable to
     * create native thread" from the JDK's process reaper near a pids limit): it is called before the writers' own
     * loops, and a writer that died here would hold every later row; the writer goes on at the priority it has.
     */
    public static Outcome lowerCurrentThread(int nice) {
        return lowerCurrentThread(() -> lower(nice, reniceCommand(), System.getProperty("os.name", "")));
    }

    /** {@link #lowerCurrentThread(int)} with the lowering given (tests: one that throws). */
    static Outcome lowerCurrentThread(java.util.function.Supplier<Outcome> lowering) {
        Outcome o;
        try {
            o = lowering.get();
        } catch (Throwable t) { // never let this stop a writer, not even an Error: it runs before the writer's loop
            o = new Outcome(false, "not lowered: " + t);
        }
        try {
            String line = "store: thread " + Thread.currentThread().getName() + " " + o.words()
                    + " (general_settings.background_thread_nice)";
            if (!o.applied()) log.warn("{}", line);
            else if (told.compareAndSet(false, true)) log.info("{}", line);
            else log.debug("{}", line);
        } catch (Throwable ignored) { // nothing left to tell it with: the writer goes on
        }
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
        Integer own = processNice();
        int target = target(own, nice);
        Integer before = niceOf(tid);
        if (before != null && before >= target) {
            return new Outcome(false, "already runs at nice " + before + " (tid " + tid + "; the gateway's is " + own + ")");
        }
        Outcome set = set(reniceCommand, tid, target);
        if (!set.applied()) return new Outcome(false, "not lowered: " + set.words());
        return new Outcome(true, "runs at nice " + target + " (the gateway's " + own + " + " + nice + ", tid " + tid + ")");
    }

    /**
     * Sets thread {@code tid} of this process to nice {@code value} with {@code reniceCommand} and reads it back; applied
     * only when the kernel's value is {@code value} after. Throws only what the JDK's process start does beyond an
     * {@link IOException} (an {@link Error}); callers catch.
     */
    static Outcome set(String reniceCommand, long tid, int value) {
        String out;
        int code;
        try {
            Process p = reniceProcess(reniceCommand, value, tid).start();
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Outcome(false, reniceCommand + " did not answer within 5 s");
            }
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            code = p.exitValue();
        } catch (IOException e) {
            return new Outcome(false, "cannot run " + reniceCommand + " (util-linux): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        }
        Integer after = niceOf(tid);
        if (after != null && after == value) return new Outcome(true, "nice " + value + " (tid " + tid + ")");
        return new Outcome(false, reniceCommand + " exited " + code + (out.isEmpty() ? "" : " (" + out + ")") + ", nice is " + after);
    }
}
