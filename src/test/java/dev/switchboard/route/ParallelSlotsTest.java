package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** max_parallel_requests slots: taken up to the limit, handed to the line in order, never lost between a release and a wait. */
class ParallelSlotsTest {

    @Test
    void noLimitCostsNothingAndNeverRefuses() {
        ParallelSlots none = ParallelSlots.NONE;
        for (int i = 0; i < 1000; i++) assertThat(none.tryTake()).isTrue();
        assertThat(none.open()).isTrue();
        assertThat(none.limited()).isFalse();
    }

    @Test
    void aFreedSlotGoesToTheFirstInLineNotToANewcomer() {
        ParallelSlots slots = new ParallelSlots(2);
        assertThat(slots.tryTake()).isTrue();
        assertThat(slots.tryTake()).isTrue();
        assertThat(slots.tryTake()).as("both taken").isFalse();
        List<String> served = new ArrayList<>();
        slots.await(new ParallelSlots.Waiter(s -> served.add("first")));
        slots.await(new ParallelSlots.Waiter(s -> served.add("second")));
        assertThat(slots.open()).as("a line: a newcomer queues behind it").isFalse();
        slots.release();
        assertThat(served).containsExactly("first");
        assertThat(slots.inUse()).as("handed over, not freed").isEqualTo(2);
        slots.release();
        slots.release();
        assertThat(served).containsExactly("first", "second");
        assertThat(slots.inUse()).isEqualTo(1);
        assertThat(slots.open()).isTrue();
    }

    @Test
    void aWaiterServedElsewhereOrGoneIsSkippedAndLeavesTheLine() {
        ParallelSlots a = new ParallelSlots(1);
        ParallelSlots b = new ParallelSlots(1);
        a.tryTake();
        b.tryTake();
        List<ParallelSlots> handedBy = new ArrayList<>();
        ParallelSlots.Waiter both = new ParallelSlots.Waiter(handedBy::add);
        a.await(both);
        b.await(both);
        a.release();
        assertThat(handedBy).containsExactly(a);
        b.release(); // its line holds only the waiter a served: skipped, the slot is free again
        assertThat(handedBy).containsExactly(a);
        assertThat(b.inUse()).isZero();

        ParallelSlots.Waiter gone = new ParallelSlots.Waiter(handedBy::add);
        b.tryTake();
        b.await(gone);
        assertThat(gone.cancel()).as("gave up before any slot came").isTrue();
        b.leave(gone);
        assertThat(b.queued()).isZero();
        b.release();
        assertThat(b.inUse()).isZero();
        assertThat(handedBy).hasSize(1);
    }

    @Test
    void aWaitThatFindsASlotFreedMeanwhileIsServedAtOnce() {
        ParallelSlots slots = new ParallelSlots(1);
        List<String> served = new ArrayList<>();
        slots.await(new ParallelSlots.Waiter(s -> served.add("late")));
        assertThat(served).as("the slot was free when it lined up").containsExactly("late");
        assertThat(slots.inUse()).isEqualTo(1);
    }

    @Test
    void concurrentTakersNeverExceedTheLimit() throws Exception {
        ParallelSlots slots = new ParallelSlots(3);
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    if (!slots.tryTake()) continue;
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    inside.decrementAndGet();
                    slots.release();
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertThat(most.get()).isBetween(1, 3);
        assertThat(slots.inUse()).isZero();
    }
}
