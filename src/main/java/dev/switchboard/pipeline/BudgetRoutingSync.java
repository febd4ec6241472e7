package dev.switchboard.pipeline;

import dev.switchboard.account.SpendReports;
import dev.switchboard.route.SpendCaps;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budget routing's spend from the ledger: read once at start (a restart keeps what this period already spent) and then
 * every {@link #SYNC_MILLIS} on a worker, so that the spend of every gateway on the store counts. Between two reads each
 * gateway counts its own calls as they are metered ({@link SpendCaps#spent}). Nothing runs when no budget is set.
 */
final class BudgetRoutingSync {
    private static final Logger log = LoggerFactory.getLogger("switchboard.budget");
    /** How often the ledger is read: another gateway's spend is seen this late at most (plus its ledger's flush). */
    static final long SYNC_MILLIS = Long.getLong("switchboard.budget_routing.sync_ms", 5_000L);

    private BudgetRoutingSync() {}

    /** Loads this period's spend now (blocking: at start), then keeps it in step. */
    static void start(Vertx vertx, SpendCaps caps, SpendReports reports) {
        if (caps.none()) return;
        try {
            sync(caps, reports);
            for (SpendCaps.Cap c : caps.all()) {
                long now = System.currentTimeMillis();
                log.info("budget routing: {} ${} per {}, ${} spent this period", c.label(), c.limitUsd(),
                        c.period() == null ? "all time" : c.period(), c.spentNanos(now) / 1e9);
            }
        } catch (RuntimeException e) {
            log.warn("budget routing: this period's spend could not be read ({}); counting from now", e.getMessage());
        }
        vertx.setPeriodic(SYNC_MILLIS, id -> vertx.executeBlocking(() -> {
            sync(caps, reports);
            return null;
        }, false).onFailure(e -> log.debug("budget routing: the ledger was not read now: {}", e.getMessage())));
    }

    private static void sync(SpendCaps caps, SpendReports reports) {
        long now = System.currentTimeMillis();
        Map<Long, Map<String, Long>> sums = new HashMap<>();
        for (long start : caps.windowStarts(now)) sums.put(start, reports.spentByDeploymentSince(start));
        caps.synced(sums, now);
    }
}
