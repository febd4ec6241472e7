package dev.switchboard.govern;

import dev.switchboard.model.DurationSpec;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The stored facts a budget's periods follow, and the periods they give: LiteLLM's reset schedule
 * ({@link DurationSpec#nextReset}) in the configured time zone ({@code litellm_settings.timezone}, UTC by default). The
 * start of the period holding a time is a pure function of these facts and that time, so every gateway on one database
 * counts the same spend from the ledger without a reset job.
 *
 * @param duration  how often the spend resets, or null for never
 * @param setAt     epoch ms the duration was set (the budget's creation, or the update that set it): the first reset is
 *                  LiteLLM's next one after it
 * @param spendFrom epoch ms the period running at {@code setAt} counts the spend from (≤ setAt); for a budget that never
 *                  resets, where its one period begins
 * @param zone      the time zone of the reset boundaries
 */
record BudgetPeriod(DurationSpec duration, long setAt, long spendFrom, ZoneId zone) {
    private static volatile ZoneId configured = ZoneOffset.UTC;

    /** The time zone budgets reset in, from the config ({@code litellm_settings.timezone}); every gateway reads the same. */
    static void useZone(ZoneId zone) { configured = zone == null ? ZoneOffset.UTC : zone; }

    static ZoneId configuredZone() { return configured; }

    /** Periods in the configured time zone. */
    static BudgetPeriod of(DurationSpec duration, long setAt, long spendFrom) {
        return new BudgetPeriod(duration, setAt, Math.min(spendFrom, setAt), configured);
    }

    /** A key's: a budget without a duration counts from its anchor (the key's creation) or where a removed period began. */
    static BudgetPeriod of(VirtualKey k) {
        long from = k.budgetSpendFrom() != null ? k.budgetSpendFrom() : k.budgetAnchor();
        return of(k.budgetDuration(), k.budgetAnchor(), from);
    }

    /**
     * A team's, user's, customer's or member's: without a budget of its own, or without a duration, its one period is the
     * whole ledger (also before the row was made, as LiteLLM's spend column counts an end user's calls before their
     * {@code /customer/new}), unless a period it had was removed, which goes on.
     */
    static BudgetPeriod of(BudgetedRow u) {
        if (u == null || u.maxBudget() == null) return of(null, 0, 0);
        if (u.budgetDuration() == null) return of(null, u.budgetAnchor(), u.budgetSpendFrom() != null ? u.budgetSpendFrom() : 0);
        return of(u.budgetDuration(), u.budgetAnchor(), u.budgetSpendFrom() != null ? u.budgetSpendFrom() : u.budgetAnchor());
    }

    /** The start of the budget period holding {@code nowMillis}. */
    long start(long nowMillis) {
        return duration == null ? spendFrom : duration.periodStart(setAt, spendFrom, nowMillis, zone);
    }

    /** When the period holding {@code nowMillis} ends (LiteLLM's {@code budget_reset_at}); {@link Long#MAX_VALUE}: never. */
    long end(long nowMillis) {
        return duration == null ? Long.MAX_VALUE : duration.periodEnd(setAt, nowMillis, zone);
    }

    /** {@link #end} for the admin API: null when the budget never resets. */
    Long resetsAt(long nowMillis) { return duration == null ? null : end(nowMillis); }
}
