package dev.switchboard.govern;

import dev.switchboard.store.Database;
import io.vertx.core.Vertx;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The governance stage's parts, wired once: virtual keys loaded from the store into memory, each key's budget and the
 * global one rebuilt from the ledger (so a restart keeps every spent cent), the authenticator, the governor the
 * pipeline asks on every request, and the key admin API. Opening blocks (it reads the store): call it at start.
 */
public final class Governance {
    private static final Logger log = LoggerFactory.getLogger(Governance.class);

    private final Authenticator authenticator;
    private final Governor governor;
    private final KeyAdmin admin;
    private final KeyRegistry registry;
    /**
     * How often each gateway takes in the key changes other gateways on the same database made, and writes its
     * heartbeat (its budget grants' use). 2 s; the system property {@code switchboard.sync-millis} (100 to 2,000) shortens
     * it for a whole JVM, for the test suite: its multi-gateway tests wait for syncs, and run with 500 ms (pom.xml). Not
     * longer than 2 s: the grants' and rate-limit rows' leases and the wait for another gateway's unused grant
     * ({@code SharedBudgets.WAIT_ROUNDS}) are sized for a 2 s heartbeat.
     */
    public static final long KEY_SYNC_MILLIS = syncMillis();

    private static long syncMillis() {
        return testMillis("switchboard.sync-millis", System.getProperty("switchboard.sync-millis"), 100, 2_000, 2_000,
                "key sync and heartbeat every {} ms");
    }

    /**
     * A whole-JVM timing for the test suite from system property {@code name}: {@code fallback} without it, else a number
     * of milliseconds from {@code min} to {@code max} (anything else refuses to start), warned about when it differs.
     */
    private static long testMillis(String name, String set, long min, long max, long fallback, String warning) {
        if (set == null) return fallback;
        long ms;
        try {
            ms = Long.parseLong(set.trim());
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < min || ms > max) {
            throw new IllegalArgumentException("-D" + name + " must be a number of milliseconds from " + min + " to " + max + ", not '" + set + "'");
        }
        if (ms != fallback) LoggerFactory.getLogger(Governance.class).warn(warning + " (-D" + name + "; " + fallback + " without it): a setting for tests", ms);
        return ms;
    }

    /**
     * On PostgreSQL, how long the server keeps a gateway's lock session that says nothing ({@code SessionLock.SILENT_MILLIS},
     * at least this) and, at three fifths of it, how long a call waits for another gateway's unused grant
     * ({@code SharedBudgets.WAIT_ROUNDS} rounds of a second): 10 s and 6 s. The system property
     * {@code switchboard.lock-silence-millis} (5,000 to 10,000) shortens both together for a whole JVM, for the test
     * suite (5 s and 3 s, pom.xml): its tests of a stalled, blackholed or crashed gateway wait them out. The wait stays
     * below the silence by the same ratio, so a gateway stalled for one call's wait is never taken for gone.
     */
    public static final long LOCK_SILENCE_MILLIS = lockSilenceMillis(System.getProperty("switchboard.lock-silence-millis"));

    static long lockSilenceMillis(String set) {
        return testMillis("switchboard.lock-silence-millis", set, 5_000, 10_000, 10_000,
                "lock sessions end after {} ms of silence");
    }
    private long syncTimer = -1;
    private Vertx vertx;
    private EndUserAdmin customers;
    private TeamAdmin teams;
    private UserAdmin users;

    private final SharedBudgets shared;
    private final SharedRateLimits sharedLimits;

    private Governance(Authenticator authenticator, Governor governor, KeyAdmin admin, KeyRegistry registry, SharedBudgets shared,
                       SharedRateLimits sharedLimits) {
        this.authenticator = authenticator;
        this.governor = governor;
        this.admin = admin;
        this.registry = registry;
        this.shared = shared;
        this.sharedLimits = sharedLimits;
    }

    /**
     * Every stored key into the registry with its spend of its budget period: one grouped sum per
     * {@value KeyStore#KEYS_PER_SUM} keys ({@link KeyStore#spentThisPeriod(java.util.Collection, long)}), not one
     * statement (and transaction) per key, which made a start with 3,000 keys thousands of reads.
     */
    static void loadKeys(KeyStore store, KeyRegistry registry, long now) {
        java.util.List<VirtualKey> all = store.all();
        java.util.Map<String, Long> spent = store.spentThisPeriod(all, now);
        for (VirtualKey k : all) registry.put(k, spent.getOrDefault(k.keyId(), 0L), now);
    }

    /** @param isMasterKey null when no master key is configured */
    public static Governance open(Vertx vertx, Database db, GovernSettings settings, Predicate<String> isMasterKey,
                                  RateLimiter limiter, LongSupplier clockMillis) {
        BudgetPeriod.useZone(settings.budgetZone());
        KeyStore store = new KeyStore(db);
        // Budgets are always spent out of grants in the store: whether another gateway shares it cannot be known
        // beforehand (one alone takes a whole budget's grant with its first call, and never asks again that period).
        KeyRegistry registry = new KeyRegistry(true, settings.accessGroups());
        registry.forgetLimitsWith(limiter::forget); // a model taken out of a key's model_rpm_limit / model_tpm_limit
        long now = clockMillis.getAsLong();
        loadKeys(store, registry, now);
        RetiredTokens retired = new RetiredTokens(db);
        registry.graces(retired.graces(now)); // rotated-away secrets still in their grace period (a restart keeps them)
        Budget global = null;
        if (settings.globalMaxBudget() != null) {
            // LiteLLM keeps the global budget as a user row made when the proxy first starts, reset on its schedule; here
            // its periods are set at the epoch (the same on every gateway): only a custom number of days depends on that
            BudgetPeriod periods = BudgetPeriod.of(settings.globalPeriod(), 0, 0);
            global = new Budget(Budget.nanos(settings.globalMaxBudget()), Budget.NO_LIMIT, periods,
                    store.spentSince(null, periods.start(now)), now, new Budget.Grant(SharedBudgets.GLOBAL));
            // plain digits, as the other budget lines: a double's own text said $1.0E-6
            log.info("global budget: ${}{}, ${} spent this period", java.math.BigDecimal.valueOf(settings.globalMaxBudget()).stripTrailingZeros().toPlainString(),
                    settings.globalPeriod() == null ? "" : " per " + settings.globalPeriod(), Governor.usd(global.snapshot(now).spentNanos()));
        }
        if (registry.size() > 0) log.info("{} virtual key(s) loaded", registry.size());
        JwtAuthenticator jwt = settings.jwt() == null ? null : JwtAuthenticator.start(vertx, settings.jwt(), JwksKeys.overHttp(), clockMillis);
        EndUserStore endUserStore = new EndUserStore(db);
        EndUsers endUsers = new EndUsers(Budget.nanos(settings.endUserMaxBudget()));
        for (EndUser u : endUserStore.all()) endUsers.put(u, now);
        if (settings.endUserMaxBudget() != null) log.info("every end user's budget: ${} (unless their /customer row says otherwise)", settings.endUserMaxBudget());
        if (!endUsers.rows().isEmpty()) log.info("{} end user(s) (customers) loaded", endUsers.rows().size());
        TeamStore teamStore = new TeamStore(db);
        Teams teams = new Teams(settings.accessGroups());
        teams.forgetLimitsWith(limiter::forget);
        teams.memberLimits().forgetLimitsWith(limiter::forget);
        for (Team t : teamStore.all()) teams.put(t, now);
        if (!teams.rows().isEmpty()) log.info("{} team(s) loaded", teams.rows().size());
        UserStore userStore = new UserStore(db);
        Users users = new Users(settings.accessGroups());
        users.forgetLimitsWith(limiter::forget);
        for (User u : userStore.all()) users.put(u, now);
        if (!users.rows().isEmpty()) log.info("{} user(s) loaded", users.rows().size());
        SharedBudgets shared = new SharedBudgets(db, vertx, registry, endUsers, teams, users, global, clockMillis, SharedBudgets.LEASE_MILLIS);
        SharedRateLimits sharedLimits = new SharedRateLimits(db, limiter, registry, teams, users, clockMillis, System::nanoTime,
                shared.gatewayId);
        sharedLimits.sync(); // at start: what other gateways took before this one is its baseline, not its business
        Governance g = new Governance(new Authenticator(isMasterKey, registry, clockMillis, jwt),
                new Governor(registry, limiter, global, clockMillis, shared, settings.globalMaxParallel(), endUsers, teams, users),
                new KeyAdmin(vertx, store, retired, registry, limiter, clockMillis, isMasterKey), registry, shared, sharedLimits);
        g.vertx = vertx;
        g.global = global;
        g.globalPeriod = settings.globalPeriod();
        g.governor.budgetStatus(settings.budgetStatus());
        g.admin.generateRules(settings.keyGenerate());
        g.authenticator.teams(teams);
        g.governor.enforceTeamModels(settings.jwt() != null && settings.jwt().enforceTeamModels());
        g.customers = new EndUserAdmin(vertx, endUserStore, endUsers, clockMillis);
        g.teams = new TeamAdmin(vertx, teamStore, teams, registry, g.admin.spends(), clockMillis);
        g.users = new UserAdmin(vertx, userStore, users, registry, g.admin, clockMillis, settings.userDefaults());
        g.teams.modelCheck(g.admin::modelCheck); // a team's and a user's models are checked as a key's
        g.users.modelCheck(g.admin::modelCheck);
        g.admin.expandUsersWith(g.users::row); // /key/list?expand=user
        g.teams.users(g.users); // team members' users are made through it
        g.users.teams(g.teams); // and a user's memberships are shown and let go through this
        g.admin.ownersFrom(g.users, g.teams); // a key looked up at its first call comes with its user's and team's rows
        // several gateways on one PostgreSQL (or SQLite file) see each other's keys, blocks, rotations and deletes, and
        // keep their grants of shared budgets alive (giving back what another gateway waits for)
        g.syncTimer = vertx.setPeriodic(KEY_SYNC_MILLIS, id -> {
            g.admin.syncFromStore().onFailure(e -> syncFailed("read the keys other gateways changed", e));
            g.customers.syncFromStore().onFailure(e -> syncFailed("read the end users other gateways changed", e));
            g.teams.syncFromStore().onFailure(e -> syncFailed("read the teams other gateways changed", e));
            g.users.syncFromStore().onFailure(e -> syncFailed("read the users other gateways changed", e));
            vertx.executeBlocking(() -> {
                shared.heartbeat();
                return null;
            }, false).onFailure(e -> syncFailed("renew this gateway's budget grants in the store", e));
            // and share what each key took of its rate limits with the other gateways, taking off what they took
            vertx.executeBlocking(() -> {
                sharedLimits.sync();
                return null;
            }, false).onFailure(e -> syncFailed("share this gateway's rate-limit use through the store", e));
        });
        return g;
    }

    /**
     * A sync with the store failed; it is tried again at the next one. When the store failed for a reason that passes
     * (a connection lost or ended, a timeout), the store's own WARN has said so once and its INFO will say when it is
     * back (store.StoreOutage), so the six syncs' lines every 2 s are DEBUG (QA F5: an outage read as dozens of lines);
     * any other failure (a refusal, a bug) is a WARN each time.
     */
    private static void syncFailed(String what, Throwable e) {
        if (Database.isTransient(e)) {
            log.debug("could not {} (next try in {} ms): {}", what, KEY_SYNC_MILLIS, e.toString());
        } else {
            log.warn("could not {} (next try in {} ms): {}", what, KEY_SYNC_MILLIS, e.toString());
        }
    }

    /** Stops taking in other gateways' key changes and renewing grants (before the store closes). */
    public void close() {
        if (syncTimer >= 0) vertx.cancelTimer(syncTimer);
        syncTimer = -1;
    }

    /** Whether the ledger's writer should tell {@link #credit} what it wrote (this gateway holds budget grants). */
    public boolean wantsCredits() { return shared.holdsAny(); }

    /** After the ledger committed these rows: the grants they were spent from stop counting them twice. Blocks. */
    public void credit(java.util.List<FlushedSpend> rows) { shared.credit(rows); }

    /**
     * At shutdown, always (also when {@link #releaseGrants} is skipped, ledger rows pending): the shared budgets' threads
     * (the claims' raiser, the session lock's keeper) end; their rows stay until given back or taken over.
     */
    public void stopGrants() { shared.stop(); }

    /**
     * At shutdown, once the ledger has written its last rows: this gateway's grants are given back, so that other
     * gateways on the store can spend them at once. Blocks.
     */
    public void releaseGrants() {
        try {
            shared.release();
        } catch (RuntimeException e) {
            log.warn("could not give back this gateway's budget grants (other gateways take them over in {} s): {}",
                    SharedBudgets.LEASE_MILLIS / 1000, e.toString());
        }
    }

    /** At shutdown: this gateway's rate-limit rows are removed from the store. Blocks. */
    public void releaseRateLimits() {
        try {
            sharedLimits.release();
        } catch (RuntimeException e) {
            log.warn("could not remove this gateway's rate-limit rows (deleted by the others in {} s): {}",
                    SharedRateLimits.LEASE_MILLIS / 1000, e.toString());
        }
    }

    public Authenticator authenticator() { return authenticator; }

    public Governor governor() { return governor; }

    public KeyAdmin admin() { return admin; }

    /** LiteLLM's {@code /customer/*}: end users' budgets and blocks. */
    public EndUserAdmin customers() { return customers; }

    /** LiteLLM's {@code /team/*}: teams' budgets, model lists and blocks. */
    public TeamAdmin teams() { return teams; }

    /** LiteLLM's {@code /user/*}: users' budgets, model lists and rate limits over their keys. */
    public UserAdmin users() { return users; }

    /**
     * A key's budget for {@code /metrics}: what is left of this period's budget (spend and reservations in flight
     * taken off), in nano-dollars.
     */
    public record BudgetStatus(String keyId, String keyAlias, long maxNanos, long spentNanos, long remainingNanos) {}

    /**
     * The gateway-wide budget ({@code litellm_settings.max_budget}) as this gateway knows it without asking the store
     * (with several gateways: the ledger at its last grant plus its own calls since), for {@code /global/spend} and the
     * dashboard.
     *
     * @param period    {@code budget_duration}'s text, null for a cap that never resets
     * @param resetsAt  epoch ms of the next reset, null without a period
     * @param remainingNanos   what is left for new calls: spend and reservations in flight taken off
     * @param refusingWorstCase the worst case of the last call it refused when none was let through since, else 0: it
     *                          refuses before its spend reaches the cap, once what is left is below a call's worst case
     */
    public record GlobalBudget(long maxNanos, long spentNanos, long remainingNanos, String period, long periodStart, Long resetsAt,
                               long refusingWorstCase) {}

    /** The global budget now, or null when none is configured. Locks it briefly; no I/O. */
    public GlobalBudget globalBudget(long nowMillis) {
        Budget b = global;
        if (b == null || !b.limited()) return null;
        Budget.Snapshot snap = b.snapshot(nowMillis);
        return new GlobalBudget(snap.maxNanos(), b.spentKnown(nowMillis), b.headroom(nowMillis),
                globalPeriod == null ? null : globalPeriod.toString(), snap.periodStart(), snap.resetsAt(), b.refusingWorstCase(nowMillis));
    }

    private Budget global;
    private dev.switchboard.model.DurationSpec globalPeriod;

    /**
     * A key's budget that refuses every call (QA of the dashboard: a key whose worst case never fit read "Used 0.0 %",
     * nothing spent, with nothing saying each call got a 400).
     *
     * @param worstCaseNanos the worst case of the last call it refused (none was taken since)
     * @param sinceMillis    its first refusal since the last call it took (or its period's start), epoch ms
     */
    public record KeyBudgetRefusal(long worstCaseNanos, long sinceMillis) {}

    /**
     * The keys whose budget refuses calls now, by key id, as this gateway saw them (another gateway's refusals are in its
     * own memory; the request log has every gateway's). Locks each budget briefly; no I/O.
     */
    public java.util.Map<String, KeyBudgetRefusal> refusingKeyBudgets(long nowMillis) {
        java.util.Map<String, KeyBudgetRefusal> out = new java.util.HashMap<>();
        for (KeyState k : registry.all()) {
            if (!k.budget.limited()) continue;
            KeyBudgetRefusal refusal = k.budget.refusal(nowMillis); // one lock: a call taken between two reads paired them wrong
            if (refusal != null) out.put(k.key().keyId(), refusal);
        }
        return out;
    }

    /** Every key that has a budget (keys without one have nothing to run out of). Locks each budget briefly. */
    public java.util.List<BudgetStatus> budgets(long nowMillis) {
        java.util.List<BudgetStatus> out = new java.util.ArrayList<>();
        for (KeyState k : registry.all()) {
            if (!k.budget.limited()) continue;
            long max = k.budget.snapshot(nowMillis).maxNanos();
            // what this gateway knows without the store (a scrape does no I/O): with others, the ledger at its last grant
            // and its own calls since, not only its own
            out.add(new BudgetStatus(k.key().keyId(), k.key().alias(), max, k.budget.spentKnown(nowMillis), k.budget.headroom(nowMillis)));
        }
        return out;
    }

    /**
     * Whether {@code alias} is a model the caller may use (for filtering {@code /v1/models}, and the fallbacks a call may
     * take): its key's allowlist, a JWT's scopes, its team's models and its user's.
     */
    public boolean allows(dev.switchboard.model.Caller caller, String alias) { return allows(caller, alias, null); }

    /** The refusal a call of {@code alias} would get for its model, in its words; null when allowed ({@code count_tokens}). */
    public dev.switchboard.model.GatewayException modelRefusal(dev.switchboard.model.Caller caller, String alias) {
        return governor.modelRefusal(caller, alias);
    }

    /** @param callTeam the team a call was admitted under ({@link dev.switchboard.model.CallContext#TEAM}), or null */
    public boolean allows(dev.switchboard.model.Caller caller, String alias, String callTeam) {
        if (caller.modelsRestricted() && !caller.models().contains(alias)) return false;
        if (!governor.teamAllows(caller, alias, callTeam)) return false;
        if (!governor.userAllows(caller, alias)) return false;
        if (!caller.virtualKey()) return true;
        KeyState s = registry.byId(caller.id());
        return s != null && s.version().allowlist().allows(alias);
    }
}
