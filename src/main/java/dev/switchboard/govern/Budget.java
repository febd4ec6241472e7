package dev.switchboard.govern;

import dev.switchboard.model.DurationSpec;

/**
 * A hard spending cap in nano-dollars that concurrency cannot overshoot: a call reserves its worst case before it
 * goes upstream ({@link #tryReserve}) against what is left after the spend so far <em>and</em> every reservation in
 * flight, and settles to its real cost afterwards. The check and the reservation are one step under the lock, so
 * fifty calls at once see each other's reservations. Integer nanos keep the sums exact.
 *
 * <p>With a period ({@code budget_duration}) the spend starts again at 0 at each period boundary (LiteLLM's reset
 * schedule, see {@link BudgetPeriod}); reservations in flight carry over and settle into the period in which
 * they end, which is also how the ledger attributes them (by {@code ended_at}).
 *
 * <p>When several gateways may share the budget (one database), a budget has a {@link Grant}: the part of the budget
 * this gateway may spend this period, taken from the database by {@link SharedBudgets}. A call then also has to fit in
 * the grant; when it does not, {@link #tryReserve} answers {@link Reserve#NEEDS_GRANT} and the caller asks for more.
 */
final class Budget {
    static final long NO_LIMIT = Long.MAX_VALUE;

    /** What {@link #tryReserve} did. */
    enum Reserve {
        TAKEN,
        REFUSED,
        /** The budget has room as far as this gateway knows, its grant has not: ask {@link SharedBudgets} for more. */
        NEEDS_GRANT,
        /** The budget was let go while idle ({@link #retire}): take the end user's budget anew and ask it. */
        RETIRED
    }

    private volatile long maxNanos;
    private long softNanos;
    private BudgetPeriod periods;
    private long periodStart;
    private long periodEnd;
    private long spent;
    private long reserved;
    /** The alert levels this period's spend has reached, or its refusals said ({@link BudgetAlerts}): each is told once a period. */
    private int alerted;
    /**
     * The store's spend of this period has been seen (a grant or a refusal of one): a budget made at its first call with
     * no spend known (a team's, a user's, one rebuilt after {@code RowBudgets} let it go idle) takes the levels that
     * spend had reached as told then, instead of telling them again at every rebuild.
     */
    private boolean storeSeen;
    /** See {@link #refusingWorstCase}. */
    private long refusedNanos;
    /** See {@link #refusingSince}. */
    private long refusingSince;
    /** When a call last reserved from it (epoch ms): an end user's budget is let go after a while without calls. */
    private long lastUsed;
    private boolean retired;
    /** Whose budget alerts this budget's are ({@link #tellAs}): a team's or a user's; null for none or a key's. */
    private volatile String alertGroup, alertId;

    /** Null when the budget is this gateway's alone (no database shared with others, or no limit). */
    private final Grant grant;

    /**
     * On its fence's stack of budgets that asked for a raise ({@link GrantFence#wantClaims}), not yet taken by the raiser.
     * Guarded by this budget's lock: set with the push (on the request path, under the lock {@link #reserve} holds),
     * cleared by the raiser ({@link #unqueue}) after it read {@link #nextAsked}.
     */
    boolean queued;
    /**
     * The next budget down that stack. Written before the push's CAS (which publishes it), read by the raiser after it
     * took the stack, before {@link #unqueue}: not rewritten meanwhile, since only a budget not {@link #queued} is pushed.
     */
    Budget nextAsked;

    /** @param maxNanos {@link #NO_LIMIT} for none; @param period null for a budget that never resets */
    Budget(long maxNanos, long softNanos, DurationSpec period, long anchor, long spentInPeriod, long nowMillis) {
        this(maxNanos, softNanos, period, anchor, spentInPeriod, nowMillis, null);
    }

    /** @param grant the grant this budget's calls must also fit in (several gateways), or null */
    Budget(long maxNanos, long softNanos, DurationSpec period, long anchor, long spentInPeriod, long nowMillis, Grant grant) {
        this(maxNanos, softNanos, BudgetPeriod.of(period, anchor, anchor), spentInPeriod, nowMillis, grant);
    }

    /** @param periods when its periods begin and end; @param grant the grant its calls must also fit in, or null */
    Budget(long maxNanos, long softNanos, BudgetPeriod periods, long spentInPeriod, long nowMillis, Grant grant) {
        this.grant = grant;
        this.periods = periods;
        this.periodStart = periods.start(nowMillis);
        configure(maxNanos, softNanos, periods, nowMillis);
        this.spent = spentInPeriod;
        // levels the spend had reached before this gateway started were told then: not again at its next call
        this.alerted = BudgetAlerts.reached(spentInPeriod, softNanos, maxNanos);
        this.lastUsed = nowMillis; // a budget just made is not idle
    }

    /** {@link #configure(long, long, BudgetPeriod, long)} with periods set at {@code anchor} that count from it. */
    synchronized void configure(long maxNanos, long softNanos, DurationSpec period, long anchor, long nowMillis) {
        configure(maxNanos, softNanos, BudgetPeriod.of(period, anchor, anchor), nowMillis);
    }

    /**
     * New limits for a key, team, user or customer being updated; spend and reservations stay while the period running
     * now stays (a new {@code budget_duration} keeps it until its first reset, as LiteLLM keeps the spend). When the new
     * facts put now in another period, that period's spend is not known here: it starts at 0 and the next call asks the
     * store, whose grant counts the ledger's spend of it.
     */
    synchronized void configure(long maxNanos, long softNanos, BudgetPeriod periods, long nowMillis) {
        roll(nowMillis);
        long start = periods.start(nowMillis);
        if (start != periodStart) {
            spent = 0;
            alerted = 0;
            storeSeen = false;
        }
        // a new limit or period ends "refusing since" (the dashboard showed it until the next call taken); the same
        // row again (another gateway's sync) keeps it. A limit still too low refuses the next call, which sets it anew
        if (maxNanos != this.maxNanos || start != periodStart) refusedNanos = 0;
        this.maxNanos = maxNanos;
        this.softNanos = softNanos;
        this.periods = periods;
        this.periodStart = start;
        this.periodEnd = periods.end(nowMillis);
        // a raised limit tells its levels again when the spend reaches them; a level still reached stays told
        if (alerted != 0) {
            if (grant != null) grant.align(periodStart);
            alerted &= BudgetAlerts.reached(known(), softNanos, maxNanos);
        }
    }

    boolean limited() { return maxNanos != NO_LIMIT; }

    /** Takes {@code nanos} from what is left; false (and nothing taken) when it does not fit. */
    synchronized boolean tryReserve(long nanos, long nowMillis) {
        return reserve(nanos, nowMillis) == Reserve.TAKEN;
    }

    /**
     * Takes {@code nanos} from what is left when it fits in the budget and, when shared, in this gateway's grant (whose
     * lease must be current). Nothing is taken unless the answer is {@link Reserve#TAKEN}.
     */
    synchronized Reserve reserve(long nanos, long nowMillis) {
        if (retired) return Reserve.RETIRED;
        roll(nowMillis);
        lastUsed = nowMillis;
        if (maxNanos != NO_LIMIT && (nanos > maxNanos || spent + reserved > maxNanos - nanos)) return refused(nanos, nowMillis);
        if (grant != null && maxNanos != NO_LIMIT) {
            grant.align(periodStart);
            long short_ = grant.spent + reserved + nanos - grant.granted;
            // the fence: on PostgreSQL, admitted only while this gateway's claim on its grants is provably held, and
            // only up to the claim its row shows (Grant.claimCap): what a gateway taken for gone is still charged
            if (short_ > 0 || nowMillis >= grant.validUntil || (grant.fence != null
                    && ((grant.spent + reserved + nanos > grant.claimCap && !grant.fence.isOpen()) || !grant.fence.admits()))) {
                // a store that just said there is no more is not asked again for a while (a burst of refusals)
                if (nowMillis < grant.memoUntil && short_ > grant.memoFree) return refused(nanos, nowMillis);
                return Reserve.NEEDS_GRANT;
            }
        }
        reserved += nanos;
        refusedNanos = 0;
        // with a fence: the peak in flight (the margin's floor) and, once half the margin is used, a raise of the claim
        // asked of the background (a flag and an unpark, once until it runs): O(1), no allocation, no I/O
        if (grant != null && grant.fence != null && maxNanos != NO_LIMIT) grant.admitted(this, reserved);
        return Reserve.TAKEN;
    }

    /** {@link #reserveKnown}'s answer when it reserved but the spend is not said (below zero: never, in practice). */
    static final long TAKEN_SPEND_UNKNOWN = -1;

    /**
     * {@link #reserve}, and when it reserved, this period's spend before the call ({@link #spentKnown} then) read under
     * the same lock: a virtual key's stream says it ({@code x-litellm-key-spend}, whose headers go out before its cost)
     * without taking the lock again for the header. The spend at admission is what LiteLLM says too (its key's
     * {@code spend} as its auth read it). The answer is one {@code long} ({@link #reservedSpend} and {@link #reserveOf}
     * take it apart); the governor asks this only for a stream's admission (the grant's align and the read cost a
     * little under the lock), and {@link #reserve} for the others.
     *
     * @return the spend (0 or more) when taken, {@link #TAKEN_SPEND_UNKNOWN}, or a refusal's code
     */
    synchronized long reserveKnown(long nanos, long nowMillis) {
        Reserve r = reserve(nanos, nowMillis);
        if (r != Reserve.TAKEN) return -2 - r.ordinal();
        if (grant != null) grant.align(periodStart);
        long known = known();
        return known >= 0 ? known : TAKEN_SPEND_UNKNOWN;
    }

    /** What a {@link #reserveKnown} did. */
    static Reserve reserveOf(long answer) {
        return answer >= TAKEN_SPEND_UNKNOWN ? Reserve.TAKEN : Reserve.values()[(int) (-2 - answer)];
    }

    /** The spend a {@link #reserveKnown} that reserved read, or -1 when it did not say it. */
    static long reservedSpend(long answer) { return answer >= 0 ? answer : -1; }

    /**
     * Replaces a reservation by the real cost.
     *
     * @return the alert levels ({@link BudgetAlerts#SOFT}, …) this period's spend reached with this call for the first
     *         time: 0 for none (the caller tells each once)
     */
    synchronized int settle(long reservedNanos, long costNanos, long nowMillis) {
        return crossed(settleKnown(reservedNanos, costNanos, nowMillis));
    }

    /** Low bits of {@link #settleKnown}'s answer: the alert levels crossed ({@link BudgetAlerts#MAX} is the highest). */
    private static final long CROSSED_BITS = 0xF;
    /** Set in {@link #settleKnown}'s answer when the spend did not fit in it (negative, or 2^58 nano-dollars or more). */
    private static final long SPENT_UNKNOWN = 0x10;
    private static final int SPENT_SHIFT = 5;

    /**
     * {@link #settle}, and this period's spend after it ({@link #spentKnown}) read under the same lock: a virtual key's
     * answer says it ({@code x-litellm-key-spend}) without taking the lock a third time (reserve, settle, read). One
     * {@code long}, no allocation: {@link #crossed} and {@link #spentOf} take it apart.
     */
    synchronized long settleKnown(long reservedNanos, long costNanos, long nowMillis) {
        roll(nowMillis);
        reserved = Math.max(0, reserved - reservedNanos);
        // a call that ended in the period before (another call rolled the budget since) is in that period's ledger sum,
        // not in this period's spend or grant
        if (nowMillis < periodStart) return packed(0);
        spent += costNanos;
        if (grant != null) {
            grant.align(periodStart);
            grant.spent += costNanos;
        }
        if (costNanos <= 0) return packed(0);
        int reached = BudgetAlerts.reached(known(), softNanos, maxNanos) & ~alerted;
        alerted |= reached;
        return packed(reached);
    }

    /** Under the lock, rolled and aligned: {@code crossed} and {@link #known()}, as {@link #settleKnown} answers them. */
    private long packed(int crossed) {
        if (grant != null) grant.align(periodStart);
        long known = known();
        return known >= 0 && known < 1L << (63 - SPENT_SHIFT) ? known << SPENT_SHIFT | crossed : SPENT_UNKNOWN | crossed;
    }

    /** The alert levels a {@link #settleKnown} crossed. */
    static int crossed(long settled) { return (int) (settled & CROSSED_BITS); }

    /** The spend after a {@link #settleKnown} ({@link #spentKnown} then), or -1 when it did not fit in its answer. */
    static long spentOf(long settled) { return (settled & SPENT_UNKNOWN) != 0 ? -1 : settled >>> SPENT_SHIFT; }

    /**
     * A call this budget just refused: true the first time this period (its {@code budget_crossed} is then told) when
     * the call alone would have fit in the whole budget, so it was refused for what is spent and held, not for its size.
     */
    synchronized boolean refusalToTell(long nanos, long nowMillis) {
        roll(nowMillis);
        if (maxNanos == NO_LIMIT || nanos > maxNanos || (alerted & BudgetAlerts.MAX) != 0) return false;
        alerted |= BudgetAlerts.MAX | BudgetAlerts.T85 | BudgetAlerts.T95;
        return true;
    }

    /** Names the row this budget is of, for its alerts: LiteLLM's {@code event_group} ({@code team}, {@code user}) and its id. */
    void tellAs(String group, String id) {
        this.alertId = id;
        this.alertGroup = group;
    }

    String alertGroup() { return alertGroup; }

    String alertId() { return alertId; }

    /** The soft budget in nanos ({@link #NO_LIMIT} for none). */
    synchronized long softNanos() { return softNanos; }

    /**
     * What a refusal can say is left: the budget as this gateway knows it (when shared, with the other gateways' spend
     * the store showed last) and, when the store was asked just now, no more than this gateway's grant plus what the
     * store had free. A refusal the store was not asked for (a request that could cost more than the whole budget) says
     * what the budget has, not what this gateway happens to hold (it held nothing before its first call).
     */
    synchronized long left(long nowMillis) {
        roll(nowMillis);
        long left = Math.max(0, maxNanos - spent - reserved);
        if (grant == null || maxNanos == NO_LIMIT) return left;
        grant.align(periodStart);
        long known = Math.max(0, maxNanos - known() - reserved);
        if (nowMillis >= grant.memoUntil) return known;
        long free = Math.max(0, grant.granted - grant.spent - reserved) + grant.memoFree;
        return Math.min(known, free);
    }

    Grant grant() { return grant; }

    /**
     * This period's spend as far as this gateway knows it, without asking the store (what a refusal on the request
     * path can say): its own view, or, when shared, what the ledger held at the last grant taken (other gateways' spend
     * included) plus this gateway's calls settled since, if that is more. Another gateway's calls since that grant are
     * not in it: the admin API reads the ledger instead ({@link KeySpends}).
     */
    synchronized long spentKnown(long nowMillis) {
        roll(nowMillis);
        if (grant == null) return spent;
        grant.align(periodStart);
        return known();
    }

    /**
     * When this gateway last read this budget's spend from the store while other gateways held a share of it (so
     * {@link #spentKnown} lacks their calls since), or null: no other gateway was seen this period, or none was asked.
     */
    synchronized Long othersSeenAt(long nowMillis) {
        roll(nowMillis);
        if (grant == null) return null;
        grant.align(periodStart);
        return grant.otherGateways > 0 ? grant.seenAt : null;
    }

    /**
     * Under the lock, rolled and aligned: the larger of this gateway's own count (the ledger's at start, and its calls
     * since) and the ledger's at the last grant with this gateway's calls settled since. Neither holds another gateway's
     * calls after the grant; the first lacks all of theirs after this gateway started.
     */
    private long known() {
        if (grant == null) return spent;
        return Math.max(spent, grant.seenSpent + grant.spent - grant.spentAtSeen);
    }

    /** The period of the grant row this gateway holds in the store, or {@link Grant#NONE}. */
    synchronized long rowPeriod() { return grant.rowPeriod; }

    /** The start of the budget period holding {@code atMillis} (the anchor, for a budget that never resets). */
    synchronized long periodOf(long atMillis) { return periods.start(atMillis); }

    /** The start of the budget period now. */
    synchronized long currentPeriodStart(long nowMillis) {
        roll(nowMillis);
        return periodStart;
    }

    /** What calls in flight hold of it now. */
    synchronized long reservedNow() { return reserved; }

    /**
     * Lets an idle budget go (an end user's, which is made again by their next call): when no call reserved from it for
     * {@code idleMillis}, none is in flight, and all it spent of its grant is in the ledger and credited to its row, so
     * that with the row gone nothing of it is counted twice or not at all. A call that took this budget before it was
     * let go is told {@link Reserve#RETIRED} and asks again.
     *
     * @return null when it stays; else the period of its grant row to delete ({@link Grant#NONE}: none)
     */
    synchronized Long retire(long nowMillis, long idleMillis) {
        if (retired || reserved > 0 || nowMillis - lastUsed < idleMillis) return null;
        if (grant != null && grant.rowPeriod != Grant.NONE && grant.period == grant.rowPeriod && grant.credited < grant.spent) {
            return null; // spend not yet credited to the row: deleting the row now would drop it from what is committed
        }
        retired = true;
        return grant == null ? Grant.NONE : grant.rowPeriod;
    }

    /** What this budget settled in {@code periodStart} that was not yet credited to its row (0 for another period). */
    synchronized long uncreditedSpend(long periodStart) {
        return grant != null && grant.period == periodStart ? Math.max(0, grant.spent - grant.credited) : 0;
    }

    /** Gives back a reservation that was never used (an admission undone): no spend, no soft-budget warning. */
    synchronized void unreserve(long nanos) { reserved = Math.max(0, reserved - nanos); }

    /**
     * What is left as far as this gateway knows: the limit less this period's spend (the ledger's, other gateways'
     * included, when the last grant showed more) and the reservations in flight; {@link #NO_LIMIT} for none.
     */
    synchronized long headroom(long nowMillis) {
        if (maxNanos == NO_LIMIT) return NO_LIMIT;
        roll(nowMillis);
        if (grant != null) grant.align(periodStart);
        return Math.max(0, maxNanos - known() - reserved);
    }

    /** After a credit of {@code nanos} to this budget's row of {@code periodStart} committed. */
    synchronized void credited(long periodStart, long nanos) {
        if (grant != null && grant.period == periodStart) grant.credited += nanos;
    }

    /**
     * This gateway's spend in {@code periodStart} plus its reservations in flight, as its heartbeat would write them to
     * the row ({@code used_nanos}), or -1 when its row is of another period. A credit writes it too, so that a crash loses
     * from the store's count only what was admitted after the last credit or heartbeat.
     */
    synchronized long usedIn(long periodStart) {
        return grant != null && grant.period == periodStart && grant.rowPeriod == periodStart ? grant.spent + reserved : -1;
    }

    /**
     * For a credit's write of the row of {@code periodStart}: {@code {used, claim}} as {@link #usedIn} and the claim
     * ({@code claim_nanos}) to write beside it, or null when its row is of another period. The admission bound is
     * lowered to the claim first (a write not known to have committed may be the last one the others see).
     */
    synchronized long[] useAndClaim(long periodStart) {
        if (grant == null || grant.period != periodStart || grant.rowPeriod != periodStart) return null;
        long used = grant.spent + reserved;
        long claim = grant.claim(used, grant.granted);
        return new long[] {used, claim};
    }

    /** A write of the row of {@code periodStart} claiming {@code claim} committed: admissions up to it from now on. */
    synchronized void claimed(long periodStart, long claim, long nowMillis) {
        if (grant == null || grant.period != periodStart || grant.rowPeriod != periodStart) return;
        grant.committed(claim, nowMillis);
    }

    /** The state an acquisition starts from, read in one step. */
    synchronized GrantAsk ask(long nanos, long nowMillis) {
        roll(nowMillis);
        grant.align(periodStart);
        long used = grant.spent + reserved;
        long claim = used;
        if (grant.fence != null) {
            // the bound stopped a call its grant covered: the margin was too small for the traffic, so it doubles (at
            // least twice this call's worst case), and the claim covers this call too (a short grant: see widen)
            grant.widen(used, nanos);
            claim = used + Math.max(0, nanos) + grant.margin;
            grant.lowerRowClaim(claim);
        }
        return new GrantAsk(periodStart, maxNanos, used + nanos - grant.granted, used, reserved, grant.granted,
                grant.rowPeriod, claim);
    }

    /**
     * @param periodStart the period the grant is for
     * @param need        how much more grant the call needs (0 or less: none, the lease only wants renewing)
     * @param used        this gateway's spend this period plus its reservations in flight
     * @param reserved    its reservations in flight alone (they may end in the next period)
     * @param granted     its grant as it stands
     * @param rowPeriod   the period of the row it holds now ({@link Grant#NONE} for none): an earlier one is dropped
     * @param claim       what the row is to claim ({@code claim_nanos}, before the cap at the grant the acquisition
     *                    decides): used, this call and the margin when fenced, else used
     */
    record GrantAsk(long periodStart, long maxNanos, long need, long used, long reserved, long granted, long rowPeriod,
                    long claim) {
        /** The claim as written beside {@code grantedNanos}: never above the grant, never below what is used. */
        long claimAt(long grantedNanos) {
            return Math.max(used, Math.min(claim, grantedNanos));
        }
    }

    /**
     * The grant the store now shows for {@code periodStart} (dropped when the period has moved on meanwhile). Only
     * {@link SharedBudgets} changes a grant, one change at a time, so the value it wrote is the value to hold.
     */
    synchronized void granted(long periodStart, long grantedNanos, long maxAtGrant, long validUntil, Seen seen) {
        granted(periodStart, grantedNanos, maxAtGrant, validUntil, seen, Long.MAX_VALUE, validUntil);
    }

    /** As above, with the claim the row now shows ({@code claim_nanos}): admissions up to it when fenced. */
    synchronized void granted(long periodStart, long grantedNanos, long maxAtGrant, long validUntil, Seen seen, long claim,
                              long nowMillis) {
        if (grant.period != periodStart) return;
        grant.committed(claim, nowMillis);
        grant.saw(seen);
        seenStore();
        grant.granted = grantedNanos;
        grant.maxAtGrant = maxAtGrant;
        grant.rowPeriod = periodStart;
        grant.memoUntil = 0;
        grant.validUntil = validUntil;
    }

    /** The store had {@code free} left, not enough: refusals need not ask it again until {@code untilMillis}. */
    synchronized void exhausted(long periodStart, long grantedNanos, long free, long untilMillis, long validUntil, Seen seen) {
        exhausted(periodStart, grantedNanos, free, untilMillis, validUntil, seen, Long.MAX_VALUE, validUntil);
    }

    synchronized void exhausted(long periodStart, long grantedNanos, long free, long untilMillis, long validUntil, Seen seen,
                                long claim, long nowMillis) {
        if (grant.period != periodStart) return;
        grant.committed(claim, nowMillis);
        grant.saw(seen);
        seenStore();
        grant.granted = grantedNanos;
        grant.memoFree = free;
        grant.memoUntil = untilMillis;
        grant.rowPeriod = periodStart;
        grant.validUntil = validUntil;
    }

    /** Under the lock, after {@code grant.saw}: the first sight of the store's spend this period marks what it reached as told. */
    private void seenStore() {
        if (storeSeen) return;
        storeSeen = true;
        alerted |= BudgetAlerts.reached(known(), softNanos, maxNanos);
    }

    /** Whether this gateway's grant, as it stands, takes {@code nanos} more (its lease current): no store needed. */
    synchronized boolean covers(long nanos, long nowMillis) {
        if (grant == null || grant.rowPeriod == Grant.NONE) return false;
        roll(nowMillis);
        grant.align(periodStart);
        return grant.rowPeriod == periodStart && grant.spent + reserved + nanos <= grant.granted && nowMillis < grant.validUntil
                && (grant.fence == null || grant.fence.isOpen() || grant.spent + reserved + nanos <= grant.claimCap);
    }

    /** {@link #covers}, the claim's bound aside: a renewal of the claims ({@link #renewalClaim}) is all the call needs. */
    synchronized boolean coversButClaim(long nanos, long nowMillis) {
        if (grant == null || grant.rowPeriod == Grant.NONE) return false;
        roll(nowMillis);
        grant.align(periodStart);
        return grant.rowPeriod == periodStart && grant.spent + reserved + nanos <= grant.granted && nowMillis < grant.validUntil;
    }

    /**
     * For a renewal of the fence ({@link SharedBudgets}): the claim this budget's {@code grant_claims} row is to show, or
     * -1 for none (no fence, no row this period). {@code nanos} &gt; 0: a call the claim's bound stopped, whose grant
     * covered it: the margin was too small for the traffic, so it doubles (at least twice the call's worst case), and the
     * claim covers the call. The bound is lowered to the claim first (the write may commit, unknown to this gateway).
     */
    synchronized long renewalClaim(long nanos, long nowMillis) {
        // not for a budget let go (review, thirtieth session): the raiser's stack may hand one over that was retired after
        // it asked, and its claim written then would stand after the retirement deleted its rows (or overwrite the claim
        // of a new budget of the same scope)
        if (retired || grant == null || grant.fence == null || grant.rowPeriod == Grant.NONE) return -1;
        roll(nowMillis);
        grant.align(periodStart);
        if (grant.rowPeriod != periodStart) return -1;
        long used = grant.spent + reserved;
        if (nanos > 0) grant.widen(used, nanos);
        long claim = Math.max(used, Math.min(grant.granted, used + Math.max(0, nanos) + grant.margin));
        grant.renewClaim = Math.min(grant.renewClaim, claim);
        grant.claimCap = Math.max(grant.rowClaim, grant.renewClaim);
        return claim;
    }

    /** Whether this budget asked for its claim to be raised ahead of need ({@link Grant#admitted}) since its last renewal. */
    synchronized boolean claimWanted() {
        return grant != null && grant.renewAsked;
    }

    /**
     * The raiser took this budget off its fence's stack ({@link GrantFence#takeAsked}, its {@link #nextAsked} read
     * before): a later ask pushes it again. Whether it still asks (a beat's renewal, or its measure, may have met or
     * cleared the ask since it was pushed); never for a budget let go since ({@link #retire}).
     */
    synchronized boolean unqueue() {
        queued = false;
        return !retired && grant != null && grant.renewAsked;
    }

    /**
     * After a raise of this budget's claim, for the raiser: an ask the raise did not meet (its renewal failed, threw, or
     * committed after a revoke, so {@link #renewalClaimed} kept nothing) goes back on the stack, so the raiser's next
     * pass, after its gap, tries again. Before (thirtieth session) such an ask waited for the beat: the flag was left
     * set, so no later admission asked, and the raiser parked. Not for a budget let go or without a row this period
     * (nothing would clear its flag: no beat measures it) nor while the fence is open (nothing renews).
     */
    synchronized void askAgainIfUnmet() {
        if (grant == null || !grant.renewAsked || retired || grant.rowPeriod == Grant.NONE || grant.fence == null) return;
        grant.fence.wantClaims(this);
    }

    /**
     * A renewal that wrote {@code claim} for {@code periodStart}, having read the fence's {@code revokes}
     * ({@link GrantFence#revokes}) before its write, committed: admissions up to it from now on. Nothing if the fence
     * was revoked since (the beat's {@link #revokeGrant} follows the revoke, or preceded this under
     * the budget's lock: either way the stale claim is not restored).
     */
    synchronized void renewalClaimed(long periodStart, long claim, long nowMillis, long revokes) {
        if (grant == null || grant.period != periodStart || grant.rowPeriod != periodStart) return;
        if (grant.fence != null && grant.fence.revokes() != revokes) return;
        // the raise asked for committed: a later crossing asks again. Not when the renewal took the claim (before its
        // write): a call admitted during the round trip, still past half the old claim's margin, asked for a second
        // (review). A renewal that fails leaves the flag to the next beat's measure, which clears it
        grant.renewAsked = false;
        grant.renewClaim = claim;
        grant.claimCap = Math.max(grant.rowClaim, grant.renewClaim);
        grant.claimAt(nowMillis);
    }

    /** The fence this budget's grant is admitted on from now on (set before its first grant is taken). */
    synchronized void fence(GrantFence fence) { grant.fence = fence; }

    synchronized GrantFence fence() { return grant.fence; }

    /**
     * This gateway's claim on the grant may have been lost (its session lock went, or a heartbeat came too late to be
     * sure it did not): the unused part is no longer its to spend, as for a lost row. What is spent and in flight stays
     * claimed; a call that needs more takes a grant again, in a transaction that sees what the others hold.
     */
    synchronized void revokeGrant(long nowMillis) {
        roll(nowMillis);
        if (grant.rowPeriod == Grant.NONE) return;
        grant.align(periodStart);
        long used = grant.spent + reserved;
        if (grant.granted > used) grant.granted = used;
        // the renewals' claims may have been folded into a row taken for gone and deleted with it: not counted on
        grant.renewClaim = 0;
        grant.lowerRowClaim(used);
    }

    /** The heartbeat wrote this budget's row: other gateways count the grant until the lease runs out. */
    synchronized void renewed(long periodStart, long validUntil) {
        renewed(periodStart, validUntil, Long.MAX_VALUE, 0);
    }

    /** As above, with the claim the beat wrote ({@code claim_nanos}): admissions up to it when fenced. */
    synchronized void renewed(long periodStart, long validUntil, long claim, long nowMillis) {
        if (grant.rowPeriod != periodStart) return;
        grant.validUntil = validUntil;
        if (claim != Long.MAX_VALUE) grant.committed(claim, nowMillis);
    }

    /**
     * For the heartbeat, under the budget's lock: what this gateway's row should now say. The unused part of the grant
     * is given back when another gateway waits for it or the budget's limit changed (the grant is taken again on the next
     * call, against the new limit); {@code lost} (the row was deleted: other gateways took this one for gone) keeps only
     * what is spent or in flight. When a new period has begun, the old row is to be dropped, and the new period's row
     * claims the calls still in flight, which will settle into it.
     *
     * @return null when this gateway holds no grant row
     */
    synchronized Grant.Beat beat(boolean othersWait, boolean lost, long nowMillis) {
        roll(nowMillis);
        if (grant.rowPeriod == Grant.NONE) return null;
        long oldRow = grant.rowPeriod;
        grant.align(periodStart);
        if (oldRow != periodStart) {
            if (reserved == 0 && grant.spent == 0) {
                grant.rowPeriod = Grant.NONE;
                return new Grant.Beat(grant.scope, Grant.NONE, 0, 0, 0, oldRow, 0, 0);
            }
            // what settled into the new period since it began, and what is still in flight, is this row's claim
            long used = grant.spent + reserved;
            grant.granted = used;
            grant.rowPeriod = periodStart;
            grant.lowerRowClaim(used);
            return new Grant.Beat(grant.scope, periodStart, used, reserved, used, oldRow, 0, used);
        }
        long used = grant.spent + reserved;
        if ((lost || othersWait || grant.maxAtGrant != maxNanos) && grant.granted > used) grant.granted = used;
        grant.measure(used, reserved, nowMillis);
        return new Grant.Beat(grant.scope, periodStart, used, reserved, grant.granted, Grant.NONE, grant.credited,
                grant.claim(used, grant.granted));
    }

    synchronized Snapshot snapshot(long nowMillis) {
        roll(nowMillis);
        return new Snapshot(spent, reserved, maxNanos == NO_LIMIT ? null : maxNanos, periodStart,
                periods.duration() == null ? null : periodEnd);
    }

    /**
     * The worst case of the last call this budget refused, when no call was taken since (0: none): a budget refuses
     * calls before its spend reaches the cap, once what is left is below a call's worst case, and the dashboard says so.
     */
    synchronized long refusingWorstCase(long nowMillis) {
        roll(nowMillis);
        return refusedNanos;
    }

    /**
     * {@link #refusingWorstCase} and when this budget started refusing every call (its first refusal since the last call
     * it took, epoch ms), under one lock; null while it is not refusing. Read one after the other, a call taken between
     * them paired a worst case with since 0 (shown as 1970). What this gateway saw: another gateway's refusals are in
     * its memory.
     */
    synchronized Governance.KeyBudgetRefusal refusal(long nowMillis) {
        roll(nowMillis);
        return refusedNanos == 0 ? null : new Governance.KeyBudgetRefusal(refusedNanos, refusingSince);
    }

    private Reserve refused(long nanos, long nowMillis) {
        if (refusedNanos == 0) refusingSince = nowMillis;
        refusedNanos = Math.max(1, nanos);
        return Reserve.REFUSED;
    }

    /** A new period: the spend starts again at 0 (reservations in flight stay reserved). */
    private void roll(long nowMillis) {
        if (nowMillis < periodEnd) return;
        periodStart = periods.start(nowMillis);
        periodEnd = periods.end(nowMillis);
        refusedNanos = 0;
        spent = 0;
        alerted = 0;
        storeSeen = false;
    }

    /**
     * @param maxNanos   null when unlimited
     * @param resetsAt   epoch ms of the next reset, null when the budget never resets
     */
    record Snapshot(long spentNanos, long reservedNanos, Long maxNanos, long periodStart, Long resetsAt) {}

    /**
     * What an acquisition read from the store besides the grant: the ledger's spend of the budget this period, how many
     * other live gateways hold a share of it, and when (epoch ms).
     */
    record Seen(long ledgerSpent, int otherGateways, long atMillis) {}

    /**
     * This gateway's share of a budget several gateways serve (guarded by its budget's lock): what it may spend this
     * period ({@code granted}) and what it has spent of it. The budget's limit holds across gateways because the grants
     * of one period never add up to more than the limit less what the ledger already holds ({@link SharedBudgets}).
     */
    static final class Grant {
        static final long NONE = Long.MIN_VALUE;
        final String scope;
        long period = NONE;
        long granted;
        long spent;
        long maxAtGrant;
        /** The period of the row this gateway holds in the store, or {@link #NONE}. */
        long rowPeriod = NONE;
        long memoUntil;
        long memoFree;
        /** The ledger's spend this period at the last grant taken (for what a refusal says was spent). */
        long seenSpent;
        /** {@link #spent} then: what this gateway settled since is added to {@link #seenSpent}. */
        long spentAtSeen;
        /** When the store was read for {@link #seenSpent}, and how many other live gateways held a share then. */
        long seenAt;
        int otherGateways;
        /** What of {@link #spent} was credited to the row ({@code flushed_nanos}) by this gateway. */
        long credited;
        /**
         * The ledger's rows this budget counts: {@code key_id}, {@code end_user} or {@code team_id} ({@code team}) equal to
         * {@link #ledgerValue}, the rows tagged {@code user:} and the value that count for no team ({@code user}), or
         * every row (null, the global budget).
         */
        final String ledgerColumn;
        final String ledgerValue;
        /**
         * Until when calls may be admitted on the grant: half a lease after its row was last written, so that no other
         * gateway can take its row for a dead one's (and give its grant away) while this one still spends it.
         */
        long validUntil;
        /** On PostgreSQL: the gateway's fence, which must admit too ({@link GrantFence}); null elsewhere. */
        GrantFence fence;
        /**
         * With a fence: this gateway admits on the grant only while its spend and calls in flight stay within this, the
         * lowest claim ({@code claim_nanos}) of the writes of its row that may be the last one committed. Another gateway
         * that takes this one for gone (a cut link: it lives on, cut off) charges the budget that claim, so what this one
         * admitted after its last write is counted, not spent twice (QA: 1.43-1.57 times a budget at 250 calls/s).
         */
        long claimCap;
        /**
         * The two kinds of write that claim: the grant row's ({@code budget_grants.claim_nanos}: heartbeats, credits,
         * acquisitions) and the fence's renewals' ({@code grant_claims}, one round trip beside a heartbeat). The others
         * charge a gateway taken for gone the higher of the two, so the bound is the higher of the lowest value each
         * kind may have left committed.
         */
        long rowClaim, renewClaim;
        /** With a fence: what a row claims above its use ({@link #claim}): the gateway's admissions between two writes. */
        long margin;
        /** The most held in flight (worst cases) since the last beat's measure: the margin's floor ({@link #measure}). */
        long peakInFlight;
        /** This budget asked the background for a renewal of its claim ({@link #admitted}); cleared when one commits. */
        boolean renewAsked;
        /** The use and the time (epoch ms) of the last beat's measure of the admission rate ({@link #measure}). */
        private long rateUsed, rateAt;
        /** When a claim last committed (epoch ms), and the longest recent time between two of them (halved each time). */
        private long claimAt, claimGap;
        /** The acquisition running for this budget, shared by the calls that wait for it (its broker's lock). */
        io.vertx.core.Future<Void> pending;

        /** A key's grant (its scope is its id), or the global budget's ({@link SharedBudgets#GLOBAL}). */
        Grant(String scope) {
            this(scope, SharedBudgets.GLOBAL.equals(scope) ? null : "key_id", SharedBudgets.GLOBAL.equals(scope) ? null : scope);
        }

        private Grant(String scope, String ledgerColumn, String ledgerValue) {
            this.scope = scope;
            this.ledgerColumn = ledgerColumn;
            this.ledgerValue = ledgerValue;
        }

        /**
         * An end user's grant. Its scope is {@code eu:} and a hash of the id, the same on every gateway, and short enough
         * for the column whatever the id is (up to 255 characters); the ledger's rows are found by the id itself.
         */
        static Grant endUser(String userId) {
            return new Grant("eu:" + KeySecrets.hash(userId).substring(0, 40), "end_user", userId);
        }

        /**
         * A team's grant: {@code tm:} and a hash of the id, as an end user's; the ledger's rows are those whose
         * {@code team_id} is the id.
         */
        static Grant team(String teamId) {
            return new Grant("tm:" + KeySecrets.hash(teamId).substring(0, 40), "team", teamId);
        }

        /**
         * A user's grant: {@code us:} and a hash of the id, as a team's; the ledger's rows are those tagged
         * {@code user:<id>} that count for no team.
         */
        static Grant user(String userId) {
            return new Grant("us:" + KeySecrets.hash(userId).substring(0, 40), "user", userId);
        }

        /**
         * A member's grant in a team: {@code mb:} and a hash of both ids; the ledger's rows are those tagged
         * {@code user:<user id>} that count for the team.
         */
        static Grant member(String teamId, String userId, long addedAt) {
            String membership = TeamMember.id(teamId, userId) + '\t' + addedAt; // each membership its own grant
            return new Grant("mb:" + KeySecrets.hash(membership).substring(0, 40), "member", membership);
        }

        /** This budget's spend in the ledger since {@code sinceMillis}. Blocks. */
        long ledgerSpent(java.sql.Connection c, long sinceMillis) throws java.sql.SQLException {
            if (ledgerColumn == null) return KeyStore.spentSince(c, null, sinceMillis);
            if (ledgerColumn.equals("end_user")) return EndUserStore.spentSince(c, ledgerValue, sinceMillis);
            if (ledgerColumn.equals("team")) return TeamStore.spentSince(c, ledgerValue, sinceMillis);
            if (ledgerColumn.equals("user")) return UserStore.spentSince(c, ledgerValue, sinceMillis);
            if (ledgerColumn.equals("member")) { // team \t user \t added at: counted from when they were added
                String[] p = ledgerValue.split("\t", 3);
                return TeamStore.memberSpentSince(c, p[0], p[1], Math.max(sinceMillis, Long.parseLong(p[2])));
            }
            return KeyStore.spentSince(c, ledgerValue, sinceMillis);
        }

        /**
         * What the row claims with {@code used} spent and in flight and {@code granted} granted: with a fence, used plus
         * the margin (capped at the grant), else used. The admission bound is lowered to it at once: a write that may
         * commit is one the others may see last. Under the budget's lock.
         */
        long claim(long used, long granted) {
            if (fence == null) return used;
            long claim = Math.max(used, Math.min(granted, used + margin));
            lowerRowClaim(claim);
            return claim;
        }

        /**
         * A call of worst case {@code nanos} with {@code used} spent and in flight the bound stopped: the margin doubles
         * when the grant covered the call (the claim was what was short), else it is only raised to twice the call's
         * worst case (a short grant says nothing of the margin: an exhausted budget retried every second doubled it
         * about once a second, to overflow; review). Never above the grant or that floor, whichever is more.
         */
        void widen(long used, long nanos) {
            if (used + nanos <= claimCap) return;
            long floor = 2 * Math.max(0, nanos);
            margin = used + nanos <= granted ? Math.max(2 * margin, floor) : Math.max(margin, floor);
            margin = Math.min(margin, Math.max(granted, floor));
        }

        void lowerRowClaim(long claim) {
            rowClaim = Math.min(rowClaim, claim);
            claimCap = Math.max(rowClaim, renewClaim);
        }

        /** A write claiming {@code claim} committed (no other write of the row runs meanwhile: the broker's lock). */
        void committed(long claim, long nowMillis) {
            rowClaim = claim;
            claimCap = Math.max(rowClaim, renewClaim);
            if (claim == Long.MAX_VALUE) return; // no claim written (unfenced callers, tests)
            claimAt(nowMillis);
        }

        private void claimAt(long nowMillis) {
            if (claimAt != 0 && nowMillis > claimAt) claimGap = Math.max(nowMillis - claimAt, claimGap / 2);
            claimAt = nowMillis;
        }

        /**
         * A call of this budget was just admitted, {@code inFlight} now held by calls in flight (under the budget's lock,
         * on the request path: O(1), no allocation, no I/O). Keeps the peak in flight, and once the use has eaten half the
         * margin (the claim still below the grant), asks the background for a renewal of this claim, once until one
         * commits ({@link SharedBudgets}: a flag and an unpark; the call itself never waits for it).
         */
        void admitted(Budget owner, long inFlight) {
            if (inFlight > peakInFlight) peakInFlight = inFlight;
            if (!renewAsked && claimCap < granted && spent + inFlight > claimCap - (margin >> 1) && !fence.isOpen()) {
                renewAsked = true;
                fence.wantClaims(owner); // onto the raiser's stack, once while it is there: no node allocated
            }
        }

        /**
         * At each beat: the margin becomes the most held in flight since the last beat (worst cases: what a call's
         * admission counts, however little it then costs) plus what this gateway's use grew by over the last beat,
         * scaled to the fence's window plus the longest recent time between two committed claims (so the bound is not
         * reached between two writes at a steady rate), or half the margin before, whichever is more (a burst's margin
         * lasts a few beats). The peak: a claim written while few calls were in flight is passed by as many more in
         * flight as the peak (twenty-ninth session: calls whose worst case is far above their cost waited for a renewal
         * about every beat, the use's growth being their cost).
         */
        void measure(long used, long inFlight, long nowMillis) {
            if (fence == null) return;
            long peak = Math.max(peakInFlight, inFlight);
            peakInFlight = inFlight;
            renewAsked = false; // a flag left from an open fence or a failed renewal asks again
            if (rateAt != 0 && nowMillis > rateAt) {
                long window = Math.max(SharedBudgets.FENCE_MILLIS, claimGap);
                long grown = Math.max(0, used - rateUsed);
                long sample = (long) Math.min(Long.MAX_VALUE / 4, (double) grown * window / (nowMillis - rateAt));
                margin = Math.min(Math.max(sample + peak, margin / 2), Math.max(0, granted)); // more than the grant claims nothing
            } else {
                margin = Math.min(Math.max(peak, margin), Math.max(0, granted));
            }
            rateUsed = used;
            rateAt = nowMillis;
        }

        /** A new period starts with nothing granted and nothing spent of it. */
        void align(long periodStart) {
            if (period == periodStart) return;
            period = periodStart;
            claimCap = 0;
            rowClaim = 0;
            renewClaim = 0;
            rateAt = 0;
            margin = 0; // measured again in the new period (a margin left from the last could only have grown)
            peakInFlight = 0;
            renewAsked = false;
            granted = 0;
            spent = 0;
            memoUntil = 0;
            seenSpent = 0;
            spentAtSeen = 0;
            seenAt = 0;
            otherGateways = 0;
            credited = 0;
        }

        /** What an acquisition of this period read from the store. */
        void saw(Seen seen) {
            seenSpent = seen.ledgerSpent();
            spentAtSeen = spent;
            seenAt = seen.atMillis();
            otherGateways = seen.otherGateways();
        }

        /**
         * One budget's heartbeat.
         *
         * @param periodStart the period of the row to write, or {@link #NONE} for none
         * @param granted     the grant the row is to show (this gateway's, after giving back)
         * @param dropPeriod  the period of an older row of this gateway's to delete, or {@link #NONE}
         */
        /** @param credited what of this period's spend was credited to the row (a lost row is written again with it) */
        /** @param claim what the row claims ({@code claim_nanos}: {@link #claim}) */
        record Beat(String scope, long periodStart, long used, long reserved, long granted, long dropPeriod, long credited,
                    long claim) {
            boolean writes() { return periodStart != NONE; }
        }
    }

    static long nanos(Double usd) {
        if (usd == null) return NO_LIMIT;
        return Math.round(usd * 1e9);
    }
}
