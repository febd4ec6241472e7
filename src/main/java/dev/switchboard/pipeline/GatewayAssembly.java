package dev.switchboard.pipeline;

import dev.switchboard.account.PriceCatalog;
import dev.switchboard.account.PromptTokens;
import dev.switchboard.account.SpendLedger;
import dev.switchboard.account.SpendReports;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.config.Deployment;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.govern.GovernSettings;
import dev.switchboard.govern.Governance;
import dev.switchboard.govern.LocalRateLimiter;
import dev.switchboard.observe.Tracing;
import dev.switchboard.provider.KeyScrubber;
import dev.switchboard.provider.ProviderContext;
import dev.switchboard.provider.ProviderRegistry;
import dev.switchboard.provider.ProviderSecrets;
import dev.switchboard.provider.UpstreamHttp;
import dev.switchboard.route.ModelRouter;
import dev.switchboard.route.RouterMetrics;
import dev.switchboard.route.RouterSettings;
import dev.switchboard.route.Target;
import dev.switchboard.store.Database;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Builds a {@link Gateway} from its config, once: the scrubbers of the config's secrets (registered before any provider
 * is made), the providers, the metrics registry, the store and the ledger, observability, prices, the router, governance,
 * alerting, metering, the response cache, stored responses, health checks and the stages. A deployment that cannot be
 * served, or a store or governance that cannot be opened, closes what was opened before it and throws; the log's
 * secrets are forgotten on any failure. Nothing here runs per request.
 */
final class GatewayAssembly {
    /** The wait before an alert's second try (doubled before each next one). */
    static final long ALERT_BACKOFF_MILLIS = Long.getLong("switchboard.alerts.backoff_ms", 1_000L);

    private GatewayAssembly() {}

    /**
     * @param tracing spans go here instead of where the config says (tests: an in-memory exporter); null for the config's
     * @param check   {@code switchboard check}'s gateway ({@link Gateway#createForCheck}): a scratch store, no alerts, no pgvector
     */
    static Gateway create(Vertx vertx, GatewayConfig config, Function<String, String> processEnv, Tracing tracing, boolean check) {
        // every reader below sees the config's environment_variables over the process's, as LiteLLM exports them
        Function<String, String> env = config.env(processEnv);
        ProviderRegistry registry = ProviderRegistry.standard();
        // before any provider is made: a library's log line (a token fetch's failure) must already find them masked
        // Tokens minted later (Vertex, Entra, AWS credentials from a profile or the instance) join these as they come.
        ProviderSecrets providerSecrets = new ProviderSecrets(ConfiguredSecrets.providerKeyScrubber(config, registry, env), System::currentTimeMillis);
        KeyScrubber configured = KeyScrubber.of(ConfiguredSecrets.all(config, registry, env));
        // a log line's own words are spared: a run of a key is masked from 16 characters, or when it is a whole key
        Runnable forgetLogSecrets = dev.switchboard.observe.LogSecrets.add(
                line -> providerSecrets.shortLivedScrubber().logLine(configured.logLine(line)));
        try {
            return create(vertx, config, env, tracing, registry, providerSecrets, forgetLogSecrets, check);
        } catch (RuntimeException | Error e) {
            forgetLogSecrets.run();
            throw e;
        }
    }

    private static Gateway create(Vertx vertx, GatewayConfig config, Function<String, String> env,
                                  Tracing tracing, ProviderRegistry registry, ProviderSecrets providerSecrets,
                                  Runnable forgetLogSecrets, boolean check) {
        // One bound on buffered bytes for the whole process: upstream answers here, request bodies at the edge.
        // The pool per upstream host is general_settings.upstream_* (Vert.x's default of 5 would queue under any real load)
        UpstreamHttp http = new UpstreamHttp(vertx, config.general().upstream(),
                new dev.switchboard.model.BufferBudget(config.general().bufferedBytesBound()),
                providerSecrets);
        ProviderContext ctx = new ProviderContext(vertx, http, env);
        List<Target> targets = new ArrayList<>();
        List<Deployment> wildcardEntries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Deployment d : config.deployments()) {
            try {
                if (d.wildcard()) {
                    wildcardEntries.add(d);
                    // A provider prefix is known now: its base URL and the like are checked at start, with a stand-in model.
                    if (!d.provider().isEmpty()) registry.create(WildcardModels.withModel(d, "wildcard-check"), ctx);
                } else {
                    targets.add(new Target(d, registry.create(d, ctx)));
                }
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            http.close();
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        // One registry for the whole gateway, the router's counters included; GET /metrics serves it as Prometheus text.
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        io.micrometer.core.instrument.Gauge.builder("switchboard.upstream.requests.queued", http, UpstreamHttp::waitingForConnection)
                .description("Upstream requests waiting for a pooled connection (per host: general_settings."
                        + "upstream_max_connections_per_host HTTP/1.1 connections, or upstream_http2_connections_per_host x"
                        + " upstream_http2_streams_per_connection HTTP/2 streams)")
                .register(meters);
        RouterSettings settings = RouterSettings.from(config);
        Database db;
        try {
            db = check ? Database.scratch() : Database.openWithWriterNice(config.general().databaseUrl(),
                    config.general().databasePath(), config.general().backgroundThreadNice());
        } catch (dev.switchboard.store.StoreException e) {
            http.close();
            throw new IllegalStateException(e.getMessage(), e);
        }
        SpendLedger ledger = new SpendLedger(db, Gateway.LEDGER_FLUSH_MILLIS);
        // The writers work behind the request path: a queue that only grows under steady load means the store cannot
        // keep up (the rows are safe until the ledger's bound, but the work is owed), which no latency figure shows.
        io.micrometer.core.instrument.Gauge.builder("switchboard.ledger.rows.pending", ledger, SpendLedger::pending)
                .description("Spend-ledger rows queued and not yet written").register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("switchboard.ledger.rows.written", ledger, SpendLedger::written)
                .description("Spend-ledger rows written").register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("switchboard.ledger.rows.dropped", ledger, SpendLedger::dropped)
                .description("Spend-ledger rows lost: refused by the store, or not queued (a million waiting, or the gateway stopped)")
                .register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("switchboard.ledger.write.failures", ledger, SpendLedger::failedWrites)
                .description("Ledger writes that found the store failing (their rows kept to try again after a pause)")
                .register(meters);
        // model and deployment labels from the config only: a client's invented model names must not grow the series
        dev.switchboard.observe.MetricLabels labels = Observability.metricLabels(config, settings);
        Observability observe = Observability.open(config, env, db, meters, tracing, ConfiguredSecrets.all(config, registry, env),
                providerSecrets::shortLived, ledger, labels);
        DeploymentPrices prices = new DeploymentPrices(PriceCatalog.bundled(), targets);
        ModelRouter router = new ModelRouter(vertx, targets, settings, new RouterMetrics(meters, labels::alias, labels::deployment),
                ModelRouter.threadLocalRandom(), dev.switchboard.route.AttemptListener.both(new LedgerAttempts(ledger, prices),
                        new ObservedAttempts(observe.observer())),
                new dev.switchboard.route.WildcardTargets(wildcardEntries, d -> registry.create(d, ctx), prices::add,
                        d -> registry.check(d, env), prices::gone),
                dev.switchboard.route.SpendCaps.from(config.routerSettings(), config.deployments()));
        router.outputCeilings(prices::outputCeiling);
        // a name a wildcard serves is the caller's text: a virtual key sent as one is masked in the router's lines too
        router.logNames(observe.observer().scrubber()::name);
        // what each deployment serves (model_info.mode, else the catalog's): an embeddings call skips a chat fallback
        router.modes(d -> PriceCatalog.bundled().mode(d.provider(), d.model(), d.modelInfo()));
        PromptTokens contextTokens = new PromptTokens();
        // as LiteLLM counts, with OpenAI's tokenizer; the tokenizer-free bound first, since most prompts fit by far
        router.contextWindows(prices::contextWindow, contextTokens::upperBound, contextTokens::contextCount);
        Governance governance;
        try {
            governance = Governance.open(vertx, db, GovernSettings.from(config.litellmSettings(), config.general().jwtAuth())
                            .withAccessGroups(AccessGroups.of(config)).withGlobalMaxParallel(config.general().globalMaxParallelRequests()),
                    config.general().masterKey() == null ? null : config.general().masterKey()::matches,
                    new LocalRateLimiter(), System::currentTimeMillis);
        } catch (RuntimeException e) {
            observe.close();
            ledger.close();
            db.close();
            http.close();
            throw e;
        }
        Governance grants = governance;
        ledger.onWritten(rows -> { // the shared budgets' grants stop counting what the ledger now holds
            if (!grants.wantsCredits()) return;
            List<dev.switchboard.govern.FlushedSpend> spent = new ArrayList<>(rows.size());
            for (var r : rows) if (r.costNanos() > 0) spent.add(dev.switchboard.govern.FlushedSpend.of(r.keyId(), r.endUser(), r.team(), r.tags(), r.endedAt(), r.costNanos()));
            grants.credit(spent);
        });
        governance.admin().defaultGracePeriod(config.general().keyRotationGracePeriod()); // LiteLLM's env default
        // a key's models name what this gateway has: a name the router serves (a wildcard deployment's too) or an access
        // group; an alias leads to a served name only. check_key_models: false leaves every name taken (rolling deploys)
        java.util.Map<String, List<String>> accessGroups = AccessGroups.of(config);
        if (config.general().checkKeyModels()) {
            governance.admin().knownModels(name -> router.serves(name) || accessGroups.containsKey(name), router::serves, router::listed);
        }
        governance.admin().flushLedgerWith(ledger::flush); // a key's spend is the ledger's, this gateway's calls included
        governance.customers().flushLedgerWith(ledger::flush); // /customer/info shows every call that ended
        governance.teams().flushLedgerWith(ledger::flush);
        governance.users().flushLedgerWith(ledger::flush);
        // LiteLLM's alerting: [webhook, slack]: budget alerts queued where a call settles or is refused, posted by their own thread
        dev.switchboard.observe.WebhookAlerts alerts = check ? null
                : BudgetAlerting.start(config.general().alerting(), governance.governor(), meters, ALERT_BACKOFF_MILLIS);
        PromptTokens.preload(); // off the event loops: see its comment
        // no fallback around a key's allowlist, nor outside the models of the team the call was admitted under
        router.modelAccess((call, alias) -> governance.allows(call.caller(), alias, call.attached(dev.switchboard.model.CallContext.TEAM)));
        Metering metering = new Metering(governance.governor(), prices, new PromptTokens(), router, ledger,
                new ObservedSpend(observe.observer(), prices), observe.observer().scrubber());
        metering.rewrittenBeforeRouting(dev.switchboard.pipeline.guard.Guardrails.preCallRuns(config.guardrails()));
        List<String> warnings = new ArrayList<>();
        ResponseCache cache = ResponseCacheWiring.create(vertx, config, router, metering, env, warnings, check);
        if (settings.auto() != null) cache.autoAlias(settings.auto().alias()); // its entries keyed by the tier's pin too
        observe.cacheStage().set(cache.cachesAnything());
        StoredResponses responses = new StoredResponses(vertx, new dev.switchboard.store.ResponseRows(db),
                responseRetentionMillis(config), System::currentTimeMillis);
        io.micrometer.core.instrument.Gauge.builder("switchboard.responses.unwritten", responses, StoredResponses::unwrittenCount)
                .description("Stored Responses-API answers the store refused to write, kept in memory and tried again")
                .register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("switchboard.responses.lost", responses, StoredResponses::lostCount)
                .description("Stored Responses-API answers given up unwritten (memory's bound reached while the store refused "
                        + "writes, or refused for good)")
                .register(meters);
        SpendReports reports = new SpendReports(db, ledger);
        Runnable stopBudgetSync = BudgetRoutingSync.start(vertx, router.spendCaps(), reports);
        // started by the edge once it listens (EdgeServer.start): `switchboard check` makes a gateway too, and must call nothing
        HealthChecks health = new HealthChecks(vertx, targets, wildcardEntries, router, metering, config.general().healthChecks(),
                http::scrubber);
        Gateway.Store store = new Gateway.Store(db, ledger, governance, reports, metering, health, stopBudgetSync, prices, cache, observe, responses,
                forgetLogSecrets, alerts);
        String tracingOff = tracing == null ? Observability.otelWithoutEndpoint(config, env) : null;
        if (tracingOff != null) warnings.add(tracingOff);
        String protocol = tracing == null ? Observability.otlpProtocol(config, env) : null;
        if (protocol != null) warnings.add(protocol);
        warnings.addAll(FallbackModes.warnings(config, d -> PriceCatalog.bundled().mode(d.provider(), d.model(), d.modelInfo())));
        dev.switchboard.pipeline.guard.Guardrails guardrails = dev.switchboard.pipeline.guard.Guardrails.build(config.guardrails(), ctx);
        return new Gateway(config, http, router, meters, StageChain.of(targets, metering, cache, new ObserveStage(observe.observer()),
                        guardrails.stage(), settings.tagFiltering(), config.general().requestChecks(), UserAgentRouting.namesRouted(config, router)),
                ServedModels.of(config, registry, settings, env, warnings), warnings, store);
    }

    /** {@code litellm_settings.response_retention} (a duration such as {@code 30d}; checked by the config loader), default 30 days. */
    private static long responseRetentionMillis(GatewayConfig config) {
        Object v = config.litellmSettings().get("response_retention");
        if (v == null) return java.time.Duration.ofDays(30).toMillis();
        return dev.switchboard.model.DurationSpec.parse(v.toString()).after(0);
    }
}
