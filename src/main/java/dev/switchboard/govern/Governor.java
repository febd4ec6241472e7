package dev.switchboard.govern;

import dev.switchboard.model.Caller;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.LogSafe;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The governance check on the request path, all in memory: may this caller use these models, within its rate
 * limits, and does the request's worst case fit in what is left of its budget and of the global one? On yes, the
 * worst case is reserved and an {@link Admission} holds it until the call settles; on no, the answer is the error
 * the SDKs understand: 403 for a model outside the allowlist, 429 with {@code retry-after} for a limit, and
 * LiteLLM's 400 {@code budget_exceeded} (which the OpenAI and Anthropic SDKs do not retry) for a budget, or the status
 * {@code budget_exceeded_status_code} names; LiteLLM's 400 for a blocked end user.
 */
public final class Governor {
    private static final Logger log = LoggerFactory.getLogger("switchboard.budget");
    /** The tokenizer-free bound is reserved only while it is at most this fraction (1/10) of what is left. */
    static final long BOUND_SHARE = 10;

    private final KeyRegistry keys;
    private final RateLimiter limiter;
    private final Budget global;
    private final LongSupplier clockMillis;
    /** Grants of the budgets shared with other gateways on the store, or null when budgets are this gateway's alone. */
    private final SharedBudgets shared;
    /** End users' blocks and budgets (LiteLLM's customers); {@link EndUsers#NONE} when there are none. */
    private final EndUsers endUsers;
    /** The HTTP status of a budget refusal (LiteLLM's {@code budget_exceeded_status_code}). */
    private int budgetStatus = GovernSettings.DEFAULT_BUDGET_STATUS;

    /** @param global the cap over every key ({@code litellm_settings.max_budget}), or null */
    Governor(KeyRegistry keys, RateLimiter limiter, Budget global, LongSupplier clockMillis) {
        this(keys, limiter, global, clockMillis, null);
    }

    Governor(KeyRegistry keys, RateLimiter limiter, Budget global, LongSupplier clockMillis, SharedBudgets shared) {
        this(keys, limiter, global, clockMillis, shared, null);
    }

    /** @param globalMaxParallel LiteLLM's {@code global_max_parallel_requests}: model calls in flight here at most, or null */
    Governor(KeyRegistry keys, RateLimiter limiter, Budget global, LongSupplier clockMillis, SharedBudgets shared,
             Integer globalMaxParallel) {
        this(keys, limiter, global, clockMillis, shared, globalMaxParallel, EndUsers.NONE);
    }

    Governor(KeyRegistry keys, RateLimiter limiter, Budget global, LongSupplier clockMillis, SharedBudgets shared,
             Integer globalMaxParallel, EndUsers endUsers) {
        this.endUsers = endUsers;
        this.globalMaxParallel = globalMaxParallel == null ? 0 : globalMaxParallel;
        this.keys = keys;
        this.limiter = limiter;
        this.global = global;
        this.clockMillis = clockMillis;
        this.shared = shared;
    }

    /**
     * @param endUser         the end user the request names ({@code user}), or null
     * @param aliases         the models the request names: its {@code model} and its {@code models} array
     * @param worstCase       what the call can cost at most; asked only when a budget applies
     * @param estimatedTokens the request's token estimate for tpm, asked only for a key with a tpm limit
     * @throws GatewayException when the caller may not make this call now
     * @throws BudgetPending    when a budget shared with other gateways needs a larger grant first (nothing is held)
     */
    public Admission admit(Caller caller, String endUser, List<String> aliases, WorstCase worstCase,
                           java.util.function.LongSupplier estimatedTokens) {
        boolean slot = takeGlobalSlot();
        try {
            Admission a = admitWithin(caller, endUser, aliases, worstCase, estimatedTokens);
            if (slot) a.holdsGlobalSlot();
            return a;
        } catch (RuntimeException e) {
            if (slot) releaseGlobalSlot();
            throw e;
        }
    }

    /** The most model calls in flight in this gateway (LiteLLM's {@code global_max_parallel_requests}); 0 for no limit. */
    private final int globalMaxParallel;
    private final java.util.concurrent.atomic.AtomicInteger globalInFlight = new java.util.concurrent.atomic.AtomicInteger();

    /** A place among the calls in flight, when they are limited: false when they are not; LiteLLM's 429 when all are taken. */
    private boolean takeGlobalSlot() {
        if (globalMaxParallel == 0) return false;
        int now = globalInFlight.incrementAndGet();
        if (now > globalMaxParallel) {
            globalInFlight.decrementAndGet();
            throw new GatewayException(ErrorKind.RATE_LIMIT, 429, "Max parallel request limit reached. Hit Global Limit: Limit="
                    + globalMaxParallel + ", current: " + (now - 1) + " (general_settings.global_max_parallel_requests).", null,
                    "max_parallel_requests", null, 1L);
        }
        return true;
    }

    void releaseGlobalSlot() { globalInFlight.decrementAndGet(); }

    /** Model calls in flight that hold a place of the global limit (0 when there is none). */
    public int globalInFlight() { return globalInFlight.get(); }

    private Admission admitWithin(Caller caller, String user, List<String> aliases, WorstCase worstCase,
                                  java.util.function.LongSupplier estimatedTokens) {
        KeyState key = null;
        if (caller.virtualKey()) {
            key = keys.byId(caller.id());
            if (key == null) throw new GatewayException(ErrorKind.AUTHENTICATION, 401, "This key was deleted.", null, "invalid_api_key", null, null);
            checkModels(key.version(), aliases);
        }
        if (caller.modelsRestricted()) checkScopeModels(caller, aliases);
        String endUser = null;
        if (endUsers.active() && user != null && !user.isBlank()) {
            if (user.length() > EndUsers.MAX_ID) {
                // the ledger keeps 255 characters: longer ids sharing their start would share one budget and one block
                throw GatewayException.badRequest("'user' is longer than " + EndUsers.MAX_ID + " characters, the most an end "
                        + "user's id may have while end-user budgets or blocks are set (litellm_settings.max_end_user_budget, "
                        + "/customer/*). Send a shorter id, such as a hash of it.", "user");
            }
            endUser = EndUsers.id(user);
            checkNotBlocked(endUser);
        }
        Budget keyBudget = key != null && key.budget.limited() ? key.budget : null;
        Budget globalBudget = global != null && global.limited() ? global : null;
        // the budgets before the rate limits: a call that waits for a shared budget's grant (and is admitted again
        // after) or is refused for its budget takes no request from the key's rpm
        Budget endUserBudget = null;
        long reserve = 0;
        for (int tries = 0; ; tries++) {
            Budget b = endUser == null ? null : endUsers.budget(endUser, clockMillis.getAsLong());
            endUserBudget = b != null && b.limited() ? b : null;
            if (keyBudget == null && globalBudget == null && endUserBudget == null) break;
            reserve = reserveBudgets(keyBudget, globalBudget, endUserBudget, endUser, worstCase);
            if (reserve >= 0) break;
            endUsers.forget(endUser, b); // let go while idle just now: made anew (with a grant from the store) and asked again
            if (tries == 3) throw new IllegalStateException("end user budget kept being let go");
        }
        RateLimiter.Limits limits = key == null ? RateLimiter.Limits.NONE : key.version().limits();
        RateLimiter.Permit permit;
        try {
            permit = !limits.any() ? RateLimiter.Permit.NONE : limiter.acquire(key.key().keyId(), limits,
                    limits.tpm() == null ? 0 : estimatedTokens.getAsLong(), System.nanoTime());
        } catch (RuntimeException e) {
            if (keyBudget != null) keyBudget.unreserve(reserve);
            if (globalBudget != null) globalBudget.unreserve(reserve);
            if (endUserBudget != null) endUserBudget.unreserve(reserve);
            throw e;
        }
        return new Admission(this, key, keyBudget != null, global, globalBudget != null, endUserBudget, reserve, permit);
    }

    /** LiteLLM's {@code budget_exceeded_status_code}: budget refusals answer with this status (4xx). */
    void budgetStatus(int status) { this.budgetStatus = status; }

    /** LiteLLM's answer for a blocked end user (its blocked-user check): a 400 naming them. */
    private void checkNotBlocked(String endUser) {
        EndUser row = endUsers.row(endUser);
        if (row != null && row.blocked()) {
            throw new GatewayException(ErrorKind.BAD_REQUEST, 400, "User blocked from making LLM API Calls. User=" + LogSafe.text(endUser)
                    + ". Unblock them with POST /customer/unblock.", "user", "end_user_blocked", null, null);
        }
    }

    /**
     * Reserves the call's worst case in each budget that applies (the key's, the global one, the end user's; at least
     * one is not null): all of them or none.
     *
     * @return what was reserved in each; -1 when the end user's budget was let go meanwhile (nothing is held: ask again)
     */
    private long reserveBudgets(Budget keyBudget, Budget globalBudget, Budget endUserBudget, String endUser, WorstCase worstCase) {
        long now = clockMillis.getAsLong();
        // The bound needs no tokenizer but can be a few times the real worst case: take it only while it is a small
        // part of what is left, so it never crowds out concurrent calls near the end of a budget.
        long bound = worstCase.boundNanos();
        long headroom = Math.min(Math.min(headroom(keyBudget, now), headroom(globalBudget, now)), headroom(endUserBudget, now));
        long reserve = bound <= headroom / BOUND_SHARE ? bound : worstCase.exactNanos();
        Budget[] order = {keyBudget, endUserBudget, globalBudget};
        for (int i = 0; i < order.length; i++) {
            Budget b = order[i];
            if (b == null) continue;
            Budget.Reserve r = b.reserve(reserve, now);
            if (r == Budget.Reserve.TAKEN) continue;
            for (int j = 0; j < i; j++) if (order[j] != null) order[j].unreserve(reserve); // undo the ones taken
            if (r == Budget.Reserve.RETIRED) return -1;
            if (r == Budget.Reserve.NEEDS_GRANT) throw new BudgetPending(shared.acquire(b, reserve));
            if (b == endUserBudget) throw endUserBudgetExceeded(b, endUser, reserve, now, budgetStatus);
            throw budgetExceeded(b, b == keyBudget ? "key" : "global", reserve, now, budgetStatus);
        }
        return reserve;
    }

    /**
     * What is left of a budget after its spend (the ledger's too, as the last grant showed it: a budget made anew on this
     * gateway knows only that) and the reservations in flight; unlimited for none.
     */
    private static long headroom(Budget b, long now) {
        return b == null ? Long.MAX_VALUE : b.headroom(now);
    }

    /** Every key's spend is tracked (for /key/info), limited or not; reservations are returned where they were taken. */
    void settle(KeyState key, long keyReserved, Budget global, long globalReserved, Budget endUser, long endUserReserved,
                long costNanos, long atMillis) {
        long now = atMillis >= 0 ? atMillis : clockMillis.getAsLong();
        if (endUser != null) endUser.settle(endUserReserved, costNanos, now);
        if (key != null) {
            if (key.budget.settle(keyReserved, costNanos, now)) softBudgetReached(key, now);
            if (keyReserved > 0 && costNanos > keyReserved) overran(key.key().keyId(), keyReserved, costNanos);
        }
        if (global != null) {
            if (global.settle(globalReserved, costNanos, now)) {
                log.warn("the global budget's soft limit is reached: ${} spent this period", usd(global.snapshot(now).spentNanos()));
            }
        }
    }

    private static void checkModels(KeyState.Version v, List<String> aliases) {
        for (String alias : aliases) {
            if (alias != null && !v.allowlist().allows(alias)) {
                throw GatewayException.modelNotAllowed(alias, v.allowlist().entries());
            }
        }
    }

    /** A JWT's {@code scope_mappings}: exact model names, as LiteLLM compares them (no wildcards). */
    private static void checkScopeModels(Caller caller, List<String> aliases) {
        for (String alias : aliases) {
            if (alias != null && !caller.models().contains(alias)) {
                throw new GatewayException(ErrorKind.PERMISSION, 403, "This token's scopes do not allow model '" + LogSafe.text(alias)
                        + "'. Allowed models: " + (caller.models().isEmpty() ? "none" : String.join(", ", caller.models())) + ".",
                        "model", "model_not_allowed", null, null);
            }
        }
    }

    /**
     * LiteLLM's message for an end user over budget first ({@code ExceededBudget: End User=… over budget. Spend=…,
     * Budget=…}: scripts match on it), then what was left and what the request needed.
     */
    private static GatewayException endUserBudgetExceeded(Budget b, String endUser, long needed, long now, int status) {
        Budget.Snapshot s = b.snapshot(now);
        long left = b.left(now);
        String message = "ExceededBudget: End User=" + LogSafe.text(endUser) + " over budget. Spend=" + usd(b.spentKnown(now))
                + ", Budget=" + usd(s.maxNanos()) + ". This request could cost up to $" + usd(needed) + " and the end user's budget has $"
                + usd(left) + " left" + (s.reservedNanos() > 0 ? " ($" + usd(s.reservedNanos()) + " is held by calls in flight)" : "")
                + (s.resetsAt() == null ? "." : "; it resets at " + java.time.Instant.ofEpochMilli(s.resetsAt()) + ".")
                + " A lower max_tokens lowers what a request can cost.";
        return new GatewayException(ErrorKind.forClientStatus(status), status, message, "user", "budget_exceeded", "budget_exceeded", null);
    }

    /** LiteLLM's message first (scripts match on it), then what was left and what the request needed. */
    private static GatewayException budgetExceeded(Budget b, String which, long needed, long now, int status) {
        Budget.Snapshot s = b.snapshot(now);
        long left = b.left(now);
        String scope = which.equals("key") ? "this key's budget" : "the gateway's global budget";
        String message = "Budget has been exceeded! Current cost: " + usd(b.spentKnown(now)) + ", Max budget: " + usd(s.maxNanos())
                + ". This request could cost up to $" + usd(needed) + " and " + scope + " has $" + usd(left) + " left"
                + (s.reservedNanos() > 0 ? " ($" + usd(s.reservedNanos()) + " is held by calls in flight)" : "")
                + (s.resetsAt() == null ? "." : "; it resets at " + java.time.Instant.ofEpochMilli(s.resetsAt()) + ".")
                + " A lower max_tokens lowers what a request can cost.";
        return new GatewayException(ErrorKind.forClientStatus(status), status, message, null, "budget_exceeded", "budget_exceeded", null);
    }

    private void softBudgetReached(KeyState key, long now) {
        VirtualKey k = key.key();
        log.warn("key {}{} reached its soft budget: ${} spent of ${} this period (max budget {})", k.keyId(),
                k.alias() == null ? "" : " (" + LogSafe.text(k.alias()) + ")", usd(key.budget.snapshot(now).spentNanos()),
                k.softBudget(), k.maxBudget() == null ? "none" : "$" + k.maxBudget());
    }

    private static void overran(String keyId, long reserved, long cost) {
        log.warn("key {}: a call cost ${}, more than the ${} reserved for it (the prompt estimate was low)", keyId, usd(cost), usd(reserved));
    }

    /** Exact US dollars in plain notation: 0.0000001, 0.25, 5. */
    static String usd(long nanos) {
        return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }
}
