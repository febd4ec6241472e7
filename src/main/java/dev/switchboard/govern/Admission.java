package dev.switchboard.govern;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request let through by {@link Governor#admit}: it holds the request's budget reservation, its rate-limit permit
 * and its parallel slot until it {@link #settle}s, exactly once, with what the call really cost (0 when it failed).
 */
public final class Admission {
    /**
     * LiteLLM's key headers ({@code get_custom_headers}) on its answers after its auth: the caller's key spend, and its
     * max budget when it has one. Set by the pipeline on answers and by {@link Governor#admit} on its rate-limit refusals.
     */
    public static final String KEY_SPEND_HEADER = "x-litellm-key-spend", KEY_MAX_BUDGET_HEADER = "x-litellm-key-max-budget";
    /**
     * LiteLLM's other two key headers of {@code get_custom_headers}: the key's {@code rpm_limit} and {@code tpm_limit}, on
     * the same answers as the spend, left out when the key has none (LiteLLM drops a None), so on no answer of the master
     * key or a JWT.
     */
    public static final String KEY_RPM_LIMIT_HEADER = "x-litellm-key-rpm-limit", KEY_TPM_LIMIT_HEADER = "x-litellm-key-tpm-limit";
    static final Budget[] NO_ROWS = {};
    /** For calls nobody governs (tests, internal calls): settles to nothing. */
    public static final Admission NONE = new Admission(null, null, null, false, null, false, NO_ROWS, null, 0, RateLimiter.Permit.NONE, -1);

    private final Governor governor;
    private final KeyState key;
    /**
     * The key's version the call was admitted under (null without a key): its answers' max-budget and limit headers
     * read it, one version for all three and no volatile read per answer, as LiteLLM's say the key its auth read.
     */
    private final KeyState.Version keyVersion;
    private final boolean keyReserved;
    private final Budget global;
    private final boolean globalReserved;
    /** The budgets of rows (an end user's, a team's, a user's, a member's in a team) the reservation was also taken from. */
    private final Budget[] rows;
    /** The team the call counts for (see {@link #team()}), or null. */
    private final String teamId;
    private final long reservedNanos;
    private final RateLimiter.Permit permit;
    private final AtomicBoolean settled = new AtomicBoolean();
    /** Whether this call holds a place of the gateway's global limit on calls in flight (given back when it settles). */
    private volatile boolean globalSlot;
    /**
     * The key's spend this period right after this call's settle (or a later {@link #charge}), read under the lock the
     * settle took: what {@link #keySpentNanos} says without taking it again; -1 until then.
     */
    private volatile long keySpentAfter = -1;
    /**
     * A limited key's spend this period before this call, read by its reservation under the lock it took: what
     * {@link #keySpentNanos} says before the settle (a stream's headers) without taking it again; -1 when not read (a call
     * that is not a stream, or a key without a budget, which reserves nothing).
     */
    private final long keySpentBefore;

    /** @param keyReserved / globalReserved whether {@code reservedNanos} was taken from that budget */
    Admission(Governor governor, KeyState key, KeyState.Version keyVersion, boolean keyReserved, Budget global, boolean globalReserved, Budget[] rows,
              String teamId, long reservedNanos, RateLimiter.Permit permit, long keySpentBefore) {
        this.keySpentBefore = keySpentBefore;
        this.rows = rows;
        this.teamId = teamId;
        this.governor = governor;
        this.key = key;
        this.keyVersion = keyVersion;
        this.keyReserved = keyReserved;
        this.global = global;
        this.globalReserved = globalReserved;
        this.reservedNanos = reservedNanos;
        this.permit = permit;
    }

    /**
     * The team the call counts for: the stored team that governs it, else its caller's first team label (a key's
     * {@code team_id} naming no stored team); null for the master key, admins and callers of no team. The ledger's row
     * says it, so a team's spend is the sum of its rows and every call counts for one team at most.
     */
    public String team() { return teamId; }

    /** What was reserved against the budget(s) for this call, in nano-dollars (0 when no budget applies). */
    public long reservedNanos() { return reservedNanos; }

    /**
     * Replaces the reservation by the real cost and returns the permit; later calls do nothing.
     *
     * @param costNanos    what the call cost (0 for a failure that cost nothing)
     * @param actualTokens its total tokens for the tpm limit, or -1 when unknown
     */
    public void settle(long costNanos, long actualTokens) { settle(costNanos, actualTokens, -1); }

    /**
     * @param atMillis the instant the call ended, as its ledger row will say ({@code ended_at}), so that the budget and
     *                 the ledger put it in the same period; -1 for the governor's clock now
     */
    public void settle(long costNanos, long actualTokens, long atMillis) {
        if (!settled.compareAndSet(false, true) || governor == null) return;
        try {
            long spent = governor.settle(key, keyReserved ? reservedNanos : 0, global, globalReserved ? reservedNanos : 0, rows,
                    reservedNanos, costNanos, atMillis);
            if (spent >= 0) keySpentAfter = spent;
        } finally {
            try {
                permit.release(actualTokens, System.nanoTime()); // a settle that threw must not keep the key's slot
            } finally {
                if (globalSlot) governor.releaseGlobalSlot();
            }
        }
    }

    /**
     * Charges {@code costNanos} to the budgets this call counts against, apart from its settle and whether or not it
     * settled yet: a failed attempt its provider billed, charged when its ledger row is written and at that row's
     * {@code ended_at}, so the budget and the ledger put it in the same period, also when the attempt reports after
     * the call ended (its client left while it ran). Nothing is reserved or given back.
     */
    public void charge(long costNanos, long atMillis) {
        if (governor == null || costNanos <= 0) return;
        long spent = governor.settle(key, 0, global, 0, rows, 0, costNanos, atMillis);
        // after the settle (its client left while the attempt ran): the header, if still to be written, says this too
        if (spent >= 0 && settled.get()) keySpentAfter = spent;
    }

    /** Set by the governor: this call took a place of the global limit. */
    void holdsGlobalSlot() { globalSlot = true; }

    /** The call failed before it cost anything. */
    public void release() { settle(0, 0); }

    /**
     * Whether this is a virtual key's call, whose answer carries LiteLLM's {@code x-litellm-key-spend} (and
     * {@code x-litellm-key-max-budget} when the key has a budget).
     */
    public boolean ofKey() { return key != null; }

    /**
     * The key's spend this budget period as this gateway knows it, in nano-dollars, without asking the store (what its
     * budget refusals say): with this call's cost once the call settled. Only for {@link #ofKey}. Once settled, the value
     * its settle read under the budget's lock (no lock taken here); before (a stream's headers, which go out before its
     * cost is known) the spend its reservation read under the lock it took (a limited key's: LiteLLM's figure too, the
     * key's spend as its auth read it), else (a key without a budget reserves nothing) the budget's spend now, under its
     * lock.
     */
    public long keySpentNanos() {
        long after = keySpentAfter;
        if (after >= 0) return after;
        return keySpentBefore >= 0 ? keySpentBefore : key.budget.spentKnown(governor.nowMillis());
    }

    /**
     * The key's {@code max_budget} in plain US dollars (made once per version of the key), or null for none. Only for
     * {@link #ofKey}.
     */
    public String keyMaxBudgetUsd() { return keyVersion.maxBudgetUsd(); }

    /** The key's {@code rpm_limit} as text (made once per version of the key), or null for none. Only for {@link #ofKey}. */
    public String keyRpmLimit() { return keyVersion.rpmLimitText(); }

    /** The key's {@code tpm_limit} as text (made once per version of the key), or null for none. Only for {@link #ofKey}. */
    public String keyTpmLimit() { return keyVersion.tpmLimitText(); }

    /** {@code x-ratelimit-*} headers for the answer. */
    public Map<String, String> headers() { return permit.headers(); }

    /** False when {@link #headers()} is surely empty (a key without rate limits), without building them. */
    public boolean mayHaveHeaders() { return permit != RateLimiter.Permit.NONE; }

    /** {@link #headers()} added to {@code into}, in their order. */
    public void putHeaders(Map<String, String> into) { permit.putHeaders(into); }
}
