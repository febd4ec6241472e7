package dev.switchboard.pipeline;

import dev.switchboard.account.SpendReports;
import dev.switchboard.route.SpendCaps;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budget routing's spend from the ledger: read once at start (a restart keeps what this period already spent) and then
 * every {@link #SYNC_MILLIS} on a worker, so that the spend of every gateway on the store counts. Between two reads each
 * gateway counts its own calls as they are metered ({@link SpendCaps#spent}). Nothing runs when no budget is set.
 *
 * <p>A read does not sum a whole period each time (a month, or all time for a budget without one): the part of a period
 * older than {@link #SETTLED_MILLIS} is summed once and kept, and each read adds only what came after it. A row written
 * later than that after its call ended (a gateway cut off from the store for longer) is not counted: the budget is a
 * routing limit, not a hard cap.
 */
final class BudgetRoutingSync {
    private static final Logger log = LoggerFactory.getLogger("switchboard.budget");
    /** How often the ledger is read: another gateway's spend is seen this late at most (plus its ledger's flush). */
    static final long SYNC_MILLIS = Long.getLong("switchboard.budget_routing.sync_ms", 5_000L);
    /** Ledger rows whose call ended this long ago are taken as all written: summed once into the period's base. */
    static final long SETTLED_MILLIS = 10 * 60_000L;

    private final SpendCaps caps;
    private final SpendReports reports;
    /** Per period start: the sums by deployment of the rows that ended before {@link #settledUntil} (the settled part). */
    private final Map<Long, Map<String, Long>> base = new HashMap<>();
    private final Map<Long, Long> settledUntil = new HashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();

    private BudgetRoutingSync(SpendCaps caps, SpendReports reports) {
        this.caps = caps;
        this.reports = reports;
    }

    /**
     * Loads this period's spend now (blocking: at start), then keeps it in step.
     *
     * @return what stops the reads (the gateway's shutdown runs it before the store closes)
     */
    static Runnable start(Vertx vertx, SpendCaps caps, SpendReports reports) {
        if (caps.none()) return () -> {};
        BudgetRoutingSync sync = new BudgetRoutingSync(caps, reports);
        try {
            sync.sync();
            long now = System.currentTimeMillis();
            for (SpendCaps.Cap c : caps.all()) {
                log.info("budget routing: {} ${} per {}, ${} spent this period", c.label(), BudgetState.usd(c.limitNanos()).toPlainString(),
                        c.period() == null ? "all time" : c.period(), BudgetState.usd(c.spentNanos(now)).toPlainString());
            }
        } catch (RuntimeException e) {
            log.warn("budget routing: this period's spend could not be read ({}); counting from now", e.getMessage());
        }
        long timer = vertx.setPeriodic(SYNC_MILLIS, id -> {
            if (!sync.running.compareAndSet(false, true)) return; // the last read is still under way: no pile-up
            vertx.executeBlocking(() -> {
                sync.sync();
                return null;
            }, false).onComplete(ar -> {
                sync.running.set(false);
                if (ar.failed()) log.debug("budget routing: the ledger was not read now: {}", ar.cause().getMessage());
            });
        });
        return () -> vertx.cancelTimer(timer);
    }

    private void sync() {
        long now = System.currentTimeMillis();
        long[] marks = caps.marks(now); // what this gateway counted before the read: the ledger has it, or nearly
        Map<Long, Map<String, Long>> sums = new HashMap<>();
        for (long start : caps.windowStarts(now)) sums.put(start, sumSince(start, now));
        base.keySet().retainAll(sums.keySet()); // periods that have ended
        settledUntil.keySet().retainAll(sums.keySet());
        caps.synced(sums, marks, now);
    }

    /** The ledger's sums by deployment since {@code start}: the settled base (extended when it is old) plus the rest. */
    private Map<String, Long> sumSince(long start, long now) {
        long settled = Math.max(start, now - SETTLED_MILLIS);
        Long until = settledUntil.get(start);
        Map<String, Long> b = base.computeIfAbsent(start, s -> new HashMap<>());
        if (until == null) until = start;
        if (settled - until >= SETTLED_MILLIS / 10) { // extend the base now and then, not at every read
            reports.spentByDeploymentBetween(until, settled).forEach((id, n) -> b.merge(id, n, Long::sum));
            until = settled;
            settledUntil.put(start, until);
        }
        Map<String, Long> total = new HashMap<>(b);
        reports.spentByDeploymentBetween(until, Long.MAX_VALUE).forEach((id, n) -> total.merge(id, n, Long::sum));
        return total;
    }
}
