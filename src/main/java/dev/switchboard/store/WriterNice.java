package dev.switchboard.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store writer's nice value over its life ({@link BackgroundNice}): lowered as it starts, and — for the ledger's
 * writer — back to the process's own while it is behind, where the OS lets a thread raise its priority again
 * ({@code CAP_SYS_NICE}, or an {@code RLIMIT_NICE} that reaches the process's nice). At nice +5 a writer gets at most
 * ~25 % of a core the event loop keeps busy, and an unprivileged thread cannot take the priority back: at saturation its
 * queue, and the requests' objects it keeps alive, would grow. So while behind it runs at the gateway's priority, and
 * lowers again once a round has ended caught up; each change runs {@code renice} (a child process), at most once every
 * {@link #HOLD_NANOS} (counted from the end of the last run) so a writer hovering at the threshold does not spawn it
 * often. The caller makes each change outside any lock others wait on (a {@code renice} takes milliseconds, up to its
 * 5 s time-out). Where raising is not allowed — read from {@code /proc}, or learnt from the first raise the kernel
 * refused (a user namespace: the capability in {@code CapEff} is not the host's), timed out or could not be read back —
 * one WARN says so, with the reason, and the writer is not raised again. Not thread-safe: called from the writer's own
 * thread only.
 */
public final class WriterNice {
    private static final Logger log = LoggerFactory.getLogger(WriterNice.class);
    /** The least time between two changes of the writer's nice (each spawns a {@code renice}). */
    static final long HOLD_NANOS = 3_000_000_000L;
    /** Linux's capability to raise a thread's priority ({@code CAP_SYS_NICE}): bit 23 of {@code CapEff}. */
    private static final int CAP_SYS_NICE = 23;

    /** What one change left: the nice value the kernel has after it (null: not readable) and the run's words. */
    public record Change(Integer after, String words) {}

    private final int nice;
    private final String name;
    private final LongSupplier clock;
    /** The lowering as the writer starts ({@link BackgroundNice#lowerCurrentThread(int)}). */
    private final Supplier<BackgroundNice.Outcome> lowering;
    /** Sets the writer's thread to a nice value and reads back what the kernel has. */
    private final IntFunction<Change> set;
    /** Whether the OS lets this process raise a thread back to a nice value (two /proc reads). */
    private final IntPredicate mayRaiseTo;
    private boolean lowered;
    /** Written on the writer's thread only; volatile for whoever asks ({@link #raised}: tests, a metric). */
    private volatile boolean raised;
    private int low;
    private int own;
    private long lastChange;
    private boolean warned;
    /**
     * Whether the writer may go back to the process's nice: asked once, the first time it is behind, and false for good
     * after the first raise that did not take.
     */
    private Boolean mayRaise;
    private long raises;

    WriterNice(int nice, String name, LongSupplier clock, Supplier<BackgroundNice.Outcome> lowering, IntFunction<Change> set,
            IntPredicate mayRaiseTo) {
        this.nice = nice;
        this.name = name;
        this.clock = clock;
        this.lowering = lowering;
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
        return new WriterNice(nice, name, clock, () -> BackgroundNice.lowerCurrentThread(nice), v -> {
            if (tid[0] < 0) tid[0] = BackgroundNice.currentTid();
            if (tid[0] <= 0) return new Change(null, "/proc/thread-self is not readable");
            BackgroundNice.Outcome o = BackgroundNice.set(BackgroundNice.reniceCommand(), tid[0], v);
            return new Change(BackgroundNice.niceOf(tid[0]), o.words());
        }, WriterNice::mayRaiseTo);
    }

    /** On the writer's thread as it starts: lowers it ({@link BackgroundNice#lowerCurrentThread}); never throws. */
    public void start() {
        if (nice == BackgroundNice.OFF) return;
        try {
            started(lowering.get().applied(), BackgroundNice.processNice());
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
     * Whether {@link #behind} would run a {@code renice} now: lowered, not raised, raising not known to be refused, the
     * hold over. Cheap (a clock read, no /proc, no child): the ledger asks it under its lock at each batch's start and
     * leaves the lock to make the change. Never throws.
     */
    public boolean raiseDue() {
        try {
            return lowered && !raised && !Boolean.FALSE.equals(mayRaise) && clock.getAsLong() - lastChange >= HOLD_NANOS;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * On the writer's thread, at a batch's start while behind, outside its store's lock: back at the process's own nice
     * where allowed and the hold is over. Never throws.
     */
    public void behind() {
        if (!lowered || raised) return;
        try {
            if (mayRaise == null) {
                mayRaise = mayRaiseTo.test(own); // read once (two /proc files), the first time behind
                if (!mayRaise) {
                    warnOnce("this process may not raise a thread's priority again (no CAP_SYS_NICE, RLIMIT_NICE too low)");
                }
            }
            if (!mayRaise || clock.getAsLong() - lastChange < HOLD_NANOS) return;
            Change c = change(own);
            if (c.after() != null && c.after() == own) {
                raises++;
                log.debug("store: thread {} is behind: back at the gateway's nice {}", name, own);
                return;
            }
            // allowed on paper, refused (or not answered, or not readable) in fact: not tried again
            mayRaise = false;
            warnOnce("raising it was refused: " + c.words()
                    + (c.after() == null ? "; its nice could not be read back" : "; its nice is " + c.after()));
        } catch (Throwable ignored) { // the writer goes on at the priority it has
        }
    }

    /** On the writer's thread after a round that ended caught up: back at the lowered nice (the hold over). Never throws. */
    public void caughtUp() {
        if (!lowered || !raised) return;
        try {
            if (clock.getAsLong() - lastChange < HOLD_NANOS) return;
            change(low);
            if (!raised) log.debug("store: thread {} has caught up: at nice {} again", name, low);
        } catch (Throwable ignored) { // the writer goes on at the priority it has
        }
    }

    /**
     * Runs the setter and takes {@link #raised} from what the kernel has after it; when that cannot be read, the change
     * is taken as made (a raise is then lowered again once caught up, and lowering needs no privilege). The hold counts
     * from the end of the run: a run that took long (up to the 5 s time-out) is not followed by another at once.
     */
    private Change change(int value) {
        Change c;
        try {
            c = set.apply(value);
        } catch (Throwable t) {
            c = new Change(null, t.toString());
        }
        if (c == null) c = new Change(null, "no answer");
        lastChange = clock.getAsLong();
        raised = c.after() != null ? c.after() < low : value < low;
        return c;
    }

    private void warnOnce(String why) {
        if (warned) return;
        warned = true;
        log.warn("store: thread {} is behind and stays at nice {}: {}; set general_settings.background_thread_nice to 0 if "
                + "it does not catch up (switchboard_ledger_rows_pending)", name, low, why);
    }

    /** Whether the writer runs at the process's own nice now (behind). */
    public boolean raised() { return raised; }

    /** How often the writer went back to the process's nice. */
    public long raises() { return raises; }

    /**
     * Whether this process may set a thread to nice {@code value}, from {@code /proc/self/status}'s {@code CapEff} and
     * {@code /proc/self/limits}' "Max nice priority" ({@link #mayRaiseTo(int, String, String)}). False where neither can
     * be read.
     */
    static boolean mayRaiseTo(int value) {
        String capEff = null, limit = null;
        try {
            capEff = field(Files.readString(Path.of("/proc/self/status"), StandardCharsets.UTF_8), "CapEff:");
        } catch (IOException | RuntimeException e) { // not readable: not capable, as far as this knows
        }
        try {
            limit = field(Files.readString(Path.of("/proc/self/limits"), StandardCharsets.UTF_8), "Max nice priority");
        } catch (IOException | RuntimeException e) {
        }
        return mayRaiseTo(value, capEff, limit);
    }

    /**
     * Whether a thread may be set to nice {@code value} by a process whose effective capabilities are {@code capEffHex}
     * ({@code CapEff}, hex) and whose soft {@code RLIMIT_NICE} is {@code rlimitNice} (a number or "unlimited"): it holds
     * {@code CAP_SYS_NICE} (bit 23), or {@code value >= 20 - limit} (Linux's {@code can_nice}). Null or unreadable
     * inputs count as no capability and a limit of 0. What the kernel then does may still differ (a user namespace):
     * {@link #behind} learns that from the first raise.
     */
    static boolean mayRaiseTo(int value, String capEffHex, String rlimitNice) {
        try {
            if (capEffHex != null && (Long.parseUnsignedLong(capEffHex.trim(), 16) >>> CAP_SYS_NICE & 1) == 1) return true;
        } catch (NumberFormatException e) { // not capable, as far as this knows
        }
        long limit = 0;
        if (rlimitNice != null) {
            String s = rlimitNice.trim();
            try {
                limit = "unlimited".equals(s) ? 40 : Math.min(40, Long.parseLong(s));
            } catch (NumberFormatException e) {
                limit = 0;
            }
        }
        return value >= 20 - limit;
    }

    /**
     * The first word after {@code key} on the line of {@code text} that starts with it ({@code CapEff:}'s hex; "Max nice
     * priority"'s soft limit); null where there is no such line.
     */
    static String field(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key)) {
                String[] words = line.substring(key.length()).trim().split("\\s+");
                return words.length == 0 || words[0].isEmpty() ? null : words[0];
            }
        }
        return null;
    }
}
