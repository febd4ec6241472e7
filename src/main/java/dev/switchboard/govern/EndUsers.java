package dev.switchboard.govern;

import dev.switchboard.store.LogColumns;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * End users (LiteLLM's customers) in memory, so the governance check never waits on the database: the stored rows
 * ({@code /customer/*}: a budget of their own, a block), the default budget every other end user has
 * ({@code litellm_settings.max_end_user_budget}), and the running budgets of the end users who called lately.
 *
 * <p>A budget is made on an end user's first call and spends out of a grant like a key's ({@link SharedBudgets}): that
 * first call takes its grant from the store (off the event loop), which also tells what the ledger already holds of
 * their spend, so no spend is loaded at start and several gateways never together overshoot. A budget without a call
 * for {@link #IDLE_MILLIS} is let go with its grant row ({@link #retireIdle}).
 */
final class EndUsers {
    /** No end-user budgets and no stored end users: the request path skips all of this. */
    static final EndUsers NONE = new EndUsers(Budget.NO_LIMIT);
    /** An end user's budget is let go after this long without a call. */
    static final long IDLE_MILLIS = 10 * 60_000;
    /** The ledger's end_user column holds this many characters: ids are compared as it holds them. */
    static final int MAX_ID = 255;

    private final long defaultMaxNanos;
    private final Map<String, EndUser> rows = new ConcurrentHashMap<>();
    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();
    /** Whether any call can be refused for its end user: a default budget, or a stored row (a block, a budget). */
    private volatile boolean active;

    /** @param defaultMaxNanos every end user's budget unless their row says otherwise; {@link Budget#NO_LIMIT} for none */
    EndUsers(long defaultMaxNanos) {
        this.defaultMaxNanos = defaultMaxNanos;
        this.active = defaultMaxNanos != Budget.NO_LIMIT;
    }

    /** The end user a request names, as the ledger holds it (null for none). */
    static String id(String user) {
        if (user == null || user.isEmpty()) return null;
        return LogColumns.cut(user, MAX_ID);
    }

    boolean active() { return active; }

    EndUser row(String id) { return rows.get(id); }

    /** Every stored end user, in id order. */
    List<EndUser> rows() {
        List<EndUser> out = new ArrayList<>(rows.values());
        out.sort(java.util.Comparator.comparing(EndUser::userId));
        return out;
    }

    /** A stored row, new or changed: a running budget takes its new limit (a new period length starts a new period). */
    void put(EndUser u, long nowMillis) {
        rows.put(u.userId(), u);
        active = true;
        // under the map's lock for this id: a budget being made now (budget(), from the row it reads in that same lock)
        // is made either before (and reconfigured here) or after (from the new row): never from the old row and left so
        budgets.computeIfPresent(u.userId(), (id, b) -> {
            configure(b, u, nowMillis);
            return b;
        });
    }

    /** A stored row deleted: the end user has the default budget again. */
    void remove(String id, long nowMillis) {
        rows.remove(id);
        active = defaultMaxNanos != Budget.NO_LIMIT || !rows.isEmpty();
        budgets.computeIfPresent(id, (k, b) -> {
            configure(b, null, nowMillis);
            return b;
        });
    }

    /**
     * The budget a call of this end user reserves from, made on their first call; null when they have none (no default
     * and no budget of their own).
     */
    Budget budget(String id, long nowMillis) {
        Budget b = budgets.get(id);
        if (b != null) return b;
        if (maxNanos(rows.get(id)) == Budget.NO_LIMIT) return null;
        return budgets.computeIfAbsent(id, k -> {
            EndUser u = rows.get(k); // read again under the map's lock for this id: see put()
            return new Budget(maxNanos(u), Budget.NO_LIMIT, period(u), anchor(u), 0, nowMillis, Budget.Grant.endUser(k));
        });
    }

    /** A call's budget was let go between its lookup and its reservation: the next lookup makes it anew. */
    void forget(String id, Budget retired) { budgets.remove(id, retired); }

    /** The running budget of this end user, if there is one now (for crediting what the ledger wrote). */
    Budget budgetIfHeld(String id) { return budgets.get(id); }

    /** Adds every running budget that spends out of a grant. */
    void addBudgets(List<Budget> into) {
        for (Budget b : budgets.values()) if (b.grant() != null) into.add(b);
    }

    /**
     * Lets go of the budgets idle for {@link #IDLE_MILLIS} (see {@link Budget#retire}).
     *
     * @return each budget let go, with the period of its grant row to delete ({@link Budget.Grant#NONE}: none)
     */
    Map<Budget, Long> retireIdle(long nowMillis) {
        Map<Budget, Long> out = new HashMap<>();
        for (var e : budgets.entrySet()) {
            Long drop = e.getValue().retire(nowMillis, IDLE_MILLIS);
            if (drop == null) continue;
            budgets.remove(e.getKey(), e.getValue());
            out.put(e.getValue(), drop);
        }
        return out;
    }

    /** The end user's budget in nanos: their row's own, else the default; {@link Budget#NO_LIMIT} for none. */
    long maxNanos(EndUser u) {
        return u != null && u.maxBudget() != null ? Budget.nanos(u.maxBudget()) : defaultMaxNanos;
    }

    private static dev.switchboard.model.DurationSpec period(EndUser u) {
        return u != null && u.maxBudget() != null ? u.budgetDuration() : null;
    }

    /**
     * Where the budget's periods count from. One that never resets (the default, LiteLLM's; or a row's without a
     * duration) counts every cent the end user ever spent, also before their row was made, as LiteLLM's spend column
     * does; one that resets counts from when its duration was set.
     */
    static long anchor(EndUser u) {
        return u != null && u.maxBudget() != null && u.budgetDuration() != null ? u.budgetAnchor() : 0;
    }

    /** The start of the end user's current budget period (0: their whole history). */
    long periodStart(EndUser u, long nowMillis) {
        dev.switchboard.model.DurationSpec p = period(u);
        return p == null ? 0 : p.periodStart(anchor(u), nowMillis);
    }


    private void configure(Budget b, EndUser u, long nowMillis) {
        b.configure(maxNanos(u), Budget.NO_LIMIT, period(u), anchor(u), nowMillis);
    }
}
