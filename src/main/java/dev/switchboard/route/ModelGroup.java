package dev.switchboard.route;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The deployments behind one alias and how one of them is chosen for an attempt. The order of precedence:
 * a half-open deployment's probe (so recovery is noticed), deployments this request has not tried yet, the
 * best {@code order} tier, the deployment the prompt prefix sticks to, then the strategy's pick.
 */
final class ModelGroup {
    final String alias;
    final List<DeploymentState> members;
    /** The members' targets, in order: what {@code ModelRouter.reachable} answers for an alias alone, made once. */
    final List<Target> targets;
    private final RoutingStrategy strategy;
    private final PromptAffinity affinity;
    private final RandomGenerator random;
    /** The budgets of providers and deployments ({@link SpendCaps#NONE} when none is set). */
    private final SpendCaps caps;

    /**
     * One admitted deployment; {@code probe} marks the half-open trial whose outcome closes or reopens it, {@code holdsSlot}
     * that it took one of the deployment's {@code max_parallel_requests} slots (the attempt gives it back at its end).
     */
    record Pick(DeploymentState state, boolean probe, long reservedTokens, boolean holdsSlot) {}

    /** @param affinity null when prompt-cache affinity is off */
    ModelGroup(String alias, List<DeploymentState> members, RoutingStrategy strategy, PromptAffinity affinity,
               RandomGenerator random) {
        this(alias, members, strategy, affinity, random, SpendCaps.NONE);
    }

    ModelGroup(String alias, List<DeploymentState> members, RoutingStrategy strategy, PromptAffinity affinity,
               RandomGenerator random, SpendCaps caps) {
        this.caps = caps;
        this.alias = alias;
        this.members = List.copyOf(members);
        this.targets = this.members.stream().map(m -> m.target).toList();
        this.strategy = strategy;
        this.affinity = members.size() > 1 ? affinity : null;
        this.random = random;
    }

    /** A deployment admitted for one attempt, or null when every member is cooling down or at its limits. */
    Pick select(RequestFacts facts, Collection<DeploymentState> tried, long now) {
        List<DeploymentState> open = new ArrayList<>(members.size());
        long wallMillis = caps.none() ? 0 : System.currentTimeMillis();
        for (DeploymentState m : members) if (m.slots.open() && usable(m, facts, now, wallMillis)) open.add(m);
        if (!tried.isEmpty()) { // a request's first attempt has tried nothing: every open member is untried
            List<DeploymentState> untried = new ArrayList<>(open.size());
            for (DeploymentState m : open) if (!tried.contains(m)) untried.add(m);
            if (!untried.isEmpty()) open = untried;
        }
        for (java.util.Iterator<DeploymentState> it = open.iterator(); it.hasNext(); ) {
            DeploymentState m = it.next();
            if (m.breaker.closed() || m.breaker.admit(now) != CircuitBreaker.Admission.PROBE) continue;
            Pick probe = admit(m, true, facts, now);
            if (probe != null) return probe;
            it.remove(); // its last slot or rpm went to another request meanwhile: the others are still there
        }
        open = bestOrder(open);
        while (!open.isEmpty()) {
            DeploymentState chosen = stickyAmong(open, facts);
            if (chosen == null) chosen = strategy.pick(open, now, random);
            CircuitBreaker.Admission a = chosen.breaker.admit(now);
            Pick pick = a == null ? null : admit(chosen, a == CircuitBreaker.Admission.PROBE, facts, now);
            if (pick != null) return pick;
            open.remove(chosen); // lost a race for its probe slot or its last rpm: try the next one
        }
        return null;
    }

    /** A request was served: its prefix now sticks to the deployment that has it in its prompt cache. */
    void served(RequestFacts facts, DeploymentState state) {
        if (affinity != null && facts.prefixHash() != PrefixHash.NONE) affinity.remember(alias, facts.prefixHash(), state);
    }

    /** Whether neither the deployment's budget nor its provider's is spent this period (always, when none is set). */
    private boolean withinBudget(DeploymentState m, long wallMillis) {
        return caps.none() || caps.spentCap(m.id(), wallMillis) == null;
    }

    /**
     * The spent budget that rules out every member that may serve the request, when that is why none can: the group's
     * refusal (LiteLLM's "crossed budget"). Null when some such member is within its budgets, or none is set.
     */
    SpendCaps.Cap budgetsSpent(RequestFacts facts, long wallMillis) {
        if (caps.none()) return null;
        SpendCaps.Cap first = null;
        for (DeploymentState m : members) {
            if (!facts.mayServe(this, m)) continue;
            SpendCaps.Cap c = caps.spentCap(m.id(), wallMillis);
            if (c == null) return null;
            if (first == null) first = c;
        }
        return first;
    }

    /**
     * True when the group is short only because of rpm/tpm limits (usage-based routing), not cooldowns: some member
     * that may serve the request (its tags, its window) is up but full. A full member the request could not use
     * anyway says nothing about why it found none.
     */
    boolean atCapacity(RequestFacts facts, long now) {
        if (!strategy.enforcesLimits()) return false;
        for (DeploymentState m : members) if (m.breaker.available(now) && facts.mayServe(this, m) && !fits(m, facts, now)) return true;
        return false;
    }

    /**
     * Nanos until the cooldown of some member that may serve the request ends; 0 when one is available now or already
     * half-open. (Members its tags or window rule out do not count: one of them being up is no reason to wait here.)
     */
    long nanosUntilAvailable(RequestFacts facts, long now) {
        long min = Long.MAX_VALUE;
        for (DeploymentState m : members) if (facts.mayServe(this, m)) min = Math.min(min, m.breaker.nanosUntilHalfOpen(now));
        return min;
    }

    /**
     * Nanos until the cooldown of the member that comes back first ends, among those that may serve the request and are
     * within their budgets: 0 when one is half-open already (its probe in flight), {@link Long#MAX_VALUE} when none may.
     * For a request with nowhere else to go, which waits for that moment ({@code CallEngine.waitForRecovery}).
     */
    long nanosUntilTrial(RequestFacts facts, long now) {
        long min = Long.MAX_VALUE;
        long wallMillis = caps.none() ? 0 : System.currentTimeMillis();
        for (DeploymentState m : members) {
            if (facts.mayServe(this, m) && withinBudget(m, wallMillis)) min = Math.min(min, m.breaker.nanosUntilHalfOpen(now));
        }
        return min;
    }

    /**
     * Nanos until a trial call in flight at a member that may serve the request has run past its lease
     * ({@link CircuitBreaker#nanosUntilTrialOverdue}): 0 when one has, {@link Long#MAX_VALUE} when none is in flight.
     */
    long nanosUntilTrialOverdue(RequestFacts facts, long now) {
        long min = Long.MAX_VALUE;
        long wallMillis = caps.none() ? 0 : System.currentTimeMillis();
        for (DeploymentState m : members) {
            if (facts.mayServe(this, m) && withinBudget(m, wallMillis)) min = Math.min(min, m.breaker.nanosUntilTrialOverdue(now));
        }
        return min;
    }

    /**
     * The member whose cooldown ends first, among those that may serve the request and are within their budgets: where a
     * request with nowhere else to go is sent while every member is cooling (its outcome decides the breaker, like a
     * trial call's); null when none may serve it.
     */
    DeploymentState coolingLastResort(RequestFacts facts) {
        DeploymentState best = null;
        long wallMillis = caps.none() ? 0 : System.currentTimeMillis();
        for (DeploymentState m : members) {
            if (!facts.mayServe(this, m) || !withinBudget(m, wallMillis)) continue;
            if (best == null || m.breaker.openUntil() < best.breaker.openUntil()) best = m;
        }
        return best;
    }

    /** A member whose trial call has run past its lease (see {@link #nanosUntilTrialOverdue}); null when none has now. */
    DeploymentState overdueTrial(RequestFacts facts, long now) {
        long wallMillis = caps.none() ? 0 : System.currentTimeMillis();
        for (DeploymentState m : members) {
            if (facts.mayServe(this, m) && withinBudget(m, wallMillis) && m.breaker.nanosUntilTrialOverdue(now) == 0) return m;
        }
        return null; // it ended since the look
    }

    /** The cooldowns started so far by the members that may serve the request: a change means one failed again. */
    long cooldownsStarted(RequestFacts facts) {
        long sum = 0;
        for (DeploymentState m : members) if (facts.mayServe(this, m)) sum += m.breaker.cooldownsStarted();
        return sum;
    }

    /**
     * The members that could serve the request now but for their {@code max_parallel_requests} (up, within their limits
     * and budgets, every slot taken or a line for one): when the group found none, the request lines up for these.
     */
    List<DeploymentState> fullMembers(RequestFacts facts, long now) {
        List<DeploymentState> out = new ArrayList<>();
        long wallMillis = caps.none() ? 0 : System.currentTimeMillis();
        for (DeploymentState m : members) if (m.slots.limited() && !m.slots.open() && usable(m, facts, now, wallMillis)) out.add(m);
        return out;
    }

    /** Whether {@link #select} would find some member open now: a request waiting in line checks this now and then. */
    boolean anyOpen(RequestFacts facts, long now) {
        long wallMillis = caps.none() ? 0 : System.currentTimeMillis();
        for (DeploymentState m : members) if (m.slots.open() && usable(m, facts, now, wallMillis)) return true;
        return false;
    }

    /** Up, within its rpm/tpm, its budgets, and one the request may use (its tags, its context window); slots aside. */
    private boolean usable(DeploymentState m, RequestFacts facts, long now, long wallMillis) {
        return m.breaker.available(now) && fits(m, facts, now) && facts.mayServe(this, m) && withinBudget(m, wallMillis);
    }

    /**
     * Admits {@code m} for a request that was handed one of its slots while it waited: the breaker and the rpm/tpm window
     * still decide (the slot is the caller's to release when this is null).
     */
    Pick admitWithSlot(DeploymentState m, RequestFacts facts, long now) {
        CircuitBreaker.Admission a = m.breaker.admit(now);
        if (a == null) return null;
        boolean probe = a == CircuitBreaker.Admission.PROBE;
        if (!strategy.enforcesLimits()) return new Pick(m, probe, 0, true);
        long tokens = facts.estimatedTokens();
        if (m.usage.tryReserve(now, m.rpm, m.tpm, tokens)) return new Pick(m, probe, Math.max(1, tokens), true);
        if (probe) m.breaker.releaseProbe();
        return null;
    }

    private boolean fits(DeploymentState m, RequestFacts facts, long now) {
        return !strategy.enforcesLimits() || m.usage.fits(now, m.rpm, m.tpm, facts.estimatedTokens());
    }

    private Pick admit(DeploymentState m, boolean probe, RequestFacts facts, long now) {
        boolean limited = m.slots.limited();
        if (limited && !m.slots.tryTake()) { // another request took the last slot since the look
            if (probe) m.breaker.releaseProbe();
            return null;
        }
        if (!strategy.enforcesLimits()) return new Pick(m, probe, 0, limited);
        long tokens = facts.estimatedTokens();
        if (m.usage.tryReserve(now, m.rpm, m.tpm, tokens)) return new Pick(m, probe, Math.max(1, tokens), limited);
        if (limited) m.slots.release();
        if (probe) m.breaker.releaseProbe(); // nothing was sent: another request may probe
        return null;
    }

    private DeploymentState stickyAmong(List<DeploymentState> open, RequestFacts facts) {
        if (affinity == null || open.size() < 2 || facts.prefixHash() == PrefixHash.NONE) return null;
        DeploymentState s = affinity.get(alias, facts.prefixHash());
        return s != null && open.contains(s) ? s : null;
    }

    /** The members of the lowest {@code order}: {@code open} itself (a list of the caller's own) when that is all of them. */
    private static List<DeploymentState> bestOrder(List<DeploymentState> open) {
        double best = Double.POSITIVE_INFINITY;
        for (DeploymentState m : open) best = Math.min(best, m.order);
        boolean all = true;
        for (DeploymentState m : open) all &= m.order == best;
        if (all) return open;
        List<DeploymentState> out = new ArrayList<>(open.size());
        for (DeploymentState m : open) if (m.order == best) out.add(m);
        return out;
    }
}
