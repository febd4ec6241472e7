package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.Caller;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link Admission#charge}: a failed attempt its provider billed is charged to the call's budgets when its ledger row
 * is written, whether the call settled before (its client left while the attempt ran) or after, and in the period its
 * row's {@code ended_at} falls in, as the ledger sums it.
 */
class AdmissionChargeTest {
    private static final WorstCase HUNDRED = new WorstCase() {
        @Override public long boundNanos() { return 100; }
        @Override public long exactNanos() { return 100; }
    };

    private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);
    private final Budget global = new Budget(10_000, Budget.NO_LIMIT, dev.switchboard.model.DurationSpec.parse("1d"),
            millis.get(), 0, millis.get());
    private final Governor governor = new Governor(new KeyRegistry(), new LocalRateLimiter(), global, millis::get);

    private Admission admit() {
        return governor.admit(Caller.ANONYMOUS, null, List.of("m"), HUNDRED, () -> 0);
    }

    @Test
    void aChargeBeforeTheSettleIsSpentBesideTheCallsOwnCost() {
        Admission a = admit();
        a.charge(300, millis.get());
        assertThat(global.snapshot(millis.get()).spentNanos()).isEqualTo(300);
        assertThat(global.snapshot(millis.get()).reservedNanos()).as("the reservation still held").isEqualTo(100);
        a.settle(40, 1, millis.get());
        assertThat(global.snapshot(millis.get()).spentNanos()).isEqualTo(340);
        assertThat(global.snapshot(millis.get()).reservedNanos()).isZero();
    }

    @Test
    void aChargeAfterTheCallSettledIsStillSpent() {
        Admission a = admit();
        a.release(); // the client left while the attempt ran
        a.charge(300, millis.get());
        a.charge(200, millis.get());
        assertThat(global.snapshot(millis.get()).spentNanos()).isEqualTo(500);
        assertThat(global.snapshot(millis.get()).reservedNanos()).isZero();
    }

    @Test
    void aChargeForAnAttemptThatEndedInThePeriodBeforeIsNotThisPeriodsSpend() {
        Admission a = admit();
        long attemptEnded = millis.get();
        millis.addAndGet(86_400_000L); // the budget rolled into the next day meanwhile
        a.settle(40, 1, millis.get());
        a.charge(300, attemptEnded);
        assertThat(global.snapshot(millis.get()).spentNanos()).as("the ledger sums the attempt in the day before").isEqualTo(40);
    }

    @Test
    void nothingAndUngovernedCallsChargeNothing() {
        Admission a = admit();
        a.charge(0, millis.get());
        a.charge(-5, millis.get());
        a.release();
        assertThat(global.snapshot(millis.get()).spentNanos()).isZero();
        Admission.NONE.charge(300, millis.get()); // no governor: no budget to charge
    }
}
