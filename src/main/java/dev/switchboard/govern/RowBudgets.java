package dev.switchboard.govern;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rows that may have a budget of their own (end users, teams, users) in memory, so the governance check never waits on
 * the database: the stored rows, the default budget a row without its own has (none for teams and users), and the
 * running budgets of those who called lately.
 *
 * <p>A budget is made on a first call and spends out of a grant like a key's ({@link SharedBudgets}): that first call
 * takes its grant from the store (off the event loop), which also tells what the ledger already holds of the spend, so
 * no spend is loaded at start and several gateways never together overshoot. A budget without a call for
 * {@link #IDLE_MILLIS} is let go with its grant row ({@link #retireIdle}).
 */
abstract class RowBudgets<R extends BudgetedRow> {
    /** A budget is let go after this long without a call. */
    static final long IDLE_MILLIS = 10 * 60_000;

    private final long defaultMaxNanos;
    private final Map<String, R> rows = new ConcurrentHashMap<>();
    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();
    /** Whether any call can be refused here: a default budget, or a stored row (a block, a budget, a model list). */
    private volatile boolean active;

    /** @param defaultMaxNanos the budget of a row without its own (and of an id without a row); {@link Budget#NO_LIMIT} for none */
    RowBudgets(long defaultMaxNanos) {
        this.defaultMaxNanos = defaultMaxNanos;
        this.active = defaultMaxNanos != Budget.NO_LIMIT;
    }

    /** LiteLLM's {@code event_group} of this kind of row's budget alerts ({@code team}, {@code user}); null: none are told. */
    String alertGroup() { return null; }

    /** The grant a budget of this id spends out of: its scope is the same on every gateway. */
    abstract Budget.Grant grant(String id);

    boolean active() { return active; }

    R row(String id) { return rows.get(id); }

    /** Every stored row, in id order. */
    List<R> rows() {
        List<R> out = new ArrayList<>(rows.values());
        out.sort(java.util.Comparator.comparing(BudgetedRow::id));
        return out;
    }

    /** A stored row, new or changed: a running budget takes its new limit (a new period length starts a new period). */
    void put(R u, long nowMillis) {
        rows.put(u.id(), u);
        active = true;
        // under the map's lock for this id: a budget being made now (budget(), from the row it reads in that same lock)
        // is made either before (and reconfigured here) or after (from the new row): never from the old row and left so
        budgets.computeIfPresent(u.id(), (id, b) -> {
            configure(b, u, nowMillis);
            return b;
        });
    }

    /** A stored row deleted: its id has the default budget again. */
    void remove(String id, long nowMillis) {
        rows.remove(id);
        active = defaultMaxNanos != Budget.NO_LIMIT || !rows.isEmpty();
        budgets.computeIfPresent(id, (k, b) -> {
            configure(b, null, nowMillis);
            return b;
        });
    }

    /** The budget a call of this id reserves from, made on its first call; null when it has none. */
    Budget budget(String id, long nowMillis) {
        Budget b = budgets.get(id);
        if (b != null) return b;
        if (maxNanos(rows.get(id)) == Budget.NO_LIMIT) return null;
        return budgets.computeIfAbsent(id, k -> {
            R u = rows.get(k); // read again under the map's lock for this id: see put()
            Budget made = new Budget(maxNanos(u), Budget.NO_LIMIT, BudgetPeriod.of(u), 0, nowMillis, grant(k));
            made.tellAs(alertGroup(), k);
            return made;
        });
    }

    /** Lets go of this id's running budget, whatever it holds: the next call makes it anew (a new grant from the store). */
    void dropBudget(String id) { budgets.remove(id); }

    /** A call's budget was let go between its lookup and its reservation: the next lookup makes it anew. */
    void forget(String id, Budget retired) { budgets.remove(id, retired); }

    /** The running budget of this id, if there is one now (for crediting what the ledger wrote). */
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

    /** The budget in nanos: the row's own, else the default; {@link Budget#NO_LIMIT} for none. */
    long maxNanos(R u) {
        return u != null && u.maxBudget() != null ? Budget.nanos(u.maxBudget()) : defaultMaxNanos;
    }

    /** The start of the current budget period (0: the whole history; see {@link BudgetPeriod#of(BudgetedRow)}). */
    long periodStart(R u, long nowMillis) { return BudgetPeriod.of(u).start(nowMillis); }

    private void configure(Budget b, R u, long nowMillis) {
        b.configure(maxNanos(u), Budget.NO_LIMIT, BudgetPeriod.of(u), nowMillis);
    }
}
