package dev.switchboard.govern;

import dev.switchboard.model.DurationSpec;

/**
 * A hard spending cap in nano-dollars that concurrency cannot overshoot: a call reserves its worst case before it
 * goes upstream ({@link #tryReserve}) against what is left after the spend so far <em>and</em> every reservation in
 * flight, and settles to its real cost afterwards. The check and the reservation are one step under the lock, so
 * fifty calls at once see each other's reservations. Integer nanos keep the sums exact.
 *
 * <p>With a period ({@code budget_duration}) the spend starts again at 0 at each period boundary (counted from the
 * anchor, see {@link DurationSpec#periodStart}); reservations in flight carry over and settle into the period in which
 * they end, which is also how the ledger attributes them (by {@code ended_at}).
 */
final class Budget {
    static final long NO_LIMIT = Long.MAX_VALUE;

    private volatile long maxNanos;
    private long softNanos;
    private DurationSpec period;
    private long anchor;
    private long periodStart;
    private long periodEnd;
    private long spent;
    private long reserved;
    private boolean softWarned;

    /** @param maxNanos {@link #NO_LIMIT} for none; @param period null for a budget that never resets */
    Budget(long maxNanos, long softNanos, DurationSpec period, long anchor, long spentInPeriod, long nowMillis) {
        this.anchor = anchor;
        configure(maxNanos, softNanos, period, anchor, nowMillis);
        this.spent = spentInPeriod;
    }

    /**
     * New limits for a key being updated; spend and reservations stay, except that a new anchor (a new budget
     * period length) starts a fresh period at 0, as the ledger will count it after a restart.
     */
    synchronized void configure(long maxNanos, long softNanos, DurationSpec period, long anchor, long nowMillis) {
        if (anchor != this.anchor) {
            spent = 0;
            softWarned = false;
        }
        this.maxNanos = maxNanos;
        this.softNanos = softNanos;
        this.period = period;
        this.anchor = anchor;
        this.periodStart = period == null ? anchor : period.periodStart(anchor, nowMillis);
        this.periodEnd = period == null ? Long.MAX_VALUE : period.periodEnd(anchor, nowMillis);
    }

    boolean limited() { return maxNanos != NO_LIMIT; }

    /** Takes {@code nanos} from what is left; false (and nothing taken) when it does not fit. */
    synchronized boolean tryReserve(long nanos, long nowMillis) {
        roll(nowMillis);
        if (maxNanos != NO_LIMIT && (nanos > maxNanos || spent + reserved > maxNanos - nanos)) return false;
        reserved += nanos;
        return true;
    }

    /**
     * Replaces a reservation by the real cost.
     *
     * @return true the first time this period's spend reaches the soft budget (the caller warns once)
     */
    synchronized boolean settle(long reservedNanos, long costNanos, long nowMillis) {
        roll(nowMillis);
        reserved = Math.max(0, reserved - reservedNanos);
        spent += costNanos;
        if (!softWarned && softNanos != NO_LIMIT && spent >= softNanos) {
            softWarned = true;
            return true;
        }
        return false;
    }

    synchronized Snapshot snapshot(long nowMillis) {
        roll(nowMillis);
        return new Snapshot(spent, reserved, maxNanos == NO_LIMIT ? null : maxNanos, periodStart,
                period == null ? null : periodEnd);
    }

    /** A new period: the spend starts again at 0 (reservations in flight stay reserved). */
    private void roll(long nowMillis) {
        if (nowMillis < periodEnd) return;
        periodStart = period.periodStart(anchor, nowMillis);
        periodEnd = period.periodEnd(anchor, nowMillis);
        spent = 0;
        softWarned = false;
    }

    /**
     * @param maxNanos   null when unlimited
     * @param resetsAt   epoch ms of the next reset, null when the budget never resets
     */
    record Snapshot(long spentNanos, long reservedNanos, Long maxNanos, long periodStart, Long resetsAt) {}

    static long nanos(Double usd) {
        if (usd == null) return NO_LIMIT;
        return Math.round(usd * 1e9);
    }
}
