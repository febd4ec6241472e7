package dev.switchboard.pipeline;

import dev.switchboard.account.PriceCatalog;
import dev.switchboard.account.SpendLedger;
import dev.switchboard.account.SpendReports;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.config.Deployment;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.govern.Authenticator;
import dev.switchboard.govern.Governance;
import dev.switchboard.govern.KeyAdmin;
import dev.switchboard.store.Database;
import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.provider.UpstreamHttp;
import dev.switchboard.route.ModelRouter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.switchboard.observe.GatewayMetrics;
import dev.switchboard.observe.RequestLog;
import dev.switchboard.observe.RequestLogEntry;
import dev.switchboard.observe.RequestLogQuery;
import dev.switchboard.observe.RequestLogStore;
import dev.switchboard.observe.Tracing;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The composition root: every stage is wired once from the config ({@link #create}, built by {@link GatewayAssembly}).
 * Nothing else creates stages or providers, and nothing is reached through statics. Stages run outermost first, in the
 * order {@link StageChain} gives them, around the router. The gateway is what the edge and the CLI hold: the chat
 * handler, the read and admin sides of the stages. It owns the store, the ledger and the key registry, and
 * {@link #shutdown} writes what the ledger still holds.
 */
public final class Gateway {
    /** How often the ledger writes its queue: the most a kill -9 can lose (README). */
    public static final long LEDGER_FLUSH_MILLIS = 1_000;

    private final GatewayConfig config;
    private final UpstreamHttp http;
    private final ModelRouter router;
    private final ChatHandler chat;
    private final Authenticator authenticator;
    private final MeterRegistry meters;
    private final List<ServedModel> models;
    private final List<String> warnings;
    private final Store store;
    private final boolean routesByUserAgent;

    /** The store and what is built on it, closed together. */
    record Store(Database db, SpendLedger ledger, Governance governance, SpendReports reports, Metering metering,
                 HealthChecks health, Runnable stopBudgetSync,
                 DeploymentPrices prices, ResponseCache cache, Observability observe, StoredResponses responses,
                 Runnable forgetLogSecrets, dev.switchboard.observe.WebhookAlerts alerts) {}

    /** Made by {@link GatewayAssembly} only. */
    Gateway(GatewayConfig config, UpstreamHttp http, ModelRouter router, MeterRegistry meters, List<Stage> stages,
            List<ServedModel> models, List<String> warnings, Store store) {
        this.config = config;
        this.models = models;
        this.warnings = List.copyOf(warnings);
        this.http = http;
        this.router = router;
        this.meters = meters;
        this.store = store;
        this.chat = StageChain.chain(stages, new RouteStage(router));
        this.authenticator = store.governance().authenticator();
        this.routesByUserAgent = UserAgentRouting.anyCall(config, router);
    }

    /**
     * @throws IllegalArgumentException naming the config line and the fix when a deployment cannot be served
     *     (unknown provider prefix, missing base URL)
     * @throws IllegalStateException naming the database (never its password) and the fix when the store cannot be opened
     */
    public static Gateway create(Vertx vertx, GatewayConfig config, Function<String, String> env) {
        return create(vertx, config, env, null);
    }

    /** @param tracing spans go here instead of where the config says (tests: an in-memory exporter); null for the config's */
    public static Gateway create(Vertx vertx, GatewayConfig config, Function<String, String> processEnv,
                                 dev.switchboard.observe.Tracing tracing) {
        return GatewayAssembly.create(vertx, config, processEnv, tracing, false);
    }

    /**
     * The gateway {@code switchboard check} reads the model list, warnings and prices of: built as {@code serve} builds
     * it (only the providers know whether a deployment can be served and where it goes) but on a scratch store that is
     * deleted at {@link #shutdown}, and without opening pgvector, so that a check changes no database. What the
     * configured store is, {@link #probeStore} says.
     */
    public static Gateway createForCheck(Vertx vertx, GatewayConfig config, Function<String, String> processEnv) {
        return GatewayAssembly.create(vertx, config, processEnv, null, true);
    }

    /**
     * The configured store and its state (PostgreSQL reached read-only, its schema version; the SQLite file's presence),
     * for {@code check}; nothing is created or migrated.
     *
     * @throws IllegalStateException naming the database (never its password) and the fix, as {@link #create} would
     */
    public static String probeStore(GatewayConfig config) {
        try {
            return dev.switchboard.store.StoreProbe.describe(config.general().databaseUrl(), config.general().databasePath());
        } catch (dev.switchboard.store.StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * The configured store's virtual keys, looked up read-only as {@link #probeStore} looks (PostgreSQL only: check does
     * not open the SQLite file, so false there, "cannot tell"), for check's own-key refusal ({@code OwnKeyUpstream}):
     * one session for the whole check, each secret asked once; close it when done.
     */
    public static StoreKeys storeKeys(GatewayConfig config) {
        dev.switchboard.store.StoreProbe.KeyLookup lookup = dev.switchboard.store.StoreProbe.keyLookup(config.general().databaseUrl());
        return new StoreKeys(secret -> {
            try {
                return Boolean.TRUE.equals(lookup.holds(dev.switchboard.govern.KeySecrets.hash(secret), System.currentTimeMillis()));
            } catch (dev.switchboard.store.StoreException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }, lookup::close);
    }

    public GatewayConfig config() { return config; }

    /** The process-wide bound on buffered bytes (request bodies and whole upstream answers). */
    public dev.switchboard.model.BufferBudget buffers() { return http.buffers(); }

    public Authenticator authenticator() { return authenticator; }

    /**
     * Whether a call's User-Agent may route it: tag routing is on and some deployment has a {@code tag_regex}. Only then
     * does the edge keep it (under {@code CallTags.USER_AGENT_HINT}); every other call is spared the copy.
     */
    public boolean routesByUserAgent() { return routesByUserAgent; }

    public ChatHandler chat() { return chat; }

    /** The gateway's metrics: the router's counters and the observer's. */
    public MeterRegistry meters() { return meters; }

    /**
     * {@code GET /metrics}: the registry in Prometheus' text format, after the gauges read at scrape time (cooldowns,
     * requests in flight per deployment, budget left per key and gateway-wide) are refreshed. Takes a few locks briefly; no I/O.
     */
    public String metricsText() {
        List<GatewayMetrics.DeploymentLoad> load = router.deploymentStatus().stream()
                .map(d -> new GatewayMetrics.DeploymentLoad(d.alias(), d.deployment(), d.modelId(), d.inFlight(), d.coolingDown())).toList();
        List<GatewayMetrics.KeyBudget> budgets = store.governance().budgets(System.currentTimeMillis()).stream()
                .map(b -> new GatewayMetrics.KeyBudget(b.keyId(), b.keyAlias(), b.maxNanos() / 1e9, b.remainingNanos() / 1e9)).toList();
        dev.switchboard.govern.Governance.GlobalBudget g = globalBudget();
        store.observe().metrics().refresh(load, budgets, g == null ? null : new GatewayMetrics.GlobalBudget(g.maxNanos() / 1e9,
                g.spentNanos() / 1e9, g.remainingNanos() / 1e9, g.period() == null ? "" : g.period()));
        return ((PrometheusMeterRegistry) meters).scrape();
    }

    /** The Prometheus text format's content type. */
    public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * The request log's row of one request, or null (written first: the ledger's queue, whose rows carry most of the
     * log's, and the log's own are flushed). Blocking.
     */
    public RequestLogEntry requestLog(String requestId) {
        RequestLog log = store.observe().log();
        if (log == null) return null;
        flushRequestLog(log);
        return log.store().get(requestId);
    }

    /** Rows of the request log, newest first (written first). Blocking. Empty when the log is off. */
    public RequestLogStore.Page requestLogs(RequestLogQuery q, int page, int pageSize) {
        return requestLogs(q, page, pageSize, Long.MAX_VALUE);
    }

    /** {@link RequestLogStore#export}, the log's queue written first; false (no rows) when the log is off. Blocking. */
    public boolean exportRequestLogs(RequestLogQuery q, int limit, java.util.function.Consumer<RequestLogEntry> row) {
        RequestLog log = store.observe().log();
        if (log == null) return false;
        flushRequestLog(log);
        return log.store().export(q, limit, row);
    }

    /** {@link #requestLogs(RequestLogQuery, int, int)} counting no more than {@code countCap} rows. */
    public RequestLogStore.Page requestLogs(RequestLogQuery q, int page, int pageSize, long countCap) {
        RequestLog log = store.observe().log();
        if (log == null) return new RequestLogStore.Page(List.of(), 0, page, pageSize);
        flushRequestLog(log);
        return log.store().find(q, page, pageSize, countCap);
    }

    /**
     * The request log's requests that did not succeed in {@code [fromMillis, toMillis)}, counted by key, alias and status
     * (written first). Blocking. Empty when the log is off.
     */
    public List<RequestLogStore.Refused> refusedByKey(long fromMillis, long toMillis) {
        RequestLog log = store.observe().log();
        if (log == null) return List.of();
        flushRequestLog(log);
        return log.store().refusedByKey(fromMillis, toMillis);
    }

    /** Whether the request log is on (general_settings.request_log); off, no request is logged. */
    public boolean requestLogEnabled() { return store.observe().log() != null; }

    /** How many days the request log keeps a row, or null when the log is off. */
    public Double requestLogRetentionDays() {
        RequestLog log = store.observe().log();
        return log == null ? null : log.settings().retentionDays();
    }

    /**
     * The key ids whose calls were made under {@code alias}, metered or only logged (a key whose every call was refused
     * has request-log rows only); both writers' queues are written first. Blocking.
     */
    public java.util.Set<String> keyIdsCalledAs(String alias) {
        RequestLog log = store.observe().log();
        if (log != null) flushRequestLog(log);
        return spend().keyIdsCalledAs(alias);
    }

    /** Writes every request-log row queued so far: with the ledger's rows (one row a request), then the log's own. */
    private void flushRequestLog(RequestLog log) {
        store.ledger().flush();
        log.flush();
    }

    /**
     * Ends the background responses still running (failed, saying the gateway stopped; their streams end with
     * {@code response.failed}) and cancels their calls. Blocking, at most a few seconds: for shutdown.
     */
    public void stopBackgroundResponses() { store.responses().stopBackground(); }

    /** How many background responses this gateway is answering now. */
    public int backgroundResponsesRunning() { return store.responses().background().size(); }

    /** The tracer, or null when tracing is off. */
    public Tracing tracing() { return store.observe().tracing(); }

    /** The request log's writer, or null when it is off (retention purge, tests). */
    public RequestLog requestLogWriter() { return store.observe().log(); }

    /** Requests being observed now (0 once traffic has ended). */
    public int observedInFlight() { return store.observe().observer().inFlight(); }

    /**
     * A request's prompt tokens as its alias's model counts them (Anthropic's {@code count_tokens}), or null when no
     * deployment of the alias counts (the edge estimates). Free and unmetered, as the providers' own count endpoints are.
     */
    public Future<Integer> countTokens(CallContext ctx, dev.switchboard.model.ChatRequest asked) {
        String model = ctx.caller().modelFor(asked.model()); // a virtual key's alias, as for chat (KeyAliasStage)
        return router.countTokens(ctx, model.equals(asked.model()) ? asked : asked.withModel(model));
    }

    /**
     * What {@link RequestChecksStage} and tag routing refuse, asked before a call the client will not wait for (a
     * background response): the refusal is thrown, so it is the client's 400 rather than a failed response.
     */
    public void checkRequest(CallContext ctx, dev.switchboard.model.ChatRequest request) {
        dev.switchboard.model.GatewayException refused = RequestChecksStage.refusal(config.general().requestChecks(), ctx, request);
        if (refused == null) { // and tag routing's, for the model the call goes to (a key's alias applied, as KeyAliasStage does)
            String model = ctx.caller().modelFor(request.model());
            refused = router.tagRefusal(ctx, model.equals(request.model()) ? request : request.withModel(model));
        }
        if (refused != null) throw refused;
    }

    /** Embeddings: governed and accounted like chat (call type {@code embedding} in the ledger), then routed. */
    public Future<Answer<EmbeddingResponse>> embed(CallContext ctx, EmbeddingRequest asked) {
        dev.switchboard.model.GatewayException refused = RequestChecksStage.refusal(config.general().requestChecks(), ctx, asked);
        if (refused != null) return Future.failedFuture(refused);
        String model = ctx.caller().modelFor(asked.model()); // a virtual key's alias, as for chat (KeyAliasStage)
        EmbeddingRequest request;
        if (model == asked.model()) {
            request = asked;
        } else {
            ctx.attach(CallContext.ASKED_MODEL, asked.model()); // the trace names what was asked as well as the target
            request = asked.withModel(model);
        }
        // observed from here, as a chat call is from the observe stage on (after the request checks and the key's alias):
        // its trace, its request-log row and its count when it fails
        return ObserveStage.embedding(store.observe().observer(), ctx, request, () -> MeteredCall.around(() -> {
            store.metering().requireServed(ctx, request.model()); // 404 before the allowlist's 403, as for chat (SpendStage)
            return store.metering().beginEmbedding(ctx, request);
        }, () -> router.embed(ctx, request), MeteredCall.Embedded::new));
    }

    /**
     * Whether the pipeline took this call (the observer follows it: its failure is counted, logged and traced there), as
     * against a request the edge refused before it reached the gateway ({@link #refusedBeforeCall}).
     */
    public boolean observes(CallContext ctx) { return store.observe().observer().find(ctx) != null; }

    /**
     * A request the edge refused before it was read as a call (its key did not authenticate, its body was too large,
     * too slow, not JSON or not a request of its route): counted in {@code switchboard_requests_total} and said in one
     * rate-limited log line ({@link dev.switchboard.observe.RequestObserver#refused}). No I/O.
     *
     * @param caller who called, or null when the key did not authenticate
     * @param model  the model the request named when it was read that far, or null
     */
    public void refusedBeforeCall(String requestId, dev.switchboard.model.Caller caller, String model, int status, String error,
                                  String where, String address) {
        store.observe().observer().refused(requestId, model, caller == null ? null : caller.id(),
                caller == null ? null : caller.alias(), status, error, where, address);
    }

    /**
     * For benchmarks ({@code bench/jmh}): the governance check alone, without the upstream call. Admits the chat
     * request exactly as the spend stage does (reachable deployments, worst case, allowlist, rate limits, budget
     * reservation; the refusal is thrown; a shared budget's grant is waited for), then settles it to {@code usage} priced on {@code deployment} (a
     * {@code provider/model} id). Nothing is written to the ledger. Returns the nano-dollars that were reserved.
     */
    public long governanceCheck(CallContext ctx, dev.switchboard.model.ChatRequest request, String deployment,
                                dev.switchboard.model.Usage usage) {
        MeteredCall call;
        while (true) {
            try {
                call = store.metering().begin(ctx, request, "chat");
                break;
            } catch (dev.switchboard.govern.BudgetPending p) { // the budget's first grant (a benchmark thread may wait)
                p.ready().toCompletionStage().toCompletableFuture().join();
            }
        }
        call.settle(new Answer<>(null, deployment, "primary", "miss"), usage);
        return call.admission.reservedNanos();
    }

    /** The response cache's admin operations ({@code /cache/*}, master key only; the edge checks). */
    public CacheAdmin cacheAdmin() { return new CacheAdmin(store.cache()); }

    /** The Responses API's stored answers ({@code previous_response_id}, {@code GET/DELETE /v1/responses/{id}}). */
    public StoredResponses responses() { return store.responses(); }

    /** The store itself: package-private, for tests only ({@code dev.switchboard.pipeline.GatewayStore} in the tests). */
    Database database() { return store.db(); }

    /** The virtual-key admin API (master key only; the edge checks). */
    public KeyAdmin keys() { return store.governance().admin(); }

    /** Whether {@code secret} is one of this gateway's virtual keys (serve's check before it listens: OwnKeyUpstream). */
    public boolean holdsVirtualKey(String secret) { return store.governance().admin().knows(secret); }

    /** The keys whose budget refuses every call now, as this gateway saw them ({@code Governance.refusingKeyBudgets}). */
    public java.util.Map<String, dev.switchboard.govern.Governance.KeyBudgetRefusal> refusingKeyBudgets() {
        return store.governance().refusingKeyBudgets(System.currentTimeMillis());
    }

    /** The gateway-wide budget ({@code litellm_settings.max_budget}) now, or null without one. No I/O. */
    public dev.switchboard.govern.Governance.GlobalBudget globalBudget() {
        return store.governance().globalBudget(System.currentTimeMillis());
    }

    /** LiteLLM's customer (end user) admin API (master key only; the edge checks). */
    public dev.switchboard.govern.EndUserAdmin customers() { return store.governance().customers(); }

    public dev.switchboard.govern.TeamAdmin teams() { return store.governance().teams(); }

    public dev.switchboard.govern.UserAdmin users() { return store.governance().users(); }

    /** Whether the caller may use {@code alias} (its key's allowlist), for filtering the model lists. */
    public boolean allows(dev.switchboard.model.Caller caller, String alias) { return store.governance().allows(caller, alias); }

    /** The refusal a call of {@code alias} would get for its model, in the call's words; null when allowed. */
    public dev.switchboard.model.GatewayException modelRefusal(dev.switchboard.model.Caller caller, String alias) {
        return store.governance().modelRefusal(caller, alias);
    }

    /** The ledger's read side ({@code /spend/logs}, the spend report). Blocking: call from a worker. */
    public SpendReports spend() { return store.reports(); }

    /** The ledger's daily rollups, which the dashboard's charts read (blocking: call on a worker). */
    public dev.switchboard.account.SpendRollups rollups() {
        return new dev.switchboard.account.SpendRollups(store.db(), store.ledger());
    }

    /**
     * What {@code cacheReadTokens} read from a provider's prompt cache saved on {@code deployment} ({@code provider/model}),
     * in nano-dollars: the input price minus the cache-read price, per token; 0 for a deployment this gateway does not
     * price or whose cache reads have no price of their own. By the id alone (the config's first entry of it): the
     * dashboard's daily sums name no entry. The per-call metric ({@code switchboard_cache_saved_usd_total}, layer
     * provider_prompt) is priced by the entry that served ({@code ObservedSpend}).
     */
    public long promptCacheSavedNanos(String deployment, long cacheReadTokens) {
        return store.prices().cacheReadSavingNanos(deployment, cacheReadTokens);
    }

    /**
     * What {@code cacheWriteTokens} written to a provider's prompt cache cost on {@code deployment} beyond the same tokens
     * at the input price (Anthropic's 1.25x write is 0.25x over), in nano-dollars, at the 5-minute write price: the
     * ledger's daily sums keep writes as one count (the per-call metric prices 1-hour writes at their own 2x).
     */
    public long promptCacheWritePremiumNanos(String deployment, long cacheWriteTokens) {
        return store.prices().cacheWritePremiumNanos(deployment, cacheWriteTokens);
    }

    /** {@code SQLite at …} or {@code PostgreSQL at …} (no password), for logs and readiness. */
    public String storeDescription() { return store.db().description(); }

    /** Whether the store answers and (SQLite) can write; blocks up to a second (readiness runs it on a worker). */
    public boolean storeReady() { return store.db().ready(); }

    /** Deployments without a price (their calls cost 0 and are reported as unpriced), each with the reason. */
    public List<String> unpriced() { return store.prices().unpriced(); }

    /** The price catalog's source and date, for {@code check}. */
    public String priceSource() { return PriceCatalog.bundled().source(); }

    /**
     * Writes what the ledger still queues and closes the store. Blocking: call it on shutdown, off the event loop,
     * before the Vert.x instance closes.
     *
     * @return whether the ledger wrote every row it held (false: the store refused or did not answer; the rows are lost
     *     and logged), which {@code serve}'s exit status says
     */
    public boolean shutdown() {
        store.health().close(java.time.Duration.ofSeconds(5)); // its checks under way end and queue their rows first
        store.stopBudgetSync().run(); // no more reads of the ledger: the store closes below
        store.responses().stopBackground(); // before the stores their calls settle against close
        store.governance().close();
        if (store.alerts() != null) store.alerts().close(java.time.Duration.ofSeconds(3)); // what the last calls crossed
        store.cache().store().close();
        store.responses().drain();
        if (store.cache().semantic() != null) store.cache().semantic().close();
        store.observe().close();
        store.ledger().close();
        // after the ledger's last rows, and only when they are all in: the ledger then holds all this gateway spent
        // (rows it could not write stay covered by its grants until their lease ends). With rows pending nothing is
        // released: the grant rows, claims and session lock stay until the lease ends or the process does. The threads
        // that renew them (the claims' raiser, the lock's keeper) end either way (review: with rows pending they stayed,
        // parked, holding the shared budgets in an embedded gateway or an in-JVM test)
        store.governance().stopGrants();
        if (store.ledger().pending() == 0) store.governance().releaseGrants();
        boolean ledgerWritten = store.ledger().pending() == 0;
        store.governance().releaseRateLimits();
        store.db().close();
        http.close();
        store.forgetLogSecrets().run();
        return ledgerWritten;
    }

    /** Budget routing's budgets with this period's spend, providers' first (LiteLLM's {@code /provider/budgets}). */
    public List<BudgetState> budgets() {
        long now = System.currentTimeMillis();
        List<BudgetState> out = new ArrayList<>();
        for (dev.switchboard.route.SpendCaps.Cap c : router.spendCaps().all()) {
            long end = c.windowEnd(now);
            out.add(new BudgetState(c.kind(), c.name(), c.limitNanos(), c.period() == null ? null : c.period().text(),
                    c.spentNanos(now), end == Long.MAX_VALUE ? null : end));
        }
        return out;
    }

    /**
     * Every configured deployment, wildcard entries included, for {@code /model/info}: in config order, with the price
     * and the output limit the gateway uses for it.
     */
    public List<DeploymentInfo> deploymentInfo() {
        List<DeploymentInfo> out = new ArrayList<>();
        for (Deployment d : config.deployments()) {
            out.add(new DeploymentInfo(d.alias(), d.id(), d.provider(), d.model(), d.apiBase(),
                    d.modelInfo() == null ? Map.of() : d.modelInfo(), store.prices().price(d),
                    store.prices().defaultOutputLimit(d), wholeNumber(d.params().get("rpm")), wholeNumber(d.params().get("tpm"))));
        }
        return out;
    }

    private static Long wholeNumber(Object v) { return v instanceof Number n ? Long.valueOf(n.longValue()) : null; }

    /** LiteLLM's model health checks ({@code GET /health}). */
    public HealthChecks health() { return store.health(); }

    /** What answers each alias, for the model list of {@code serve} and {@code check}. */
    public List<ServedModel> models() { return models; }

    /** What will not work as configured though the config is valid (a hosted provider with no key), for the log and check. */
    public List<String> warnings() { return warnings; }

    /** The aliases apps can ask for, in config order. */
    public java.util.Set<String> aliases() { return router.aliases(); }

    /**
     * What {@code /v1/models} lists: the model_names, visible {@code model_group_alias} names, each wildcard pattern and
     * the catalog's models it serves, the auto alias.
     */
    public java.util.Set<String> listedModels() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>(router.listed());
        out.addAll(WildcardModels.listed(router.wildcards(), PriceCatalog.bundled()));
        return out;
    }

    /**
     * What {@code serve} and {@code check} count in their first line: config entries, then the names apps ask for, each kind
     * by itself ("4 deployments, 1 model name, 3 wildcard patterns, 2 group aliases"), since a count of model_names alone
     * read as wrong next to a wildcard config's four entries and /v1/models' 150 names.
     */
    public String modelCounts(int deployments) {
        StringBuilder out = new StringBuilder(count(deployments, "deployment", "deployments"));
        out.append(", ").append(count(router.aliases().size(), "model name", "model names"));
        int wildcards = router.wildcards().size();
        if (wildcards > 0) out.append(", ").append(count(wildcards, "wildcard pattern", "wildcard patterns"));
        int groupAliases = router.groupAliasCount();
        if (groupAliases > 0) out.append(", ").append(count(groupAliases, "group alias", "group aliases"));
        return out.toString();
    }

    private static String count(int n, String one, String many) { return n + " " + (n == 1 ? one : many); }

    /** The model_group_alias names that are listed (not hidden), each with the model_name it stands for. */
    public java.util.Map<String, String> shownGroupAliases() { return router.shownGroupAliases(); }

    /** Each wildcard pattern with what it serves, for {@code check}. */
    public java.util.Map<String, java.util.List<String>> wildcardsServed() {
        return WildcardModels.described(router.wildcards(), PriceCatalog.bundled());
    }

    /** Whether a request for this model name is served: a model_name, group alias, deployment id or wildcard match. */
    public boolean serves(String model) { return router.serves(model); }

    /**
     * The 400 a call of this model name would get for the name itself before anything is sent, or null: a name a
     * wildcard matches but cannot serve (not a plain model id for the provider's URL, no provider here, a bare
     * {@code *} and no model family), or one nothing prices while a budget holds the caller's calls
     * ({@link DeploymentPrices#requirePricedUnderBudget}). Checked without making anything (no routing group, price
     * entry, provider or credentials: {@link ModelRouter#nameCheck}), so {@code GET /v1/models/{model}}, which has no
     * rate limit, may ask it of any name a client invents. A name nothing serves is null ({@link #serves} says so).
     */
    public dev.switchboard.model.GatewayException nameRefusal(dev.switchboard.model.Caller caller, String model) {
        ModelRouter.NameCheck c = router.nameCheck(model);
        if (c.refusal() != null || c.made().isEmpty()) return c.refusal();
        if (!store.governance().governor().budgetApplies(caller)) return null;
        for (Deployment d : c.made()) {
            dev.switchboard.model.GatewayException refused = store.prices().unpricedUnderBudget(d);
            if (refused != null) return refused;
        }
        return null;
    }

    /**
     * What the gateway holds for model names: routing groups of names served through wildcards, price entries by
     * deployment id (the config's and those names'), context windows by deployment. Each is bounded by the config and
     * the router's 1,000 wildcard names; a name only looked up adds to none of them.
     */
    public record NamesHeld(long wildcardGroups, int priceEntries, int contextWindows) {}

    /** {@link NamesHeld} now. */
    public NamesHeld namesHeld() {
        return new NamesHeld(router.wildcardNamesHeld(), store.prices().size(), store.prices().windowsHeld());
    }

    public Future<Void> close() { return http.close(); }
}
