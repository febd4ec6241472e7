package dev.switchboard.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store writer's nice value over its life ({@link BackgroundNice}): lowered as it starts, and — for the ledger's
 * writer — back to the process's own while it is behind, where the OS lets a thread raise its priority again (root, or
 * {@code CAP_SYS_NICE}, or an {@code RLIMIT_NICE} that reaches the process's nice). At nice +5 a writer gets at most
 * ~25 % of a core the event loop keeps busy, and an unprivileged thread cannot take the priority back: at saturation its
 * queue, and the requests' objects it keeps alive, would grow. So while behind it runs at the gateway's priority, and
 * lowers again once it has caught up; each change runs {@code renice} (a child process), at most once every
 * {@link #HOLD_NANOS} so a writer hovering at the threshold does not spawn it often. Where raising is not allowed, one
 * WARN the first time the writer is behind says so. Not thread-safe: called from the writer's own thread only.
 */
public final class WriterNice {
    private static final Logger log = LoggerFactory.getLogger(WriterNice.class);
    /** The least time between two changes of the writer's nice (each spawns a {@code renice}). */
    static final long HOLD_NANOS = 3_000_000_000L;
    /** Linux's capability to raise a thread's priority ({@code CAP_SYS_NICE}): bit 23 of {@code CapEff}. */
    private static final int CAP_SYS_NICE = 23;

    private final int nice;
    private final String name;
    private final LongSupplier clock;
    /** Sets the writer's thread to a nice value; true when the kernel has it after. */
    private final IntPredicate set;
    /** Whether the OS lets this process raise a thread back to a nice value. */
    private final IntPredicate mayRaiseTo;
    private boolean lowered;
    /** Written on the writer's thread only; volatile for whoever asks ({@link #raised}: tests, a metric). */
    private volatile boolean raised;
    private int low;
    private int own;
    private long lastChange;
    private boolean warned;
    /** Whether the OS lets the writer go back to the process's nice: asked once, the first time it is behind. */
    private Boolean mayRaise;
    private long raises;

    WriterNice(int nice, String name, LongSupplier clock, IntPredicate set, IntPredicate mayRaiseTo) {
        this.nice = nice;
        this.name = name;
        this.clock = clock;
        this.set = set;
        this.mayRaiseTo = mayRaiseTo;
    }

    /** @param nice {@code general_settings.background_thread_nice} (0: the writer is left as it is, always) */
    public static WriterNice of(int nice, String name) {
        return of(nice, name, System::nanoTime);
    }

    /** {@link #of(int, String)} on a clock of its own (tests: no waiting out {@link #HOLD_NANOS}). */
    static WriterNice of(int nice, String name, LongSupplier clock) {
        long[] tid = {-1};
        return new WriterNice(nice, name, clock, v -> {
            if (tid[0] < 0) tid[0] = BackgroundNice.currentTid();
            return tid[0] > 0 && BackgroundNice.set(BackgroundNice.reniceCommand(), tid[0], v).applied();
        }, WriterNice::mayRaiseTo);
    }

    /** On the writer's thread as it starts: lowers it ({@link BackgroundNice#lowerCurrentThread}); never throws. */
    public void start() {
        if (nice == BackgroundNice.OFF) return;
        BackgroundNice.Outcome o = BackgroundNice.lowerCurrentThread(nice);
        try {
            started(o.applied(), BackgroundNice.processNice());
        } catch (Throwable ignored) { // the writer goes on as it is
        }
    }

    /** After the lowering: where the writer now is (tests give it). */
    void started(boolean applied, Integer processNice) {
        lowered = applied;
        own = processNice == null ? 0 : processNice;
        low = BackgroundNice.target(processNice, nice);
        lastChange = clock.getAsLong();
    }

    /**
     * On the writer's thread, as each batch starts and after each round: at the process's own nice while
     * {@code behind}, back at the lowered one once caught up, one change a {@link #HOLD_NANOS} at most. Never throws.
     */
    public void behind(boolean behind) {
        if (!lowered || behind == raised) return;
        try {
            long now = clock.getAsLong();
            if (mayRaise == null) mayRaise = mayRaiseTo.test(own); // read once (two /proc files), the first time behind
            if (behind && !mayRaise) {
                if (!warned) {
                    warned = true;
                    log.warn("store: thread {} is behind and stays at nice {}: this process may not raise a thread's "
                            + "priority again (no CAP_SYS_NICE, RLIMIT_NICE too low); set general_settings."
                            + "background_thread_nice to 0 if it does not catch up (switchboard_ledger_rows_pending)", name, low);
                }
                return;
            }
            if (now - lastChange < HOLD_NANOS) return;
            lastChange = now; // also when it fails: a failing renice is not run again sooner
            if (behind && set.test(own)) {
                raised = true;
                raises++;
                log.debug("store: thread {} is behind: back at the gateway's nice {}", name, own);
            } else if (!behind && set.test(low)) {
                raised = false;
                log.debug("store: thread {} has caught up: at nice {} again", name, low);
            }
        } catch (Throwable ignored) { // the writer goes on at the priority it has
        }
    }

    /** Whether the writer runs at the process's own nice now (behind). */
    public boolean raised() { return raised; }

    /** How often the writer went back to the process's nice. */
    public long raises() { return raises; }

    /**
     * Whether this process may set a thread to nice {@code value}: it has {@code CAP_SYS_NICE} ({@code /proc/self/status}'s
     * {@code CapEff}) or its {@code RLIMIT_NICE} ({@code /proc/self/limits}, "Max nice priority": a nice of
     * 20 - limit at the lowest) reaches it. False where neither can be read.
     */
    static boolean mayRaiseTo(int value) {
        try {
            if (capable(Files.readString(Path.of("/proc/self/status"), StandardCharsets.UTF_8))) return true;
            return value >= 20 - niceLimit(Files.readString(Path.of("/proc/self/limits"), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether {@code status}'s {@code CapEff} holds {@code CAP_SYS_NICE}. */
    static boolean capable(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) >>> CAP_SYS_NICE & 1) == 1;
            }
        }
        return false;
    }

    /** The soft {@code RLIMIT_NICE} of {@code limits} (0 when absent; "unlimited" is 40, all of them). */
    static int niceLimit(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max nice priority")) {
                String soft = line.substring("Max nice priority".length()).trim().split("\\s+")[0];
                return "unlimited".equals(soft) ? 40 : (int) Math.min(40, Long.parseLong(soft));
            }
        }
        return 0;
    }
}
