package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * When a store writer offers its core: only on SQLite, only when not behind, and only after ~1 ms of wall time since
 * the last offer. A yield on a saturated core gives up most of the writer's turn, so a writer that yielded while behind
 * fell further behind and its queue filled the heap (docs/architecture.md, the thirty-second session's ledger section).
 */
class CoreShareTest {
    @Test
    void theDecisionOffersOnlyWhenSharingNotBehindAndAfterASlice() {
        long slice = CoreShare.SLICE_NANOS;
        assertThat(CoreShare.due(true, false, slice)).isTrue();
        assertThat(CoreShare.due(true, false, 50 * slice)).isTrue();
        assertThat(CoreShare.due(true, false, slice - 1)).as("less than a slice since the last offer").isFalse();
        assertThat(CoreShare.due(true, true, slice)).as("behind: keeps the core").isFalse();
        assertThat(CoreShare.due(true, true, 1_000 * slice)).as("behind, however long it worked").isFalse();
        assertThat(CoreShare.due(false, false, 1_000 * slice)).as("PostgreSQL: never").isFalse();
        assertThat(slice).isEqualTo(1_000_000L);
    }

    @Test
    void aWriterBehindDoesNotYieldAndOneNotBehindDoesOncePerSlice() {
        AtomicBoolean behind = new AtomicBoolean(true);
        AtomicLong now = new AtomicLong(42); // the pace's own wall clock: no preemption of this thread can move it
        CoreShare pace = new CoreShare(true, behind::get, CoreShare.SLICE_NANOS, now::get);
        pace.start();
        now.addAndGet(3 * CoreShare.SLICE_NANOS);
        assertThat(pace.due()).isFalse();
        assertThat(pace.offer()).as("behind after 3 ms").isFalse();
        assertThat(pace.offers()).isZero();
        behind.set(false);
        assertThat(pace.offer()).as("caught up, 3 ms since").isTrue();
        assertThat(pace.offer()).as("just offered: not again before a slice").isFalse();
        now.addAndGet(CoreShare.SLICE_NANOS - 1);
        assertThat(pace.offer()).as("a nanosecond short of a slice").isFalse();
        now.incrementAndGet();
        assertThat(pace.offer()).as("a slice of wall time since").isTrue();
        assertThat(pace.offers()).isEqualTo(2);
        pace.start();
        assertThat(pace.due()).as("a new round starts its slice afresh").isFalse();
    }

    @Test
    void aStoreThatDoesNotShareTheCoreNeverOffersIt() throws Exception {
        CoreShare pace = CoreShare.of(false, () -> false);
        assertThat(pace).isSameAs(CoreShare.NEVER);
        assertThat(pace.shares()).isFalse();
        Thread.sleep(2);
        assertThat(pace.offer()).isFalse();
        assertThat(pace.offers()).isZero();
    }

    /** offerNow() is public: on the shared NEVER (every PostgreSQL writer) it must neither yield nor count. */
    @Test
    void offerNowOnAPaceThatDoesNotShareDoesNothing() {
        long before = CoreShare.NEVER.offers();
        CoreShare.NEVER.offerNow();
        assertThat(CoreShare.NEVER.offers()).isEqualTo(before).isZero();
        AtomicLong now = new AtomicLong();
        CoreShare sharing = new CoreShare(true, () -> false, CoreShare.SLICE_NANOS, now::get);
        sharing.offerNow();
        assertThat(sharing.offers()).isEqualTo(1);
    }
}
