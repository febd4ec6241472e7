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
    /** Teams' blocks, model lists and budgets (LiteLLM's {@code /team/*}); inactive while none is stored. */
    private final Teams teams;
    /** Users' model lists, budgets and rate limits over their keys (LiteLLM's {@code /user/*}); inactive while none is stored. */
    private final Users users;
    /** The HTTP status of a budget refusal (LiteLLM's {@code budget_exceeded_status_code}). */
    private int budgetStatus = GovernSettings.DEFAULT_BUDGET_STATUS;

    /** The governor's clock (the budgets' periods follow it). */
    long nowMillis() { return clockMillis.getAsLong(); }

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
        this(keys, limiter, global, clockMillis, shared, globalMaxParallel, endUsers, new Teams(java.util.Map.of()));
    }

    Governor(KeyRegistry keys, RateLimiter limiter, Budget global, LongSupplier clockMillis, SharedBudgets shared,
             Integer globalMaxParallel, EndUsers endUsers, Teams teams) {
        this(keys, limiter, global, clockMillis, shared, globalMaxParallel, endUsers, teams, new Users(java.util.Map.of()));
    }

    Governor(KeyRegistry keys, RateLimiter limiter, Budget global, LongSupplier clockMillis, SharedBudgets shared,
             Integer globalMaxParallel, EndUsers endUsers, Teams teams, Users users) {
        this.endUsers = endUsers;
        this.teams = teams;
        this.users = users;
        this.globalMaxParallel = globalMaxParallel == null ? 0 : globalMaxParallel;
        this.keys = keys;
        this.limiter = limiter;
        this.global = global;
        this.clockMillis = clockMillis;
        this.shared = shared;
    }

    /**
     * @param endUser         the end user the request names ({@code user}), or null
     * @param aliases         the models the request names: its {@code model}, its {@code models} array and its own
     *                        {@code fallbacks}
     * @param worstCase       what the call can cost at most; asked only when a budget applies
     * @param estimatedTokens the tokens the request reserves of a tpm limit (its prompt estimate plus its output limit ×
     *                        n, when it sets one), asked only when a tpm limit applies
     * @throws GatewayException when the caller may not make this call now
     * @throws BudgetPending    when a budget shared with other gateways needs a larger grant first (nothing is held)
     */
    public Admission admit(Caller caller, String endUser, List<String> aliases, WorstCase worstCase,
                           java.util.function.LongSupplier estimatedTokens) {
        return admit(caller, endUser, aliases, worstCase, estimatedTokens, false);
    }

    /**
     * {@link #admit(Caller, String, List, WorstCase, java.util.function.LongSupplier)}, and with {@code stream} a limited
     * key's spend before the call read under its reservation's lock ({@link Admission#keySpentNanos} before the settle:
     * a stream's headers go out before its cost). Other calls read nothing there: their headers follow the settle.
     */
    public Admission admit(Caller caller, String endUser, List<String> aliases, WorstCase worstCase,
                           java.util.function.LongSupplier estimatedTokens, boolean stream) {
        try {
            return admitWithin(caller, endUser, aliases, worstCase, estimatedTokens, stream);
        } catch (GatewayException e) {
            throw withKeyHeaders(caller, e);
        }
    }

    /**
     * A rate-limit refusal (rpm, tpm or parallel requests of the key, its team, user or member, or the gateway's
     * {@code global_max_parallel_requests}) with LiteLLM's key headers: its limiters run in its pre-call hooks, after its
     * auth, and its failure handler puts {@code get_custom_headers} (with a cost of 0) on those 429s. A virtual key's
     * spend this period as this gateway knows it (one read of its budget, on the refusal path only), its max budget and
     * its rpm and tpm limits;
     * a caller of no key row (the master key, a JWT) 0, LiteLLM's 0.0. Other refusals stay as they are: LiteLLM refuses a
     * budget, a model, an expired or blocked key in its auth, whose errors carry none.
     */
    private GatewayException withKeyHeaders(Caller caller, GatewayException e) {
        if (e.kind() != ErrorKind.RATE_LIMIT || "budget_exceeded".equals(e.code())) return e;
        KeyState key = caller.virtualKey() ? keys.byId(caller.id()) : null;
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>(e.headers());
        if (key == null) {
            h.put(Admission.KEY_SPEND_HEADER, "0");
        } else {
            h.put(Admission.KEY_SPEND_HEADER, dev.switchboard.model.PlainDecimal.ofNanos(key.budget.spentKnown(clockMillis.getAsLong())));
            KeyState.Version v = key.version();
            if (v.maxBudgetUsd() != null) h.put(Admission.KEY_MAX_BUDGET_HEADER, v.maxBudgetUsd());
            if (v.rpmLimitText() != null) h.put(Admission.KEY_RPM_LIMIT_HEADER, v.rpmLimitText());
            if (v.tpmLimitText() != null) h.put(Admission.KEY_TPM_LIMIT_HEADER, v.tpmLimitText());
        }
        return e.withHeaders(h);
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
                                  java.util.function.LongSupplier estimatedTokens, boolean stream) {
        KeyState key = null;
        // the key's version read once: its models, limits and answer headers all from the one version (an update
        // swaps it whole), with no further volatile read per call or per answer
        KeyState.Version version = null;
        if (caller.virtualKey()) {
            key = keys.byId(caller.id());
            if (key == null) throw new GatewayException(ErrorKind.AUTHENTICATION, 401, "This key was deleted.", null, "invalid_api_key", null, null);
            version = key.version();
            checkModels(version, aliases);
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
        // the key's fields from the version read above, not key.key() (another volatile read, maybe a newer version)
        VirtualKey vk = version == null ? null : version.key();
        String team = teams.active() || enforceTeamModels ? teamOf(caller, vk, aliases) : null;
        if (team != null) checkTeam(team, aliases);
        // a key's calls count for its team_id, stored or not; a JWT's for the team that governed it, else its first team
        String countsFor = key != null ? version.key().teamId()
                : team != null || caller.admin() || caller.tags().isEmpty() ? team : Teams.firstLabel(caller.tags());
        // the caller's user (LiteLLM's internal user): their rate limits hold all their calls; their models and budget
        // only the calls of no team (a team's keys and tokens have the team's, as in LiteLLM)
        String owner = users.active() ? storedUser(caller, vk) : null;
        boolean personal = owner != null && countsFor == null;
        if (personal) checkUserModels(owner, aliases);
        // a member's budget in the team that governs the call (LiteLLM's max_budget_in_team / team_member_budget)
        String member = team == null || !teams.members().active() ? null : teams.memberWithBudget(team, userOf(caller, vk));
        Budget keyBudget = key != null && key.budget.limited() ? key.budget : null;
        Budget globalBudget = global != null && global.limited() ? global : null;
        // the budgets before the rate limits: a call that waits for a shared budget's grant (and is admitted again
        // after) or is refused for its budget takes no request from the key's rpm
        Budget endUserBudget = null;
        Budget teamBudget = null;
        Budget userBudget = null;
        Budget memberBudget = null;
        long reserve = 0;
        // a limited key's stream: its spend before this call, read by its reservation under the lock it takes, so its
        // x-litellm-key-spend (its headers go before its cost) takes no lock of its own; other calls read nothing
        long[] keySpent = keyBudget == null || !stream ? null : new long[] {-1};
        for (int tries = 0; ; tries++) {
            // the clock only for an end user, a team, a user or a member (most calls have none: no clock read)
            Budget eu = endUser == null ? null : endUsers.budget(endUser, clockMillis.getAsLong());
            endUserBudget = eu != null && eu.limited() ? eu : null;
            Budget tm = team == null ? null : teams.budget(team, clockMillis.getAsLong());
            teamBudget = tm != null && tm.limited() ? tm : null;
            Budget us = personal ? users.budget(owner, clockMillis.getAsLong()) : null;
            userBudget = us != null && us.limited() ? us : null;
            Budget mb = member == null ? null : teams.members().budget(member, clockMillis.getAsLong());
            memberBudget = mb != null && mb.limited() ? mb : null;
            reserve = 0; // not a retry's code: a budget made anew may be unlimited, and then nothing is reserved
            if (keyBudget == null && globalBudget == null && endUserBudget == null && teamBudget == null && userBudget == null
                    && memberBudget == null) break;
            reserve = reserveBudgets(new Budget[] {keyBudget, userBudget, memberBudget, teamBudget, endUserBudget, globalBudget},
                    key, team, owner, member, endUser, worstCase, keySpent);
            if (reserve >= 0) break;
            // let go while idle just now: made anew (with a grant from the store) and asked again
            if (reserve == RETIRED_END_USER) endUsers.forget(endUser, eu);
            else if (reserve == RETIRED_USER) users.forget(owner, us);
            else if (reserve == RETIRED_MEMBER) teams.members().forget(member, mb);
            else teams.forget(team, tm);
            if (tries == 3) throw new IllegalStateException("an end user's, team's, user's or member's budget kept being let go");
        }
        RateLimiter.Limits limits = key == null ? RateLimiter.Limits.NONE : version.limits();
        RateLimiter.Permit permit;
        // LiteLLM's order: its auth (the models, blocks and budgets above) before its pre-call hooks, whose parallel
        // request limiter takes the global place first, then the key's, team's and user's limits. So a key over its
        // budget or asking a model it may not use gets that refusal, not the global 429, while the gateway is full
        boolean slot = false;
        try {
            slot = takeGlobalSlot();
            permit = !limits.any() ? RateLimiter.Permit.NONE : limiter.acquire(version.key().keyId(), limits,
                    limits.tpm() == null ? 0 : estimatedTokens.getAsLong(), System.nanoTime());
            if (key != null && !version.modelLimits().isEmpty()) permit = withModelLimits(permit, version, aliases.isEmpty() ? null : aliases.get(0), estimatedTokens);
            if (team != null) permit = withRowLimits(permit, teams, team, "team: ", estimatedTokens);
            if (team != null && teams.memberLimits().anyIn(team)) permit = withMemberLimits(permit, team, userOf(caller, vk), estimatedTokens);
            if (owner != null) permit = withRowLimits(permit, users, owner, "user: ", estimatedTokens);
        } catch (RuntimeException e) {
            if (slot) releaseGlobalSlot();
            if (keyBudget != null) keyBudget.unreserve(reserve);
            if (globalBudget != null) globalBudget.unreserve(reserve);
            if (endUserBudget != null) endUserBudget.unreserve(reserve);
            if (teamBudget != null) teamBudget.unreserve(reserve);
            if (userBudget != null) userBudget.unreserve(reserve);
            if (memberBudget != null) memberBudget.unreserve(reserve);
            throw e;
        }
        Admission a = new Admission(this, key, version, keyBudget != null, global, globalBudget != null,
                rowBudgets(endUserBudget, teamBudget, userBudget, memberBudget), countsFor, reserve, permit,
                keySpent == null ? -1 : keySpent[0]);
        if (slot) a.holdsGlobalSlot();
        return a;
    }

    /** The row budgets a call reserved in, for its settling (no array for the many calls that have none). */
    private static Budget[] rowBudgets(Budget a, Budget b, Budget c, Budget d) {
        int n = (a != null ? 1 : 0) + (b != null ? 1 : 0) + (c != null ? 1 : 0) + (d != null ? 1 : 0);
        if (n == 0) return Admission.NO_ROWS;
        Budget[] out = new Budget[n];
        int i = 0;
        if (a != null) out[i++] = a;
        if (b != null) out[i++] = b;
        if (c != null) out[i++] = c;
        if (d != null) out[i] = d;
        return out;
    }

    /**
     * Whether a call of this caller reserves in some budget, as far as the caller alone tells (read-only: no budget is
     * made, nothing read from the store): the global budget, its key's, its team's (a key's {@code team_id}, a token's
     * stored teams), a member's in that team, its user's for calls of no team. An end user's budget depends on the
     * request's {@code user} and is left out. For the checks a call makes only under a budget, asked where no call is
     * made ({@code GET /v1/models/{model}}: a model nothing prices).
     */
    public boolean budgetApplies(Caller caller) {
        if (global != null && global.limited()) return true;
        KeyState key = caller.virtualKey() ? keys.byId(caller.id()) : null;
        if (key != null && key.budget.limited()) return true;
        if (caller.admin()) return false;
        List<String> teamIds = key != null ? (key.key().teamId() == null ? List.of() : List.of(key.key().teamId()))
                : Teams.labels(caller.tags());
        if (teams.active() && !teamIds.isEmpty()) {
            String user = userOf(caller, key == null ? null : key.key());
            for (String id : teamIds) {
                Team t = teams.row(id);
                if (t == null) continue;
                if (t.maxBudget() != null || teams.members().active() && teams.memberWithBudget(id, user) != null) return true;
            }
        }
        // a user's budget holds their calls of no team: a key without team_id, a token without a team label
        if (!teamIds.isEmpty() || !users.active()) return false;
        String owner = storedUser(caller, key == null ? null : key.key());
        User row = owner == null ? null : users.row(owner);
        return row != null && row.maxBudget() != null;
    }

    /** The user a call is made for: a key's {@code user_id}, a (non-admin) token's user; null for none. */
    private static String userOf(Caller caller, VirtualKey key) {
        if (key != null) return key.userId();
        return caller.admin() ? null : Users.countedFor(null, caller.tags());
    }

    /**
     * A team's or a user's rpm / tpm limits (LiteLLM's, shared by all their callers, across gateways like a key's) taken
     * after the key's; when they refuse, the permits taken before are cancelled (their requests given back: the call was
     * never made).
     */
    private RateLimiter.Permit withRowLimits(RateLimiter.Permit before, LimitedRows<?> rows, String id, String what,
                                             java.util.function.LongSupplier estimatedTokens) {
        String lid = rows.limiterIdOf(id); // first: limits taken away meanwhile leave it null, not a bucket without an id
        RateLimiter.Limits l = rows.limits(id);
        if (lid == null || !l.any()) return before;
        try {
            RateLimiter.Permit p = limiter.acquire(lid, what + id, l, l.tpm() == null ? 0 : estimatedTokens.getAsLong(),
                    System.nanoTime());
            return RateLimiter.Permit.both(before, p);
        } catch (RuntimeException e) {
            before.cancel(System.nanoTime()); // never made: the key's (and team's) requests are given back too
            throw e;
        }
    }

    /**
     * The key's limits for the model the request asks for (LiteLLM's {@code model_rpm_limit} / {@code model_tpm_limit},
     * keyed by its model group: the alias asked for), taken after the key's own in the same limiter; when they refuse,
     * the key's permit is cancelled (its request given back: the call was never made).
     */
    private RateLimiter.Permit withModelLimits(RateLimiter.Permit before, KeyState.Version version, String model,
                                               java.util.function.LongSupplier estimatedTokens) {
        // LiteLLM maps the key's alias first (_update_model_if_key_alias_exists), then its limiter reads data["model"]:
        // a limit on "gpt-4o" holds a call of an alias of this key that points there, and none on the alias's own name
        // (teams have no model_aliases here: refused by /team/new)
        ModelLimits.One one = model == null ? null : version.modelLimits().get(version.key().aliases().getOrDefault(model, model));
        if (one == null) return before;
        try {
            RateLimiter.Permit p = limiter.acquire(one.limiterId(), one.who(), one.limits(),
                    one.limits().tpm() == null ? 0 : estimatedTokens.getAsLong(), System.nanoTime());
            return RateLimiter.Permit.both(before, ModelLimits.permit(one, p));
        } catch (GatewayException e) {
            before.cancel(System.nanoTime());
            throw ModelLimits.refusal(one, version.key().keyId(), e, clockMillis.getAsLong());
        } catch (RuntimeException e) {
            before.cancel(System.nanoTime());
            throw e;
        }
    }

    /**
     * A member's rpm / tpm limits in the team that governs the call (LiteLLM's {@code team_member_rpm_limit} /
     * {@code tpm_limit}), over their calls of the team on all their keys, taken after the team's; when they refuse, the
     * permits taken before are cancelled. Called only for a team with member limits ({@link MemberLimits#anyIn}).
     */
    private RateLimiter.Permit withMemberLimits(RateLimiter.Permit before, String team, String user,
                                                java.util.function.LongSupplier estimatedTokens) {
        MemberLimits members = teams.memberLimits();
        String member = members.limited(team, user);
        if (member == null) return before;
        String lid = members.limiterIdOf(member);
        RateLimiter.Limits l = members.limits(member);
        if (lid == null || !l.any()) return before; // its limits taken away a moment ago
        try {
            RateLimiter.Permit p = limiter.acquire(lid, "team_member: " + user + " in team " + team, l,
                    l.tpm() == null ? 0 : estimatedTokens.getAsLong(), System.nanoTime());
            return RateLimiter.Permit.both(before, p);
        } catch (RuntimeException e) {
            before.cancel(System.nanoTime());
            throw e;
        }
    }

    /**
     * The stored user a key's {@code user_id} names, or a JWT's user (its {@code user:} tag: the token's user id), or
     * null (a label only; admins have none: LiteLLM's admins pass before its user checks).
     */
    private String storedUser(Caller caller, VirtualKey key) {
        if (caller.admin()) return null;
        String id = key != null ? key.userId() : Users.countedFor(null, caller.tags());
        return id != null && users.row(id) != null ? id : null;
    }

    /** LiteLLM's check of a user's models on their own keys (the key's own list was checked before). */
    private void checkUserModels(String user, List<String> aliases) {
        ModelAllowlist allow = users.allowlist(user);
        User row = users.row(user);
        if (allow == null || row == null) return; // deleted a moment ago
        for (String alias : aliases) {
            if (alias != null && !allow.allows(alias)) {
                throw new GatewayException(ErrorKind.PERMISSION, 403, "user not allowed to access model. This user can only access "
                        + "models=" + LogSafe.text(pythonList(row.models())) + ". Tried to access " + LogSafe.text(alias) + ".", "model",
                        "user_model_access_denied", null, null);
            }
        }
    }

    /**
     * Whether the caller's user may use {@code alias} (for fallbacks and {@code /v1/models}): a stored user's list holds
     * their calls of no team, a key's without {@code team_id}, a token's without a team.
     */
    boolean userAllows(Caller caller, String alias) {
        if (!users.active()) return true;
        KeyState key = caller.virtualKey() ? keys.byId(caller.id()) : null;
        if (key != null ? key.key().teamId() != null : !Teams.labels(caller.tags()).isEmpty()) return true;
        String user = storedUser(caller, key == null ? null : key.key());
        ModelAllowlist allow = user == null ? null : users.allowlist(user);
        return allow == null || allow.allows(alias);
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

    /** What {@link #reserveBudgets} answers when the end user's budget, the team's or the user's was let go meanwhile. */
    private static final long RETIRED_END_USER = -1, RETIRED_TEAM = -2, RETIRED_USER = -3, RETIRED_MEMBER = -4;

    /**
     * Reserves the call's worst case in each budget that applies: all of them or none.
     *
     * @param order the key's, its user's, the member's in the team, the team's, the end user's and the global budget, in
     *              that order, null for those that do not apply (at least one applies)
     * @return what was reserved in each; a {@code RETIRED_…} code when that budget was let go meanwhile (nothing is
     *         held: ask again)
     */
    private long reserveBudgets(Budget[] order, KeyState key, String team, String user, String member, String endUser, WorstCase worstCase,
                                long[] keySpent) {
        long now = clockMillis.getAsLong();
        // The bound needs no tokenizer but can be a few times the real worst case: take it only while it is a small
        // part of what is left, so it never crowds out concurrent calls near the end of a budget.
        long bound = worstCase.boundNanos();
        long headroom = Long.MAX_VALUE;
        for (Budget b : order) headroom = Math.min(headroom, headroom(b, now));
        long reserve = bound <= headroom / BOUND_SHARE ? bound : worstCase.exactNanos();
        Budget keyBudget = order[0], userBudget = order[1], memberBudget = order[2], teamBudget = order[3], endUserBudget = order[4];
        for (int i = 0; i < order.length; i++) {
            Budget b = order[i];
            if (b == null) continue;
            Budget.Reserve r;
            if (i == 0 && keySpent != null) { // a stream's key: its spend too, under the same lock
                long answer = b.reserveKnown(reserve, now);
                r = Budget.reserveOf(answer);
                keySpent[0] = Budget.reservedSpend(answer);
            } else {
                r = b.reserve(reserve, now);
            }
            if (r == Budget.Reserve.TAKEN) continue;
            for (int j = 0; j < i; j++) if (order[j] != null) order[j].unreserve(reserve); // undo the ones taken
            if (r == Budget.Reserve.RETIRED) {
                return b == teamBudget ? RETIRED_TEAM : b == userBudget ? RETIRED_USER : b == memberBudget ? RETIRED_MEMBER : RETIRED_END_USER;
            }
            if (r == Budget.Reserve.NEEDS_GRANT) throw new BudgetPending(shared.acquire(b, reserve));
            if (b.refusalToTell(reserve, now)) {
                tell(b == keyBudget ? keySubject(key) : b == order[5] ? BudgetAlerts.Subject.PROXY : rowSubject(b), b,
                        BudgetAlerts.MAX, now);
            }
            if (b == endUserBudget) throw endUserBudgetExceeded(b, endUser, reserve, now, budgetStatus);
            if (b == teamBudget) throw teamBudgetExceeded(b, team, reserve, now, budgetStatus);
            if (b == userBudget) throw userBudgetExceeded(b, user, reserve, now, budgetStatus);
            if (b == memberBudget) throw memberBudgetExceeded(b, member, reserve, now, budgetStatus);
            throw budgetExceeded(b, b == keyBudget ? "key" : "global", reserve, now, budgetStatus);
        }
        return reserve;
    }

    /**
     * The team that governs this call ({@link Teams#governing}), or null. A key's is the stored team its {@code team_id}
     * names; a JWT's is, as
     * LiteLLM picks it, the first of the token's stored teams that may use the models asked for: LiteLLM's 403 when some
     * are stored and none may, or (with {@code enforce_team_based_model_access}) when none is stored.
     */
    private String teamOf(Caller caller, VirtualKey key, List<String> aliases) {
        if (caller.admin()) return null; // LiteLLM's admins pass before any team check; the gateway's own calls too
        if (key != null) { // a key's team is its team_id (its own tags name none: KeyFields refuses team: tags)
            String id = key.teamId();
            return id != null && teams.row(id) != null ? id : null;
        }
        boolean jwt = isJwt(caller);
        boolean enforce = jwt && enforceTeamModels;
        if (caller.tags().isEmpty() && !enforce) return null;
        List<String> labels = Teams.labels(caller.tags());
        String team = teams.governing(labels, aliases, jwt);
        if (team == null && jwt && (enforce || teams.anyStored(labels))) {
            if (labels.isEmpty()) {
                throw new GatewayException(ErrorKind.PERMISSION, 403, "No teams found in token. `enforce_team_based_model_access` is "
                        + "set to True. Token must belong to a team.", "model", "team_model_access_denied", null, null);
            }
            String model = aliases.isEmpty() ? null : aliases.get(0);
            throw new GatewayException(ErrorKind.PERMISSION, 403, "No team has access to the requested model: " + LogSafe.text(model)
                    + ". Checked teams=" + LogSafe.text(pythonList(labels)) + ". Check `/models` to see all available models.",
                    "model", "team_model_access_denied", null, null);
        }
        return team;
    }

    /** LiteLLM's answer for a blocked team: 401, on every route (the authenticator refuses its keys too). */
    static GatewayException teamBlocked(String team) {
        return new GatewayException(ErrorKind.AUTHENTICATION, 401, "Authentication Error, Team=" + LogSafe.text(team) + " is blocked. "
                + "Update via `/team/unblock` if you're an admin.", null, "team_blocked", null, null);
    }

    /** A list as LiteLLM's messages print it (Python's {@code ['a', 'b']}), so scripts matching them keep working. */
    private static String pythonList(List<String> items) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) sb.append(i == 0 ? "'" : ", '").append(items.get(i)).append('\'');
        return sb.append(']').toString();
    }

    /** A caller signed in by a JWT (not an admin one): neither a virtual key nor an admin (master key, anonymous, internal). */
    private static boolean isJwt(Caller caller) {
        return !caller.virtualKey() && !caller.admin();
    }

    /** LiteLLM's {@code enforce_team_based_model_access}: a JWT's call needs a stored team of the token that may use the model. */
    void enforceTeamModels(boolean on) { this.enforceTeamModels = on; }

    /** Set once, before the gateway serves (so a plain field: the request path reads no second volatile). */
    private boolean enforceTeamModels;

    /** LiteLLM's team checks, in its order: the block, then the team's models. */
    private void checkTeam(String team, List<String> aliases) {
        Team row = teams.row(team);
        if (row == null) return; // deleted a moment ago
        if (row.blocked()) throw teamBlocked(team);
        ModelAllowlist allow = teams.allowlist(team);
        if (allow == null) return;
        for (String alias : aliases) {
            if (alias != null && !allow.allows(alias)) {
                throw new GatewayException(ErrorKind.PERMISSION, 403, "Team not allowed to access model. Team=" + LogSafe.text(team)
                        + ", Model=" + LogSafe.text(alias) + ". Allowed team models = " + LogSafe.text(pythonList(row.models())) + ".", "model",
                        "team_model_access_denied", null, null);
            }
        }
    }

    /**
     * Whether the caller's team may use {@code alias}: for a call, the team it was admitted under ({@code callTeam}, the
     * call's {@link Admission#team()}), so a fallback stays inside that team's models; else (for {@code /v1/models}, or a
     * call whose team is a label only) the team a call of that alias would be governed by.
     */
    boolean teamAllows(Caller caller, String alias, String callTeam) {
        if (callTeam != null) {
            ModelAllowlist allow = teams.allowlist(callTeam);
            if (allow != null) return allow.allows(alias);
        }
        return teamAllows(caller, alias);
    }

    /**
     * The refusal a call of {@code alias} would get for its model (a key's allowlist, a token's scopes, its team's or its
     * user's models), in the words the call would get; null when the model is allowed. For {@code count_tokens}, which
     * reaches no model but answers as a call would.
     */
    GatewayException modelRefusal(Caller caller, String alias) {
        List<String> aliases = java.util.Collections.singletonList(alias);
        try {
            KeyState key = caller.virtualKey() ? keys.byId(caller.id()) : null;
            if (key != null) checkModels(key.version(), aliases);
            if (caller.modelsRestricted()) checkScopeModels(caller, aliases);
            VirtualKey vk = key == null ? null : key.key();
            String team = teams.active() || enforceTeamModels ? teamOf(caller, vk, aliases) : null;
            if (team != null) checkTeam(team, aliases);
            String countsFor = vk != null ? vk.teamId()
                    : team != null || caller.admin() || caller.tags().isEmpty() ? team : Teams.firstLabel(caller.tags());
            String owner = users.active() ? storedUser(caller, vk) : null;
            if (owner != null && countsFor == null) checkUserModels(owner, aliases);
            return null;
        } catch (GatewayException refused) {
            return refused;
        }
    }

    /** Whether the team a call of {@code alias} would be governed by (if any) may use it. */
    boolean teamAllows(Caller caller, String alias) {
        if (!teams.active() && !enforceTeamModels) return true;
        String team;
        try {
            KeyState key = caller.virtualKey() ? keys.byId(caller.id()) : null;
            team = teamOf(caller, key == null ? null : key.key(), java.util.Collections.singletonList(alias));
        } catch (GatewayException refused) {
            return false;
        }
        if (team == null) return true;
        ModelAllowlist allow = teams.allowlist(team);
        return allow == null || allow.allows(alias);
    }

    /**
     * What is left of a budget after its spend (the ledger's too, as the last grant showed it: a budget made anew on this
     * gateway knows only that) and the reservations in flight; unlimited for none.
     */
    private static long headroom(Budget b, long now) {
        return b == null ? Long.MAX_VALUE : b.headroom(now);
    }

    /**
     * Every key's spend is tracked (for /key/info), limited or not; reservations are returned where they were taken.
     *
     * @return the key's spend this period after this settle, read under the lock the settle takes
     *         ({@link Budget#settleKnown}), or -1 for no key (or a spend too large for that answer)
     */
    long settle(KeyState key, long keyReserved, Budget global, long globalReserved, Budget[] rows, long reserved, long costNanos,
                long atMillis) {
        long now = atMillis >= 0 ? atMillis : clockMillis.getAsLong();
        long keySpent = -1;
        for (Budget b : rows) {
            int crossed = b.settle(reserved, costNanos, now);
            if (crossed != 0) tell(rowSubject(b), b, crossed, now);
        }
        if (key != null) {
            long settled = key.budget.settleKnown(keyReserved, costNanos, now);
            keySpent = Budget.spentOf(settled);
            int crossed = Budget.crossed(settled);
            if ((crossed & BudgetAlerts.SOFT) != 0) softBudgetReached(key, now);
            if (crossed != 0) tell(keySubject(key), key.budget, crossed, now);
            if (keyReserved > 0 && costNanos > keyReserved) overran(key.key().keyId(), keyReserved, costNanos);
        }
        if (global != null) {
            int crossed = global.settle(globalReserved, costNanos, now);
            if ((crossed & BudgetAlerts.SOFT) != 0) {
                log.warn("the global budget's soft limit is reached: ${} spent this period", usd(global.snapshot(now).spentNanos()));
            }
            if (crossed != 0) tell(BudgetAlerts.Subject.PROXY, global, crossed, now);
        }
        return keySpent;
    }

    /** Where budget alerts go ({@code general_settings.alerting: [webhook]}); set once, before the gateway serves. */
    public void alerts(BudgetAlertSink sink) { this.alerts = sink == null ? BudgetAlertSink.NONE : sink; }

    private BudgetAlertSink alerts = BudgetAlertSink.NONE;

    /** Hands the alerts of the levels {@code b} newly crossed to the sink (which only queues them). */
    private void tell(BudgetAlerts.Subject who, Budget b, int crossed, long now) {
        if (who == null || alerts == BudgetAlertSink.NONE) return;
        Long max = b.snapshot(now).maxNanos();
        for (BudgetAlert a : BudgetAlerts.events(crossed, who, b.spentKnown(now), b.softNanos(), max == null ? Budget.NO_LIMIT : max)) {
            alerts.alert(a);
        }
    }

    /** A key's alert names it as LiteLLM's does: its hash ({@code token}, never the key), alias, user and team. */
    private BudgetAlerts.Subject keySubject(KeyState key) {
        VirtualKey k = key.key();
        Team team = k.teamId() == null ? null : teams.row(k.teamId());
        User user = k.userId() == null ? null : users.row(k.userId());
        return new BudgetAlerts.Subject("key", k.token(), k.alias(), k.userId(), k.teamId(), team == null ? null : team.alias(),
                user == null ? null : user.email());
    }

    /** A team's or a user's budget; null for the others (end users', members'), whose alerts are not told. */
    private BudgetAlerts.Subject rowSubject(Budget b) {
        String group = b.alertGroup();
        if (group == null) return null;
        String id = b.alertId();
        if (group.equals("team")) {
            Team t = teams.row(id);
            return new BudgetAlerts.Subject("team", null, null, null, id, t == null ? null : t.alias(), null);
        }
        User u = users.row(id);
        return new BudgetAlerts.Subject("user", null, null, id, null, null, u == null ? null : u.email());
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
        return budgetRefusal(b, "ExceededBudget: End User=" + LogSafe.text(endUser) + " over budget. Spend=" + usd(b.spentKnown(now))
                + ", Budget=" + usd(b.snapshot(now).maxNanos()), "the end user's budget", needed, now, status, "user");
    }

    /**
     * LiteLLM's message for a team over budget first ({@code Budget has been exceeded! Team=… Current cost: …, Max
     * budget: …}), then what was left and what the request needed.
     */
    private static GatewayException teamBudgetExceeded(Budget b, String team, long needed, long now, int status) {
        return budgetRefusal(b, "Budget has been exceeded! Team=" + LogSafe.text(team) + " Current cost: " + usd(b.spentKnown(now))
                + ", Max budget: " + usd(b.snapshot(now).maxNanos()), "the team's budget", needed, now, status, null);
    }

    /**
     * LiteLLM's message for a user over budget first ({@code ExceededBudget: User=… over budget. Spend=…, Budget=…}), then
     * what was left and what the request needed.
     */
    private static GatewayException userBudgetExceeded(Budget b, String user, long needed, long now, int status) {
        return budgetRefusal(b, "ExceededBudget: User=" + LogSafe.text(user) + " over budget. Spend=" + usd(b.spentKnown(now))
                + ", Budget=" + usd(b.snapshot(now).maxNanos()), "the user's budget", needed, now, status, null);
    }

    /**
     * LiteLLM's message for a member over their budget in the team first ({@code Budget has been exceeded! User=… in
     * Team=… Current cost: …, Max budget: …}), then what was left and what the request needed.
     */
    private static GatewayException memberBudgetExceeded(Budget b, String member, long needed, long now, int status) {
        int tab = member.indexOf('\t');
        return budgetRefusal(b, "Budget has been exceeded! User=" + LogSafe.text(member.substring(tab + 1)) + " in Team="
                + LogSafe.text(member.substring(0, tab)) + " Current cost: " + usd(b.spentKnown(now)) + ", Max budget: "
                + usd(b.snapshot(now).maxNanos()), "the member's budget in the team", needed, now, status, null);
    }

    /** LiteLLM's message first (scripts match on it), then what was left and what the request needed. */
    private static GatewayException budgetExceeded(Budget b, String which, long needed, long now, int status) {
        return budgetRefusal(b, "Budget has been exceeded! Current cost: " + usd(b.spentKnown(now)) + ", Max budget: "
                + usd(b.snapshot(now).maxNanos()), which.equals("key") ? "this key's budget" : "the gateway's global budget",
                needed, now, status, null);
    }

    /**
     * {@code head} (LiteLLM's words), then what {@code scope} has left and when it resets. The spend the head says is
     * what this gateway knows without asking the store (the request path never waits on it): when other gateways share
     * the budget, the message says as of when, since their calls after that are not in it.
     */
    private static GatewayException budgetRefusal(Budget b, String head, String scope, long needed, long now, int status, String param) {
        Budget.Snapshot s = b.snapshot(now);
        Long seenAt = b.othersSeenAt(now);
        String message = head + ". This request could cost up to $" + usd(needed) + " and " + scope + " has $" + usd(b.left(now))
                + " left" + (s.reservedNanos() > 0 ? " ($" + usd(s.reservedNanos()) + " is held by calls in flight)" : "")
                + (s.resetsAt() == null ? "." : "; it resets at " + java.time.Instant.ofEpochMilli(s.resetsAt()) + ".")
                + (seenAt == null ? "" : " Other gateways share this budget: the spend said is the ledger's at "
                        + java.time.Instant.ofEpochMilli(seenAt) + " (this gateway's last look at the store) plus this gateway's "
                        + "calls since.")
                + " A lower max_tokens lowers what a request can cost.";
        return new GatewayException(ErrorKind.forClientStatus(status), status, message, param, "budget_exceeded", "budget_exceeded", null);
    }

    private void softBudgetReached(KeyState key, long now) {
        VirtualKey k = key.key();
        log.warn("key {}{} reached its soft budget: ${} spent of ${} this period (max budget {})", k.keyId(),
                k.alias() == null ? "" : " (" + LogSafe.text(k.alias()) + ")", usd(key.budget.snapshot(now).spentNanos()),
                k.softBudget(), k.maxBudget() == null ? "none" : "$" + k.maxBudget());
    }

    private static void overran(String keyId, long reserved, long cost) {
        log.warn("key {}: a call cost ${}, more than the ${} reserved for it (the prompt estimate was low, or the provider wrote"
                + " past the output limit the reservation assumed)", keyId, usd(cost), usd(reserved));
    }

    /** Exact US dollars in plain notation: 0.0000001, 0.25, 5. */
    static String usd(long nanos) {
        return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }
}
