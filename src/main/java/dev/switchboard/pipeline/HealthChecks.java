package dev.switchboard.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.config.Deployment;
import dev.switchboard.config.HealthCheckSettings;
import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Cancellation;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.LogSafe;
import dev.switchboard.model.Message;
import dev.switchboard.model.RequestIds;
import dev.switchboard.model.Role;
import dev.switchboard.provider.CallOptions;
import dev.switchboard.provider.EmbeddingProvider;
import dev.switchboard.provider.KeyScrubber;
import dev.switchboard.route.ModelRouter;
import dev.switchboard.route.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LiteLLM's model health checks ({@code GET /health}): one real call to each deployment — a chat of one short user
 * message with {@code model_info.health_check_max_tokens} (default 16, LiteLLM's) as its output limit, or an embedding
 * for {@code mode: embedding} — straight to its provider, past the router (a check is of one deployment, never retried
 * or sent elsewhere), as the master key: no key's limits, but the global budget ({@code litellm_settings.max_budget})
 * reserves and settles each like any call, since each is billed. Each answered call is a ledger row ({@code call_type}
 * {@code health_check}, the master key's); one the provider refused is not (it cost nothing), and one this check's own
 * bound reset is, priced at its prompt (the provider had it). A wildcard entry is checked with its
 * {@code health_check_model} and skipped without one, as LiteLLM does. With {@code background_health_checks} the
 * checks run at start and every {@code health_check_interval}, and {@code /health} answers the latest results.
 */
public final class HealthChecks {
    private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);
    /** LiteLLM's defaults: 60 s a check, 16 tokens of output. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    static final int DEFAULT_MAX_TOKENS = 16;
    /** A day: a longer health_check_timeout is a mistake. */
    private static final long MAX_TIMEOUT_MILLIS = 86_400_000L;
    private static final String PROMPT = "ping";
    static final String CALL_TYPE = "health_check";

    /**
     * One deployment's outcome.
     *
     * @param alias     the model_name it serves
     * @param id        {@code provider/model}
     * @param modelId   the config's {@code model_info.id}, else {@code provider/model}: what {@code ?model_id=} names
     * @param apiBase   where it is sent, as configured (the edge drops its user part and query), or null for the default
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
    /** Asked per check: tokens minted since start (Vertex, Entra, AWS) are provider secrets too. */
    private final java.util.function.Supplier<KeyScrubber> scrubber;
    /** The last finished background run (the first while it is under way); null before any. */
    private volatile Future<List<Result>> latest;
    /** The checks of every run not finished, so a stop can end them and wait for their ledger rows. */
    private final Set<Cancellation> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<Future<List<Result>>> running = ConcurrentHashMap.newKeySet();
    private volatile long timer = -1;
    private volatile boolean started;
    private volatile boolean closed;

    HealthChecks(Vertx vertx, List<Target> targets, List<Deployment> wildcardEntries, ModelRouter router, Metering metering,
                 HealthCheckSettings settings, java.util.function.Supplier<KeyScrubber> scrubber) {
        this.vertx = vertx;
        this.targets = List.copyOf(targets);
        this.wildcardEntries = List.copyOf(wildcardEntries);
        this.router = router;
        this.metering = metering;
        this.settings = settings;
        this.scrubber = scrubber;
    }

    public HealthCheckSettings settings() { return settings; }

    /**
     * Starts the background checks when the config asks for them: the first now, then every interval. Called once the
     * server listens (not by {@code switchboard check}, whose gateway must call no model); a second call does nothing.
     */
    public synchronized void start() {
        if (!settings.background() || started || closed) return;
        started = true;
        runInBackground();
    }

    private void runInBackground() {
        if (closed) return;
        Future<List<Result>> run;
        try {
            run = check(null, null);
        } catch (RuntimeException e) { // a bug, not a deployment's failure: logged, and the schedule goes on
            log.error("background health checks failed to run", e);
            run = Future.failedFuture(e);
        }
        if (latest == null) latest = run; // the first: /health waits for it
        Future<List<Result>> thisRun = run;
        run.onComplete(ar -> {
            if (ar.succeeded()) latest = thisRun; // the last finished run stays the answer while the next is under way
            if (!closed) timer = vertx.setTimer(Math.max(1, settings.interval().toMillis()), id -> runInBackground());
        });
    }

    /**
     * Stops the schedule and ends the checks under way (their calls reset, each still a ledger row: the provider had the
     * prompt), waiting for them up to {@code wait}. Blocking: call it at shutdown, off the event loops, before the ledger
     * closes.
     */
    void close(Duration wait) {
        closed = true;
        if (timer >= 0) vertx.cancelTimer(timer);
        inFlight.forEach(Cancellation::cancel);
        for (Future<List<Result>> f : running) {
            try {
                f.toCompletionStage().toCompletableFuture().get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.warn("a health check did not end within {} ms of the stop", wait.toMillis());
            }
        }
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
        // requests for the same checks while they run share them: each check is a billed call
        String key = alias + "\u0000" + modelId;
        Future<List<Result>>[] made = new Future[1];
        Future<List<Result>> shared = onDemand.computeIfAbsent(key, k -> made[0] = check(alias, modelId));
        if (made[0] != null) made[0].onComplete(ar -> onDemand.remove(key, made[0]));
        return shared;
    }

    private final ConcurrentHashMap<String, Future<List<Result>>> onDemand = new ConcurrentHashMap<>();

    /** Checks the deployments asked for, all at once; never fails (a failure is an unhealthy result). */
    Future<List<Result>> check(String alias, String modelId) {
        List<Future<Result>> all = new ArrayList<>();
        for (Checked c : deployments()) {
            if (alias != null && !alias.equals(c.alias())) continue;
            if (modelId != null && !modelId.equals(c.modelId())) continue;
            all.add(c.target() == null ? Future.succeededFuture(unhealthy(c, 0, c.problem(), System.currentTimeMillis()))
                    : checkOne(c));
        }
        Future<List<Result>> run = Future.join(all).transform(ignored -> {
            List<Result> out = new ArrayList<>(all.size());
            for (Future<Result> f : all) if (f.succeeded()) out.add(f.result());
            return Future.succeededFuture(out);
        });
        running.add(run);
        run.onComplete(ar -> running.remove(run));
        return run;
    }

    /**
     * A deployment to check, the model_name it is listed under (a wildcard entry's pattern), the id a {@code model_id}
     * query names, and, for a wildcard entry that cannot be checked, why (target null).
     */
    private record Checked(String alias, String modelId, Target target, String problem) {}

    private List<Checked> deployments() {
        List<Checked> out = new ArrayList<>();
        for (Target t : targets) out.add(new Checked(t.deployment().alias(), idOf(t.deployment()), t, null));
        for (Deployment w : wildcardEntries) {
            if (!(w.modelInfo().get("health_check_model") instanceof String model) || model.isBlank()) continue;
            try {
                out.add(new Checked(w.alias(), idOf(w), router.wildcardTarget(w, model), null));
            } catch (GatewayException e) {
                out.add(new Checked(w.alias(), idOf(w), null, "health_check_model '" + model + "' cannot be checked: " + e.getMessage()));
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
                ? Duration.ofMillis(Math.min(Math.round(n.doubleValue() * 1000), MAX_TIMEOUT_MILLIS)) : DEFAULT_TIMEOUT;
        int maxTokens = info.get("health_check_max_tokens") instanceof Number n && n.intValue() > 0 ? n.intValue() : DEFAULT_MAX_TOKENS;
        boolean embedding = "embedding".equals(info.get("mode"));
        String requestId = IDS.next();
        CallContext ctx = new CallContext(requestId, Caller.MASTER, System.nanoTime(), Map.of());
        long started = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Cancellation cancel = Cancellation.create();
        inFlight.add(cancel);
        // the provider's timeout bounds the wait for the answer's head and each silence in it; this, the whole check
        // health_check_timeout bounds the whole check: its end resets the call, which is then a ledger row priced at the
        // prompt (the provider had it). The deployment's own timeout still applies inside it, as to any call.
        long guard = vertx.setTimer(timeout.toMillis(), id -> cancel.cancel());
        CallOptions options = CallOptions.DEFAULT.forRequest(requestId, cancel);
        String deployment = d.id();
        Future<? extends Answer<?>> call;
        if (embedding) {
            if (!(c.target().provider() instanceof EmbeddingProvider e)) {
                vertx.cancelTimer(guard);
                inFlight.remove(cancel);
                return Future.succeededFuture(unhealthy(c, 0, "mode: embedding, but " + d.provider()
                        + "/ deployments serve no embeddings here", started));
            }
            EmbeddingRequest ask = new EmbeddingRequest(d.alias(), JsonNodeFactory.instance.arrayNode().add(PROMPT), null, null,
                    null, Map.of(), Map.of());
            call = MeteredCall.around(() -> metering.beginEmbedding(ctx, ask, CALL_TYPE),
                    () -> called(deployment, () -> e.embed(ask, options)), MeteredCall.Embedded::new);
        } else {
            // as max_completion_tokens: OpenAI's reasoning models refuse max_tokens; every other provider reads either
            ChatRequest ask = new ChatRequest(d.alias(), List.of(Message.text(Role.USER, PROMPT)), null, null, null, null,
                    null, null, null, maxTokens, null, null, null, null, false, false, null);
            call = MeteredCall.around(() -> metering.begin(ctx, ask, CALL_TYPE),
                    () -> called(deployment, () -> c.target().provider().chat(ask, options)), MeteredCall.Served::new);
        }
        return call.transform(ar -> {
            vertx.cancelTimer(guard);
            inFlight.remove(cancel);
            long latencyMs = (System.nanoTime() - t0) / 1_000_000;
            if (ar.succeeded()) return Future.succeededFuture(new Result(c.alias(), d.id(), idOf(d), d.apiBase(), true, latencyMs,
                    null, started));
            Throwable failure = ar.cause();
            String why = message(failure, timeout, cancel.cancelled() && !closed);
            log.warn("health check of {} ('{}') failed in {} ms: {}", d.id(), c.alias(), latencyMs, LogSafe.text(why));
            return Future.succeededFuture(unhealthy(c, latencyMs, why, started));
        });
    }

    /**
     * The provider's call as the metering takes it: an answer of {@code deployment}, and a call reset by this check's own
     * bound marked as having reached it (its ledger row then prices the prompt the provider had).
     */
    private static <T> Future<Answer<T>> called(String deployment, java.util.function.Supplier<Future<T>> call) {
        Future<T> f;
        try {
            f = call.get();
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        return f.<Answer<T>>map(body -> new Answer<>(body, deployment, "primary", null))
                .recover(t -> Future.failedFuture(Cancellation.isClientClosed(t) ? Cancellation.clientClosed(deployment) : t));
    }

    /** What {@code /health} says went wrong: an upstream's error as clients get it (keys masked), never a stack's text. */
    private String message(Throwable t, Duration timeout, boolean timedOut) {
        if (timedOut) return "No answer within health_check_timeout (" + Math.max(1, timeout.toMillis() / 1000) + " s).";
        if (t instanceof GatewayException g) return scrubber.get().text(g.getMessage());
        return "The check failed inside the gateway (" + t.getClass().getSimpleName() + "); see its log.";
    }

    private Result unhealthy(Checked c, long latencyMs, String error, long checkedAt) {
        Deployment d = c.target() != null ? c.target().deployment() : null;
        return d == null ? new Result(c.alias(), c.alias(), null, null, false, latencyMs, error, checkedAt)
                : new Result(c.alias(), d.id(), idOf(d), d.apiBase(), false, latencyMs, error, checkedAt);
    }

    /** The checks' request ids, made as the edge makes a request's ({@code req_}, the time, 80 random bits). */
    private static final RequestIds IDS = new RequestIds();
}
