package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.Caller;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A virtual key's {@code x-litellm-key-spend} after its call settled is the spend its settle read under the budget's
 * lock ({@link Budget#settleKnown}): {@link Admission#keySpentNanos} takes that lock no third time (review: reserve,
 * settle, then a read for the header). Before its settle (a stream's headers) it still reads the budget, as before.
 */
class KeySpendAfterSettleTest {
    private static final WorstCase HUNDRED = new WorstCase() {
        @Override public long boundNanos() { return 100; }
        @Override public long exactNanos() { return 100; }
    };

    private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);
    private final KeyRegistry keys = new KeyRegistry();
    private final Governor governor = new Governor(keys, new LocalRateLimiter(), null, millis::get);

    private static VirtualKey key(String id, Double maxBudget) {
        return new VirtualKey(id, "tok-" + id, "sk-sb-..." + id, null, List.of(), maxBudget, null, null, 0, null, null, null, null,
                null, null, null, List.of(), false, 0, 0, null, null, null, null);
    }

    private Admission admit(String id) {
        return admit(id, false);
    }

    private Admission admit(String id, boolean stream) {
        return governor.admit(Caller.virtualKey(id, null, List.of(), null, null, java.util.Map.of()), null, List.of("m"), HUNDRED,
                () -> 0, stream);
    }

    @Test
    void theSpendAfterTheSettleIsReadWithoutTheBudgetsLock() throws Exception {
        for (Double max : new Double[] {1.0, null}) { // a limited key reserves first; an unlimited one only settles
            String id = max == null ? "key_open" : "key_capped";
            keys.put(key(id, max), 500, millis.get());
            Admission a = admit(id);
            assertThat(a.keySpentNanos()).as("before its settle: the spend so far").isEqualTo(500);
            a.settle(40, 1, millis.get());
            Budget budget = keys.byId(id).budget;
            long spent = whileLocked(budget, a::keySpentNanos);
            assertThat(spent).as(id + ": with this call's cost").isEqualTo(540);
            assertThat(a.keySpentNanos()).isEqualTo(budget.spentKnown(millis.get()));
        }
    }

    /** Runs {@code read} while another thread holds {@code budget}'s monitor: it must answer without waiting for it. */
    private static long whileLocked(Budget budget, java.util.function.LongSupplier read) throws Exception {
        CountDownLatch held = new CountDownLatch(1), done = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            synchronized (budget) {
                held.countDown();
                try {
                    done.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        holder.start();
        try {
            held.await();
            return CompletableFuture.supplyAsync(read::getAsLong).get(5, TimeUnit.SECONDS);
        } finally {
            done.countDown();
            holder.join();
        }
    }

    @Test
    void aLimitedKeysSpendBeforeItsSettleIsTheOneItsReservationRead() throws Exception {
        // a stream's headers go out before its cost: the header's spend comes from the reservation's lock, not a third one
        keys.put(key("key_streamed", 1.0), 500, millis.get());
        Admission a = admit("key_streamed", true);
        Budget budget = keys.byId("key_streamed").budget;
        Admission other = admit("key_streamed");
        other.settle(70, 1, millis.get()); // another call of the key settles meanwhile: LiteLLM's figure is the auth's
        assertThat(whileLocked(budget, a::keySpentNanos)).as("the spend its admission read").isEqualTo(500);
        a.settle(40, 1, millis.get());
        assertThat(a.keySpentNanos()).as("after its settle: with both calls' cost").isEqualTo(610);
        // a key without a budget reserves nothing: its stream's header still reads the budget (one lock, as before)
        keys.put(key("key_unlimited", null), 20, millis.get());
        assertThat(admit("key_unlimited").keySpentNanos()).isEqualTo(20);
    }

    @Test
    void aCallThatIsNotAStreamReadsNoSpendWhenItReserves() {
        // review: every admission of a limited key read its spend (an array, the grant's align) though only streams say
        // it before their settle; a call that is not a stream reads the budget if it is asked before its settle
        keys.put(key("key_plain", 1.0), 500, millis.get());
        Admission a = admit("key_plain", false);
        admit("key_plain").settle(70, 1, millis.get());
        assertThat(a.keySpentNanos()).as("not read at its admission: the spend now").isEqualTo(570);
        a.settle(40, 1, millis.get());
        assertThat(a.keySpentNanos()).isEqualTo(610);
    }

    @Test
    void theReservationsAnswerHoldsWhatItDidAndTheSpend() {
        Budget b = new Budget(1_000, 0, null, 0, 300, millis.get());
        long taken = b.reserveKnown(100, millis.get());
        assertThat(Budget.reserveOf(taken)).isEqualTo(Budget.Reserve.TAKEN);
        assertThat(Budget.reservedSpend(taken)).isEqualTo(300);
        long refused = b.reserveKnown(900, millis.get());
        assertThat(Budget.reserveOf(refused)).isEqualTo(Budget.Reserve.REFUSED);
        assertThat(Budget.reservedSpend(refused)).isEqualTo(-1);
        assertThat(b.reservedNow()).isEqualTo(100);
    }

    @Test
    void aChargeAfterTheSettleIsInTheSpendSaid() {
        keys.put(key("key_k", 1.0), 0, millis.get());
        Admission a = admit("key_k");
        a.settle(40, 1, millis.get());
        a.charge(300, millis.get()); // a billed attempt that reported after its call ended
        assertThat(a.keySpentNanos()).isEqualTo(340);
    }

    @Test
    void theSettlesAnswerHoldsTheAlertsAndTheSpendOrSaysItDidNot() {
        Budget b = new Budget(1_000, 100, null, 0, 0, millis.get());
        long settled = b.settleKnown(0, 150, millis.get());
        assertThat(Budget.crossed(settled)).isEqualTo(BudgetAlerts.SOFT);
        assertThat(Budget.spentOf(settled)).isEqualTo(150);
        assertThat(Budget.spentOf(b.settleKnown(0, 0, millis.get()))).as("a settle that cost nothing").isEqualTo(150);
        Budget huge = new Budget(Budget.NO_LIMIT, Budget.NO_LIMIT, null, 0, 1L << 58, millis.get());
        assertThat(Budget.spentOf(huge.settleKnown(0, 1, millis.get()))).as("too large for the answer: read again").isEqualTo(-1);
        assertThat(Budget.spentOf(new Budget(Budget.NO_LIMIT, Budget.NO_LIMIT, null, 0, (1L << 58) - 2, millis.get())
                .settleKnown(0, 1, millis.get()))).isEqualTo((1L << 58) - 1);
    }
}
