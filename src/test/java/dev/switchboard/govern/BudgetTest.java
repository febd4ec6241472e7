package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.DurationSpec;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BudgetTest {
    @Test
    void reservationsInFlightCountAgainstWhatIsLeft() {
        Budget b = new Budget(1_000, Budget.NO_LIMIT, null, 0, 0, 0);
        assertThat(b.tryReserve(600, 0)).isTrue();
        assertThat(b.tryReserve(500, 0)).as("600 held + 500 > 1000").isFalse();
        assertThat(b.tryReserve(400, 0)).isTrue();
        b.settle(600, 100, 0);             // the first call cost far less than its worst case
        assertThat(b.snapshot(0).spentNanos()).isEqualTo(100);
        assertThat(b.snapshot(0).reservedNanos()).isEqualTo(400);
        assertThat(b.tryReserve(500, 0)).isTrue();
        assertThat(b.tryReserve(1, 0)).isFalse();
        assertThat(b.tryReserve(Long.MAX_VALUE, 0)).as("no overflow on a huge worst case").isFalse();
    }

    @Test
    void concurrentReservationsNeverTakeMoreThanTheCap() throws Exception {
        Budget b = new Budget(10_000_000, Budget.NO_LIMIT, null, 0, 0, 0);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < 10_000; i++) {
                    if (b.tryReserve(3_000, 0)) {
                        admitted.incrementAndGet();
                        b.settle(3_000, 2_000, 0); // every call costs 2/3 of its worst case
                    }
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        Budget.Snapshot s = b.snapshot(0);
        assertThat(s.reservedNanos()).isZero();
        assertThat(s.spentNanos()).isEqualTo(admitted.get() * 2_000L).isLessThanOrEqualTo(10_000_000);
        assertThat(s.spentNanos()).as("it stops only when the next worst case does not fit").isGreaterThan(10_000_000 - 3_000);
    }

    @Test
    void aPeriodBoundaryStartsTheSpendAgainAndKeepsReservationsInFlight() {
        DurationSpec day = DurationSpec.parse("1d");
        long anchor = 0;
        Budget b = new Budget(1_000, Budget.NO_LIMIT, day, anchor, 900, 10);
        assertThat(b.tryReserve(200, 10)).isFalse();
        assertThat(b.tryReserve(100, 10)).isTrue();
        long tomorrow = 86_400_000L + 5;
        assertThat(b.snapshot(tomorrow).spentNanos()).isZero();
        assertThat(b.snapshot(tomorrow).reservedNanos()).isEqualTo(100);
        assertThat(b.snapshot(tomorrow).resetsAt()).isEqualTo(2 * 86_400_000L);
        b.settle(100, 80, tomorrow); // a call that began yesterday and ends today counts today, as the ledger's ended_at does
        assertThat(b.snapshot(tomorrow).spentNanos()).isEqualTo(80);
    }

    @Test
    void theSoftBudgetWarnsOncePerPeriod() {
        Budget b = new Budget(Budget.NO_LIMIT, 100, DurationSpec.parse("1d"), 0, 0, 0);
        assertThat(b.settle(0, 60, 1)).isZero();
        assertThat(b.settle(0, 60, 2)).isEqualTo(BudgetAlerts.SOFT);
        assertThat(b.settle(0, 60, 3)).isZero();
        assertThat(b.settle(0, 200, 86_400_001L)).as("a new day warns again").isEqualTo(BudgetAlerts.SOFT);
    }

    @Test
    void aNewPeriodStartStartsAtZeroAndAPeriodThatGoesOnKeepsItsSpend() {
        Budget b = new Budget(1_000, Budget.NO_LIMIT, DurationSpec.parse("30d"), 0, 700, 5);
        b.configure(2_000, Budget.NO_LIMIT, DurationSpec.parse("30d"), 0, 6);
        assertThat(b.snapshot(6).spentNanos()).as("a new max keeps the spend").isEqualTo(700);
        // a new duration set at 6 whose first period goes on from 0 (LiteLLM keeps the spend): the spend stays
        b.configure(2_000, Budget.NO_LIMIT, BudgetPeriod.of(DurationSpec.parse("7d"), 6, 0), 6);
        assertThat(b.snapshot(6).spentNanos()).isEqualTo(700);
        assertThat(b.snapshot(6).resetsAt()).as("the next Monday after 1970-01-01 (a Thursday)").isEqualTo(4 * 86_400_000L);
        assertThat(b.snapshot(4 * 86_400_000L).spentNanos()).as("then it resets").isZero();
        // periods that put now in another period: this gateway does not know that period's spend, the store's grant does
        Budget c = new Budget(1_000, Budget.NO_LIMIT, DurationSpec.parse("30d"), 0, 700, 5);
        c.configure(2_000, Budget.NO_LIMIT, BudgetPeriod.of(DurationSpec.parse("7d"), 6, 6), 6);
        assertThat(c.snapshot(6).spentNanos()).isZero();
    }

    @Test
    void aRaisedLimitEndsRefusingAtOnceAndTheSameLimitAgainKeepsIt() {
        Budget b = new Budget(1_000, Budget.NO_LIMIT, null, 0, 900, 0);
        assertThat(b.tryReserve(200, 10)).isFalse();
        assertThat(b.refusal(20)).isNotNull();
        b.configure(1_000, Budget.NO_LIMIT, null, 0, 30); // the same row synced again: still refusing, since 10
        assertThat(b.refusal(40).sinceMillis()).isEqualTo(10);
        b.configure(5_000, Budget.NO_LIMIT, null, 0, 50); // an admin raised max_budget
        assertThat(b.refusal(60)).as("no \"refusing since\" before the next call").isNull();
    }
}
