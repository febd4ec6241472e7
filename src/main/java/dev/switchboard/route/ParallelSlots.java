package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * LiteLLM's {@code max_parallel_requests} of one deployment: at most that many calls to it at once, a stream counted
 * until it ends (a GPU box or a provider's concurrency limit is what it protects). A request that finds every slot of its
 * group taken waits in line ({@link Waiter}); a slot freed goes straight to the first request waiting, so a newcomer never
 * jumps the line and a slot is never lost between a release and a wait. Without a limit ({@link #NONE}) every method is
 * one int compare.
 */
final class ParallelSlots {
    static final ParallelSlots NONE = new ParallelSlots(0);

    private final int max;
    private final AtomicInteger taken = new AtomicInteger();
    private final ConcurrentLinkedQueue<Waiter> line = new ConcurrentLinkedQueue<>();

    ParallelSlots(int max) { this.max = Math.max(0, max); }

    /**
     * A deployment's slots: {@code litellm_params.max_parallel_requests}, else {@code router_settings.
     * default_max_parallel_requests}; none when neither is set. (LiteLLM also caps a deployment without one at its
     * {@code rpm}; Switchboard keeps rpm a per-minute count: README, Routing.)
     */
    static ParallelSlots of(RouterSettings settings, Deployment d) {
        Number own = d.numberParam("max_parallel_requests");
        int max = own != null ? own.intValue() : settings.defaultMaxParallelRequests();
        return max > 0 ? new ParallelSlots(max) : NONE;
    }

    boolean limited() { return max > 0; }

    /** Whether a new request may take a slot now: one is free and nobody waits for it. */
    boolean open() { return max == 0 || (taken.get() < max && line.isEmpty()); }

    /** Takes a slot if one is free. */
    boolean tryTake() {
        if (max == 0) return true;
        for (int t = taken.get(); t < max; t = taken.get()) {
            if (taken.compareAndSet(t, t + 1)) return true;
        }
        return false;
    }

    /** A slot's call ended: the slot goes to the first request in line that still wants it, else back to the pool. */
    void release() {
        if (max == 0) return;
        for (Waiter w = line.poll(); w != null; w = line.poll()) {
            if (w.handOver(this)) return;
        }
        taken.decrementAndGet();
        // A request that queued between the poll and the decrement saw every slot taken: give it this one.
        if (!line.isEmpty() && tryTake()) release();
    }

    /** Puts {@code w} in line for the next slot (it may be in several deployments' lines; the first slot wins). */
    void await(Waiter w) {
        line.add(w);
        if (tryTake()) release(); // one came free meanwhile: it goes to the head of the line, which may be w
    }

    /** Takes {@code w} out of line (it was served by another deployment's slot, or gave up). */
    void leave(Waiter w) {
        if (max > 0) line.remove(w);
    }

    /** Requests in line now (those another deployment served already included until their entry comes up). */
    int queued() { return max == 0 ? 0 : line.size(); }

    int inUse() { return taken.get(); }

    /** A request waiting for a slot of any deployment of its group; woken once, with the slot it was handed. */
    static final class Waiter {
        private final AtomicBoolean done = new AtomicBoolean();
        private final Consumer<ParallelSlots> onSlot;

        /** @param onSlot runs once with the slots that handed it one (the caller owns that slot and must release it) */
        Waiter(Consumer<ParallelSlots> onSlot) { this.onSlot = onSlot; }

        /** Gives up waiting (a timeout, the client left): true when no slot was handed over first. */
        boolean cancel() { return done.compareAndSet(false, true); }

        private boolean handOver(ParallelSlots from) {
            if (!done.compareAndSet(false, true)) return false;
            onSlot.accept(from);
            return true;
        }
    }
}
