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
import org.junit.jupiter.api.Test;

/** {@link WriterNice}: the ledger's writer back at the process's priority while behind, with hysteresis. */
class WriterNiceTest {
    private static final long S = 1_000_000_000L;

    @Test
    void behindItReturnsToTheProcesssNiceAndLowersAgainOnceCaughtUpAtMostOnceEveryFewSeconds() {
        AtomicLong now = new AtomicLong();
        List<Integer> sets = new ArrayList<>();
        WriterNice n = new WriterNice(5, "w", now::get, v -> sets.add(v), v -> true);
        n.started(true, 2); // lowered to 7
        n.behind(true); // just lowered: it waits its hold out
        assertThat(sets).isEmpty();
        now.set(3 * S);
        n.behind(true);
        assertThat(sets).containsExactly(2);
        assertThat(n.raised()).isTrue();
        n.behind(true); // already there: no renice
        now.set(4 * S);
        n.behind(false); // caught up, but within the hold
        assertThat(sets).containsExactly(2);
        now.set(6 * S);
        n.behind(false);
        assertThat(sets).containsExactly(2, 7);
        assertThat(n.raised()).isFalse();
        n.behind(false);
        assertThat(sets).containsExactly(2, 7);
        assertThat(n.raises()).isEqualTo(1);
    }

    @Test
    void aFailingReniceIsNotRunAgainWithinTheHold() {
        AtomicLong now = new AtomicLong(10 * S);
        List<Integer> sets = new ArrayList<>();
        WriterNice n = new WriterNice(5, "w", now::get, v -> { sets.add(v); return false; }, v -> true);
        n.started(true, 0);
        now.addAndGet(3 * S);
        n.behind(true);
        n.behind(true);
        now.addAndGet(S);
        n.behind(true);
        assertThat(sets).containsExactly(0);
        assertThat(n.raised()).isFalse();
    }

    @Test
    void whereRaisingIsNotAllowedOneWarningTheFirstTimeItIsBehindAndNoRenice() {
        AtomicLong now = new AtomicLong();
        List<Integer> sets = new ArrayList<>();
        try (LogCapture logs = LogCapture.of(WriterNice.class.getName())) {
            WriterNice n = new WriterNice(5, "switchboard-ledger", now::get, v -> sets.add(v), v -> false);
            n.started(true, 0);
            for (int i = 0; i < 5; i++) {
                now.addAndGet(4 * S);
                n.behind(true);
                n.behind(false);
            }
            assertThat(sets).isEmpty();
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN ")).hasSize(1).first().asString()
                    .contains("switchboard-ledger is behind and stays at nice 5").contains("switchboard_ledger_rows_pending");
        }
    }

    @Test
    void notLoweredOrOffNothingChanges() {
        List<Integer> sets = new ArrayList<>();
        WriterNice n = new WriterNice(5, "w", () -> 100 * S, v -> sets.add(v), v -> true);
        n.started(false, 0);
        n.behind(true);
        WriterNice off = new WriterNice(BackgroundNice.OFF, "w", () -> 100 * S, v -> sets.add(v), v -> true);
        off.start();
        off.behind(true);
        assertThat(sets).isEmpty();
    }

    @Test
    void theCapabilityAndTheNiceLimitAreRead() {
        assertThat(WriterNice.capable("Name:\tjava\nCapEff:\t000001ffffffffff\n")).isTrue();
        assertThat(WriterNice.capable("CapEff:\t0000000000000000\n")).isFalse();
        assertThat(WriterNice.capable("CapEff:\t0000000000800000\n")).isTrue(); // bit 23 alone
        assertThat(WriterNice.capable("no caps")).isFalse();
        String limits = "Limit                     Soft Limit           Hard Limit           Units     \n"
                + "Max nice priority         0                    0                    \n";
        assertThat(WriterNice.niceLimit(limits)).isEqualTo(0);
        assertThat(WriterNice.niceLimit(limits.replace("0                    0", "25                   30"))).isEqualTo(25);
        assertThat(WriterNice.niceLimit("Max nice priority         unlimited            unlimited            \n")).isEqualTo(40);
        assertThat(WriterNice.niceLimit("")).isEqualTo(0);
    }

    @Test
    void whereAllowedARealThreadGoesBackToTheProcesssNiceAndDownAgain() throws Exception {
        assumeThat(Files.exists(Path.of("/proc/thread-self"))).isTrue();
        Integer own = BackgroundNice.processNice();
        assumeThat(own != null && own + 3 <= BackgroundNice.MAX).as("room below this JVM's own priority").isTrue();
        assumeThat(WriterNice.mayRaiseTo(own)).as("root, CAP_SYS_NICE or RLIMIT_NICE").isTrue();
        AtomicLong now = new AtomicLong();
        AtomicReference<List<Integer>> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            long tid = BackgroundNice.currentTid();
            List<Integer> s = new ArrayList<>();
            WriterNice n = WriterNice.of(3, "nice-test-writer", now::get);
            n.start();
            s.add(BackgroundNice.niceOf(tid));
            now.addAndGet(WriterNice.HOLD_NANOS);
            n.behind(true);
            s.add(BackgroundNice.niceOf(tid));
            now.addAndGet(WriterNice.HOLD_NANOS);
            n.behind(false);
            s.add(BackgroundNice.niceOf(tid));
            seen.set(s);
        }, "nice-test-writer");
        t.start();
        t.join(20_000);
        assumeThat(seen.get().get(0)).as("renice on this machine").isEqualTo(own + 3);
        assertThat(seen.get()).containsExactly(own + 3, own, own + 3);
    }
}
