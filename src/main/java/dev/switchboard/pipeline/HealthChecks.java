package dev.switchboard.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.account.SpendRecord;
import dev.switchboard.config.Deployment;
import dev.switchboard.config.HealthCheckSettings;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.LogSafe;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.EmbeddingProvider;
import dev.switchboard.route.ModelRouter;
import dev.switchboard.route.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LiteLLM's model health checks ({@code GET /health}): one real call to each deployment — a chat of one short user
 * message with {@code model_info.health_check_max_tokens} (default 16, LiteLLM's) as its output limit, or an embedding
 * for {@code mode: embedding} — straight to its provider, past the router (a check is of one deployment, never retried
 * or sent elsewhere) and past keys and budgets (the master key's). Each call is billed like any other, so each is a
 * ledger row ({@code call_type} {@code health_check}, the master key's). A wildcard entry is checked with its
 * {@code health_check_model} and skipped without one, as LiteLLM does. With {@code background_health_checks} the
 * checks run at start and every {@code health_check_interval}, and {@code /health} answers the latest results.
 */
public final class HealthChecks {
    private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);
    /** LiteLLM's defaults: 60 s a check, 16 tokens of output. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    static final int DEFAULT_MAX_TOKENS = 16;
    private static final String PROMPT = "ping";

    /**
     * One deployment's outcome.
     *
     * @param alias     the model_name it serves
     * @param id        {@code provider/model}
     * @param modelId   the config's {@code model_info.id}, or null
     * @param apiBase   where it is sent (no user part, no query), or null for the provider's default
     * @param error     why it is unhealthy (its message, scrubbed as every upstream error is); null when healthy
     * @param checkedAt epoch millis
     */
    public record Result(String alias, String id, String modelId, String apiBase, boolean healthy, long latencyMs,
                         String error, long checkedAt) {}

    private final Vertx vertx;
    private final List<Target> targets;
    private final List<Deployment> wildcardEntries;
    private final ModelRouter router;
    private final Metering metering;
    private final HealthCheckSettings settings;
    private volatile Future<List<Result>> latest;
    private volatile long timer = -1;
    private volatile boolean closed;

    HealthChecks(Vertx vertx, List<Target> targets, List<Deployment> wildcardEntries, ModelRouter router, Metering metering,
                 HealthCheckSettings settings) {
        this.vertx = vertx;
        this.targets = List.copyOf(targets);
        this.wildcardEntries = List.copyOf(wildcardEntries);
        this.router = router;
        this.metering = metering;
        this.settings = settings;
    }

    public HealthCheckSettings settings() { return settings; }

    /** Starts the background checks when the config asks for them: the first now, then every interval. */
    void start() {
        if (!settings.background()) return;
        runInBackground();
    }

    private void runInBackground() {
        if (closed) return;
        Future<List<Result>> run = check(null, null);
        run.onComplete(ar -> {
            if (ar.succeeded()) latest = run; // keep the last finished run while the next one is under way
            if (closed) return;
            timer = vertx.setTimer(Math.max(1, settings.interval().toMillis()), id -> runInBackground());
        });
        if (latest == null) latest = run; // the first: /health waits for it
    }

    void close() {
        closed = true;
        if (timer >= 0) vertx.cancelTimer(timer);
    }

    /**
     * What {@code GET /health} answers: the background checks' latest results (when they run and no model is asked for),
     * else a check now.
     *
     * @param alias   only the deployments of this model_name; null for all
     * @param modelId only the deployment whose {@code model_info.id} (or {@code provider/model}) this is; null for all
     */
    public Future<List<Result>> results(String alias, String modelId) {
        Future<List<Result>> kept = latest;
        if (settings.background() && alias == null && modelId == null && kept != null) return kept;
        return check(alias, modelId);
    }

    /** Checks the deployments asked for, all at once; never fails (a failure is an unhealthy result). */
    Future<List<Result>> check(String alias, String modelId) {
        List<Future<Result>> all = new ArrayList<>();
        for (Checked c : deployments()) {
            if (alias != null && !alias.equals(c.alias())) continue;
            if (modelId != null && !modelId.equals(idOf(c.target().deployment()))) continue;
            all.add(checkOne(c));
        }
        return Future.join(all).map(cf -> {
            List<Result> out = new ArrayList<>(all.size());
            for (Future<Result> f : all) out.add(f.result());
            return out;
        }).otherwise(t -> List.of());
    }

    /** A deployment to check and the model_name it is listed under (a wildcard entry's pattern, for its check model). */
    private record Checked(String alias, Target target) {}

    private List<Checked> deployments() {
        List<Checked> out = new ArrayList<>();
        for (Target t : targets) out.add(new Checked(t.deployment().alias(), t));
        for (Deployment w : wildcardEntries) {
            if (!(w.modelInfo().get("health_check_model") instanceof String model) || model.isBlank()) continue;
            try {
                for (Target t : router.targetsOf(model)) {
                    if (t.deployment().line() == w.line()) out.add(new Checked(w.alias(), t)); // the entry's own deployment
                }
            } catch (GatewayException e) {
                log.warn("health check of '{}': its health_check_model '{}' cannot be served: {}", w.alias(), model, e.getMessage());
            }
        }
        return out;
    }

    /** The id a {@code model_id} query names: the config's {@code model_info.id}, else {@code provider/model}. */
    static String idOf(Deployment d) {
        Object id = d.modelInfo().get("id");
        return id != null ? id.toString() : d.id();
    }

    private Future<Result> checkOne(Checked c) {
        Deployment d = c.target().deployment();
        Map<String, Object> info = d.modelInfo();
        Duration timeout = info.get("health_check_timeout") instanceof Number n && n.doubleValue() > 0
                ? Duration.ofMillis(Math.round(n.doubleValue() * 1000)) : DEFAULT_TIMEOUT;
        int maxTokens = info.get("health_check_max_tokens") instanceof Number n && n.intValue() > 0 ? n.intValue() : DEFAULT_MAX_TOKENS;
        boolean embedding = "embedding".equals(info.get("mode"));
        String requestId = HealthIds.next();
        CallContext ctx = new CallContext(requestId, Caller.MASTER, System.nanoTime(), Map.of());
        long started = System.currentTimeMillis();
        long t0 = System.nanoTime();
        CallOptions options = new CallOptions(timeout).forRequest(requestId, dev.switchboard.model.Cancellation.NEVER);
        Future<Usage> call;
        try {
            if (embedding) {
                if (!(c.target().provider() instanceof EmbeddingProvider e)) {
                    return Future.succeededFuture(result(c, false, 0, "mode: embedding, but " + d.provider()
                            + "/ deployments serve no embeddings here", started));
                }
                call = e.embed(new EmbeddingRequest(d.alias(), JsonNodeFactory.instance.arrayNode().add(PROMPT), null, null,
                        null, Map.of(), Map.of()), options).map(r -> r.usage());
            } else {
                ChatRequest ask = new ChatRequest(d.alias(), List.of(Message.text(Role.USER, PROMPT)), null, null, null, null,
                        null, null, maxTokens, null, null, null, null, null, false, false, null);
                call = c.target().provider().chat(ask, options).map(r -> r.usage());
            }
        } catch (RuntimeException e) {
            call = Future.failedFuture(e);
        }
        // the provider's own timeout is its deadline for the answer's head; this one bounds the whole check
        Future<Usage> bounded = call.timeout(timeout.toMillis() + 1000, java.util.concurrent.TimeUnit.MILLISECONDS);
        return bounded.transform(ar -> {
            long latencyMs = (System.nanoTime() - t0) / 1_000_000;
            Throwable failure = ar.failed() ? ar.cause() : null;
            record(ctx, c, started, latencyMs, ar.succeeded() ? ar.result() : null, failure, embedding);
            if (failure != null) {
                log.warn("health check of {} ('{}') failed in {} ms: {}", d.id(), c.alias(), latencyMs, LogSafe.message(failure));
                return Future.succeededFuture(result(c, false, latencyMs, message(failure, timeout), started));
            }
            return Future.succeededFuture(result(c, true, latencyMs, null, started));
        });
    }

    private static String message(Throwable t, Duration timeout) {
        if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) { // Vert.x's own, too
            return "No answer within health_check_timeout (" + timeout.toSeconds() + " s).";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private Result result(Checked c, boolean healthy, long latencyMs, String error, long checkedAt) {
        Deployment d = c.target().deployment();
        Object id = d.modelInfo().get("id");
        return new Result(c.alias(), d.id(), id == null ? null : id.toString(), d.apiBase(), healthy, latencyMs, error, checkedAt);
    }

    /** The check's ledger row: it was a real call, billed by the provider, whatever its outcome. */
    private void record(CallContext ctx, Checked c, long started, long latencyMs, Usage usage, Throwable failure, boolean embedding) {
        String deployment = c.target().deployment().id();
        DeploymentPrices.Cost cost = metering.prices.cost(deployment, usage);
        int status = failure == null ? 200 : failure instanceof GatewayException g ? g.attemptStatus() : 502;
        String errorType = failure instanceof GatewayException g ? g.kind().openAiType() : failure == null ? null : "upstream_error";
        try {
            metering.record(ctx, new SpendRecord(ctx.requestId(), 0, started, started + latencyMs, Caller.MASTER.id(), null, null,
                    "health_check", c.alias(), deployment, "primary", null, null,
                    usage == null ? 0 : usage.promptTokens(), usage == null ? 0 : usage.completionTokens(), 0, 0, 0, usage == null,
                    cost.nanos(), 0, cost.priced(), latencyMs, null, status, errorType, List.of("health_check")));
        } catch (RuntimeException e) {
            log.error("health check of {}: its ledger row was not queued", deployment, e);
        }
    }

    /** Ids of the checks' ledger rows: {@code req_}, the time, then 80 random bits, as the edge's request ids are made. */
    private static final class HealthIds {
        private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

        static String next() {
            byte[] b = new byte[10];
            RANDOM.nextBytes(b);
            StringBuilder s = new StringBuilder("req_").append(String.format("%012x", System.currentTimeMillis()));
            for (byte x : b) s.append(String.format("%02x", x & 0xff));
            return s.toString();
        }
    }
}
