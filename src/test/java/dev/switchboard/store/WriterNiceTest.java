package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.switchboard.support.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** {@link WriterNice}: the ledger's writer back at the process's priority while behind, with hysteresis. */
class WriterNiceTest {
    private static final long S = 1_000_000_000L;
    private static final BackgroundNice.Outcome LOWERED = new BackgroundNice.Outcome(true, "lowered (test)");

    /** A setter that records each value and leaves the kernel at it. */
    private static IntFunction<WriterNice.Change> recording(List<Integer> sets) {
        return v -> {
            sets.add(v);
            return new WriterNice.Change(v, "nice " + v);
        };
    }

    private static WriterNice nice(AtomicLong now, IntFunction<WriterNice.Change> set, boolean mayRaise) {
        return new WriterNice(5, "switchboard-ledger", now::get, () -> LOWERED, set, v -> mayRaise);
    }

    @Test
    void behindItReturnsToTheProcesssNiceAndLowersAgainOnceCaughtUpAtMostOnceEveryFewSeconds() {
        AtomicLong now = new AtomicLong();
        List<Integer> sets = new ArrayList<>();
        WriterNice n = nice(now, recording(sets), true);
        n.started(true, 2); // lowered to 7
        assertThat(n.raiseDue()).isFalse(); // just lowered: it waits its hold out
        n.behind();
        assertThat(sets).isEmpty();
        now.set(3 * S);
        assertThat(n.raiseDue()).isTrue();
        n.behind();
        assertThat(sets).containsExactly(2);
        assertThat(n.raised()).isTrue();
        assertThat(n.raiseDue()).isFalse();
        n.behind(); // already there: no renice
        now.set(4 * S);
        n.caughtUp(); // caught up, but within the hold
        assertThat(sets).containsExactly(2);
        now.set(6 * S);
        n.caughtUp();
        assertThat(sets).containsExactly(2, 7);
        assertThat(n.raised()).isFalse();
        n.caughtUp();
        assertThat(sets).containsExactly(2, 7);
        assertThat(n.raises()).isEqualTo(1);
    }

    @Test
    void allowedOnPaperButRefusedByTheKernelOneWarningWithTheReasonAndNeverTriedAgain() {
        // a user namespace (rootless Podman, hostUsers: false with SYS_NICE added): CapEff has bit 23, setpriority fails
        AtomicLong now = new AtomicLong(10 * S);
        List<Integer> sets = new ArrayList<>();
        try (LogCapture logs = LogCapture.of(WriterNice.class.getName())) {
            WriterNice n = nice(now, v -> {
                sets.add(v);
                return new WriterNice.Change(5, "/usr/bin/renice exited 1 (renice: failed to set priority for 42 "
                        + "(process ID): Permission denied)");
            }, true);
            n.started(true, 0);
            for (int i = 0; i < 5; i++) {
                now.addAndGet(4 * S);
                if (n.raiseDue()) n.behind();
                n.behind();
            }
            assertThat(sets).containsExactly(0);
            assertThat(n.raised()).isFalse();
            assertThat(n.raiseDue()).isFalse();
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN ")).hasSize(1).first().asString()
                    .contains("switchboard-ledger is behind and stays at nice 5")
                    .contains("raising it was refused: /usr/bin/renice exited 1").contains("Permission denied")
                    .contains("its nice is 5").contains("switchboard_ledger_rows_pending");
        }
    }

    @Test
    void aReniceThatTimesOutStopsTheRaisingAndTheHoldCountsFromTheEndOfTheRun() {
        AtomicLong now = new AtomicLong(10 * S);
        List<Integer> sets = new ArrayList<>();
        try (LogCapture logs = LogCapture.of(WriterNice.class.getName())) {
            // a raise that works but takes 5 s: the hold starts when it returns, so no lowering at once after it
            WriterNice slow = nice(now, v -> {
                sets.add(v);
                now.addAndGet(5 * S);
                return new WriterNice.Change(v, "nice " + v);
            }, true);
            slow.started(true, 0);
            now.addAndGet(3 * S);
            slow.behind();
            assertThat(slow.raised()).isTrue();
            slow.caughtUp();
            assertThat(sets).containsExactly(0);
            now.addAndGet(3 * S);
            slow.caughtUp();
            assertThat(sets).containsExactly(0, 5);

            // one that does not answer: not raised again, one WARN
            sets.clear();
            WriterNice hung = nice(now, v -> {
                sets.add(v);
                now.addAndGet(5 * S);
                return new WriterNice.Change(5, "/usr/bin/renice did not answer within 5 s");
            }, true);
            hung.started(true, 0);
            for (int i = 0; i < 3; i++) {
                now.addAndGet(10 * S);
                hung.behind();
            }
            assertThat(sets).containsExactly(0);
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN ")).hasSize(1).first().asString()
                    .contains("did not answer within 5 s");
        }
    }

    @Test
    void raisedIsWhatTheKernelHasAfterTheRunNotWhatTheRunSaid() {
        AtomicLong now = new AtomicLong(10 * S);
        // the renice exited non-zero but the thread is at the process's nice (read back): raised, so lowered later
        List<Integer> sets = new ArrayList<>();
        WriterNice n = nice(now, v -> {
            sets.add(v);
            return new WriterNice.Change(v, "exited 1");
        }, true);
        n.started(true, 0);
        now.addAndGet(3 * S);
        n.behind();
        assertThat(n.raised()).isTrue();

        // the renice worked and the read-back failed: taken as raised (lowering needs no privilege), not raised again
        List<Integer> unread = new ArrayList<>();
        WriterNice m = nice(now, v -> {
            unread.add(v);
            return new WriterNice.Change(v == 0 ? null : v, "nice " + v);
        }, true);
        m.started(true, 0);
        now.addAndGet(3 * S);
        m.behind();
        assertThat(m.raised()).isTrue();
        now.addAndGet(3 * S);
        m.caughtUp();
        assertThat(m.raised()).isFalse();
        assertThat(unread).containsExactly(0, 5);
        now.addAndGet(3 * S);
        assertThat(m.raiseDue()).isFalse();
        m.behind();
        assertThat(unread).containsExactly(0, 5);
    }

    @Test
    void whereRaisingIsNotAllowedOneWarningTheFirstTimeItIsBehindAndNoRenice() {
        AtomicLong now = new AtomicLong();
        List<Integer> sets = new ArrayList<>();
        try (LogCapture logs = LogCapture.of(WriterNice.class.getName())) {
            WriterNice n = nice(now, recording(sets), false);
            n.started(true, 0);
            for (int i = 0; i < 5; i++) {
                now.addAndGet(4 * S);
                if (n.raiseDue()) n.behind();
                n.caughtUp();
            }
            assertThat(sets).isEmpty();
            assertThat(n.raiseDue()).isFalse();
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN ")).hasSize(1).first().asString()
                    .contains("switchboard-ledger is behind and stays at nice 5").contains("no CAP_SYS_NICE")
                    .contains("switchboard_ledger_rows_pending");
        }
    }

    @Test
    void notLoweredOrOffNothingChanges() {
        List<Integer> sets = new ArrayList<>();
        WriterNice n = new WriterNice(5, "w", () -> 100 * S, () -> LOWERED, recording(sets), v -> true);
        n.started(false, 0);
        assertThat(n.raiseDue()).isFalse();
        n.behind();
        List<String> lowerings = new ArrayList<>();
        WriterNice off = new WriterNice(BackgroundNice.OFF, "w", () -> 100 * S, () -> {
            lowerings.add("lowered");
            return LOWERED;
        }, recording(sets), v -> true);
        off.start();
        assertThat(off.raiseDue()).isFalse();
        off.behind();
        assertThat(sets).isEmpty();
        assertThat(lowerings).isEmpty();
    }

    @Test
    void thePermissionIsTheCapabilityOrANiceLimitThatReachesTheValue() {
        assertThat(WriterNice.mayRaiseTo(0, "0000000000000000", "20")).isTrue();
        assertThat(WriterNice.mayRaiseTo(-1, "0000000000000000", "20")).isFalse();
        assertThat(WriterNice.mayRaiseTo(19, "0000000000000000", "0")).isFalse();
        assertThat(WriterNice.mayRaiseTo(19, "0000000000000000", "1")).isTrue();
        assertThat(WriterNice.mayRaiseTo(0, "0000000000800000", "0")).isTrue(); // bit 23 alone
        assertThat(WriterNice.mayRaiseTo(-20, "000001ffffffffff", "0")).isTrue();
        assertThat(WriterNice.mayRaiseTo(0, "0000000000400000", "0")).isFalse(); // bit 22 is not it
        assertThat(WriterNice.mayRaiseTo(-20, "0000000000000000", "unlimited")).isTrue();
        assertThat(WriterNice.mayRaiseTo(0, null, null)).isFalse();
        assertThat(WriterNice.mayRaiseTo(0, "zz", "x")).isFalse();
    }

    @Test
    void theCapabilityAndTheNiceLimitAreReadFromTheirLines() {
        assertThat(WriterNice.field("Name:\tjava\nCapEff:\t000001ffffffffff\n", "CapEff:")).isEqualTo("000001ffffffffff");
        assertThat(WriterNice.field("no caps", "CapEff:")).isNull();
        String limits = "Limit                     Soft Limit           Hard Limit           Units     \n"
                + "Max nice priority         0                    0                    \n";
        assertThat(WriterNice.field(limits, "Max nice priority")).isEqualTo("0");
        assertThat(WriterNice.field(limits.replace("0                    0", "25                   30"), "Max nice priority"))
                .isEqualTo("25");
        assertThat(WriterNice.field("Max nice priority         unlimited            unlimited            \n",
                "Max nice priority")).isEqualTo("unlimited");
        assertThat(WriterNice.field("", "Max nice priority")).isNull();
    }

    @Test
    void whereAllowedARealThreadGoesBackToTheProcesssNiceAndDownAgain() throws Exception {
        assumeThat(Files.exists(Path.of("/proc/thread-self"))).isTrue();
        assumeThat(BackgroundNice.reniceCommand()).as("renice on this machine").startsWith("/");
        Integer own = BackgroundNice.processNice();
        assumeThat(own != null && own + 3 <= BackgroundNice.MAX).as("room below this JVM's own priority").isTrue();
        assumeThat(WriterNice.mayRaiseTo(own)).as("CAP_SYS_NICE or RLIMIT_NICE").isTrue();
        AtomicLong now = new AtomicLong();
        AtomicReference<List<Integer>> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            long tid = BackgroundNice.currentTid();
            List<Integer> s = new ArrayList<>();
            WriterNice n = WriterNice.of(3, "nice-test-writer", now::get);
            n.start();
            s.add(BackgroundNice.niceOf(tid));
            now.addAndGet(WriterNice.HOLD_NANOS);
            n.behind();
            s.add(BackgroundNice.niceOf(tid));
            now.addAndGet(WriterNice.HOLD_NANOS);
            n.caughtUp();
            s.add(BackgroundNice.niceOf(tid));
            seen.set(s);
        }, "nice-test-writer");
        t.start();
        t.join(20_000);
        // the start's lowering needs no privilege: where renice is there, a failed one is a failure, not a skip
        assertThat(seen.get()).containsExactly(own + 3, own, own + 3);
    }
}
