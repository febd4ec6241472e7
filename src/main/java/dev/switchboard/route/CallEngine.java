package dev.switchboard.route;

import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Cancellation;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.LogSafe;
import dev.switchboard.provider.CallOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one request through its {@link RoutePlan}: picks a deployment of the current group, calls it, retries
 * within the group on a retryable failure (backoff with jitter, waiting out cooldowns), and moves to the next
 * alias of the plan when the group is exhausted, marking the answer {@code fallback:<reason>}. Chat, streams
 * and embeddings all go through here; only {@link Call} differs. Waits are Vert.x timers: nothing blocks.
 *
 * <p>A client that leaves ({@link CallContext#cancellation()}) ends the run at once with a 499: no further attempt,
 * retry or fallback is made for nobody, and the attempt in flight is reset by the upstream HTTP layer.
 */
final class CallEngine {
    private static final Logger log = LoggerFactory.getLogger(CallEngine.class);
    /** The longest a retry waits for a deployment to come back (a provider's retry-after beyond it is not waited out). */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final long NOT_WAITING = Long.MIN_VALUE;

    /**
     * How one kind of call (chat, stream, embeddings) is made, and what happens to its answer.
     *
     * @param streaming whether the stream timeout applies
     * @param start     calls one deployment's provider
     * @param settle    the body to hand on after the deployment answered; must end the attempt
     *                  ({@link Attempt#end}) now, or later for a stream, when it ends
     * @param dropsThinking whether the request's thinking reaches a target's model as nothing (Provider#dropsThinking);
     *                      asked only of fallback attempts (ThinkingDrops)
     */
    record Call<T>(boolean streaming, BiFunction<Target, CallOptions, Future<T>> start, BiFunction<T, Attempt, T> settle,
                   java.util.function.Predicate<Target> dropsThinking) {
        Call(boolean streaming, BiFunction<Target, CallOptions, Future<T>> start, BiFunction<T, Attempt, T> settle) {
            this(streaming, start, settle, NO_THINKING);
        }
    }

    /** The request asks for no thinking: no target drops any. */
    static final java.util.function.Predicate<Target> NO_THINKING = t -> false;

    private final Vertx vertx;
    /** A name (alias, deployment id, group alias, wildcard-served name) → its group; null when nothing serves it. */
    private final java.util.function.Function<String, ModelGroup> groups;
    private final RouterSettings settings;
    private final RouterMetrics metrics;
    private final RandomGenerator random;
    private final LongSupplier clock;
    private final AttemptListener attempts;
    private final ThinkingDrops thinkingDrops;
    /** How the log lines show an alias or deployment id (masked and escaped: they may be a caller's text). */
    final LogNames names = new LogNames();

    CallEngine(Vertx vertx, java.util.function.Function<String, ModelGroup> groups, RouterSettings settings, RouterMetrics metrics,
               RandomGenerator random, LongSupplier clock, AttemptListener attempts) {
        this.attempts = attempts;
        this.thinkingDrops = new ThinkingDrops(metrics, names);
        this.vertx = vertx;
        this.groups = groups;
        this.settings = settings;
        this.metrics = metrics;
        this.random = random;
        this.clock = clock;
    }

    <T> Future<Answer<T>> run(CallContext ctx, RoutePlan plan, RequestFacts facts, RequestControls controls, Call<T> call) {
        Run<T> run = new Run<>(ctx, plan, facts, controls, call);
        Runnable off = ctx.cancellation().onCancel(run::clientLeft);
        Future<Answer<T>> answer = run.promise.future();
        if (answer.isComplete()) off.run(); // the client had left already
        else {
            run.off = off;
            run.group(plan.primary(), ModelRouter.PRIMARY);
        }
        return answer;
    }

    /**
     * One request's way through its plan. Attempts happen one after another, so its fields need no locking. It is its
     * attempts' {@link Attempt.Breaks}: a stream that breaks after the run ended is accounted for here.
     */
    private final class Run<T> implements Attempt.Breaks {
        final Promise<Answer<T>> promise = Promise.promise();
        private final CallContext ctx;
        private final RoutePlan plan;
        private final RequestFacts facts;
        private final RequestControls controls;
        private final Call<T> call;
        /**
         * The group's deployments this request has tried (a list: a handful at most, one on most requests, where a
         * HashSet was four objects a request).
         */
        private final List<DeploymentState> tried = new ArrayList<>(2);
        private ModelGroup group;
        private String route;
        private int retry;
        /** The retries the current group's failures allowed at its last retry ({@code num_retries} or the retry_policy's). */
        private int retryLimit;
        /** Retries of the deployment in {@link #current} itself (its {@code max_retries}), reset at each new pick. */
        private int deploymentRetry;
        private int attemptCount;
        /** The fallback group whose dropped thinking was counted for this request: its retries are not counted again. */
        private ModelGroup thinkingDroppedAt;
        /** Attempts of the current group its deployments' providers refused before any call (see {@link #cannotServe}). */
        private int refusedInGroup;
        /** When this request lined up for a max_parallel_requests slot in its current group; {@link #NOT_WAITING} before. */
        private long waitingSince = NOT_WAITING;
        /** Its place in line while it waits for a slot; null otherwise. */
        private SlotWait slotWait;
        /** When this request began to wait for its cooling group to come back; {@link #NOT_WAITING} before. */
        private long recoverySince = NOT_WAITING;
        /** The group's cooldowns started when it began to wait: one more means the probe it waited for failed. */
        private long cooldownsSeen;
        /** Whether it has followed a trial call already ({@code switchboard_cooldown_gate_total{outcome="followed"}}). */
        private boolean followedTrial;
        /** Its wait for the group to come back ({@link #waitForRecovery}); null otherwise. */
        private RecoveryWait recoveryWait;
        /** The attempt in flight, or the last one made; null before the first. */
        private Attempt current;
        /** What each failed attempt and group ended with, for a failed chain's message; null until one fails. */
        private ChainFailures failures;
        /**
         * Unregisters {@link #clientLeft} from the cancellation: run by {@link #complete} / {@link #fail} as the run ends,
         * before the answer goes on (where a listener on the run's future was one more dispatch on every request).
         */
        private Runnable off;

        Run(CallContext ctx, RoutePlan plan, RequestFacts facts, RequestControls controls, Call<T> call) {
            this.ctx = ctx;
            this.plan = plan;
            this.facts = facts;
            this.controls = controls;
            this.call = call;
        }

        /** The client left: the run ends now; the attempt in flight, if any, is reset and ends in {@link #failed}. */
        void clientLeft() {
            SlotWait waiting = slotWait;
            if (waiting != null) waiting.leave(); // out of line now, not when a slot or the minute comes
            RecoveryWait recovering = recoveryWait;
            if (recovering != null) recovering.leave();
            if (fail(clientClosed())) {
                log.debug("request {}: the client left; no further attempt, retry or fallback", ctx.requestId());
            }
        }

        /** The run's answer, unless it is over already. */
        private boolean complete(Answer<T> answer) {
            if (!endNow()) return false;
            return promise.tryComplete(answer);
        }

        /**
         * The run's failure, unless it is over already; after more than one attempt it tells the SDKs not to replay the
         * chain ({@link RetryAdvice}). A client that left is answered nothing, so its 499 goes as it is.
         */
        private boolean fail(Throwable error) {
            if (!endNow()) return false;
            if (Cancellation.isCancellation(error)) return promise.tryFail(error);
            // a chain that fell back and failed as a whole names each step, not only the last failure (2026-12-07)
            if (failures != null && plan.taken() > 0) error = failures.onto(error);
            return promise.tryFail(RetryAdvice.afterAttempts(withCounts(error), attemptCount));
        }

        /**
         * LiteLLM's retry and fallback counts on the run's failure too (LiteLLM puts them in the message, "LiteLLM
         * Retried: 2 times, LiteLLM Max Retries: 2"): a client reads what was tried from the same headers either way.
         */
        private Throwable withCounts(Throwable error) {
            if (!(error instanceof GatewayException g)) return error;
            java.util.Map<String, String> h = LiteLlmResponseHeaders.withCounts(g.headers(), retry, retryLimit, plan.taken(),
                    settings.maxFallbacks());
            // the route of the last attempt, as the request log and the ledger say it: a chain that fell back and then
            // failed says fallback:<reason> to the client too (it said nothing, so the failure of a fallback target read
            // as the primary's own, 2026-12-07)
            if (route != null) h.put(ModelRouter.ROUTE_HEADER, route);
            return g.withHeaders(h);
        }

        /** Ends the run now (the cancellation's listener taken off first); false when it was over already. */
        private boolean endNow() {
            if (promise.future().isComplete()) return false;
            Runnable o = off;
            off = null;
            if (o != null) o.run();
            return true;
        }

        /** Whether the run is over (the client left): nothing more may be tried. */
        private boolean over() {
            if (ctx.cancellation().cancelled()) clientLeft();
            return promise.future().isComplete();
        }

        /**
         * The 499 the run ends with; it names the deployment only while an attempt is out at it (that deployment has the
         * prompt and may bill it). A client that leaves during a backoff or a retry-after wait left nothing in flight:
         * the attempts before were refusals or failures, which no provider bills, so the ledger prices the call at 0.
         */
        private GatewayException clientClosed() {
            String called = current != null && current.inFlight() ? current.state.id() : null;
            // the gateway stopped the call (its shutdown drain ran out): the client is still there and gets the 503
            GatewayException stop = ctx.cancellation().stopReason();
            return stop != null ? Cancellation.stopped(stop, called) : Cancellation.clientClosed(called);
        }

        /** What an attempt reset by a cancellation is recorded as: the client's leaving (not the provider's failure). */
        private GatewayException attemptReset() {
            return Cancellation.clientClosed(current != null && current.inFlight() ? current.state.id() : null);
        }

        void group(String alias, String route) {
            if (over()) return;
            ModelGroup g;
            try {
                g = groups.apply(alias);
            } catch (GatewayException e) { // a fallback to a wildcard-served name the wildcard cannot serve
                fail(e);
                return;
            }
            if (g == null) {
                fail(GatewayException.modelNotFound(alias, java.util.List.of()));
                return;
            }
            this.group = g;
            this.route = route;
            this.retry = 0;
            this.retryLimit = 0;
            this.refusedInGroup = 0;
            this.recoverySince = NOT_WAITING;
            tried.clear();
            attempt();
        }

        private void attempt() {
            if (over()) return;
            long now = clock.getAsLong();
            ModelGroup.Pick pick = group.select(facts, tried, now);
            deploymentRetry = 0;
            if (pick != null) send(pick);
            else noneAvailable(now);
        }

        /** Every deployment is cooling down or at its limits, or too small for the prompt (the pre-call check). */
        private void noneAvailable(long now) {
            GatewayException untagged = facts.tagRefusal(group);
            if (untagged != null) { // nothing may serve the request's tags: its answer, no fallback (as LiteLLM's)
                fail(untagged);
                return;
            }
            GatewayException tooLong = facts.contextRefusal(group);
            if (tooLong != null) { // nothing is called: the context-window fallbacks, as for a provider's refusal
                log.info("request {}: no deployment of '{}' takes the prompt: {}", ctx.requestId(), names.of(group.alias), LogSafe.message(tooLong));
                groupFailed(tooLong, FallbackReason.CONTEXT_WINDOW);
                return;
            }
            long wallMillis = System.currentTimeMillis();
            SpendCaps.Cap spent = group.budgetsSpent(facts, wallMillis);
            if (spent != null) { // LiteLLM's budget routing: the fallbacks, else its 429
                long retryAfter = spent.windowEnd(wallMillis) == Long.MAX_VALUE ? 0
                        : Math.max(1, (spent.windowEnd(wallMillis) - wallMillis + 999) / 1000);
                groupFailed(new GatewayException(ErrorKind.RATE_LIMIT, 429, "No deployments available - crossed budget for "
                        + spent.kind() + ": " + SpendCaps.exceeded(spent, wallMillis) + " (model '" + group.alias + "'"
                        + (retryAfter > 0 ? "; the budget resets in " + retryAfter + " s" : "") + ").", null,
                        FailurePolicy.NO_BUDGET, null, retryAfter > 0 ? retryAfter : null));
                return;
            }
            List<DeploymentState> full = group.fullMembers(facts, now);
            if (!full.isEmpty()) { // LiteLLM's max_parallel_requests: wait in line for a slot, as its semaphore does
                waitForSlot(full, false, now);
                return;
            }
            if (group.atCapacity(facts, now)) {
                long retryAfter = Math.max(1, UsageWindow.nanosToNextMinute(now) / 1_000_000_000L);
                groupFailed(new GatewayException(ErrorKind.RATE_LIMIT, 429, "Every deployment of '" + group.alias
                        + "' is at its rpm/tpm limit for this minute.", null, FailurePolicy.NO_CAPACITY, null, retryAfter));
                return;
            }
            if (plan.hasNext(FallbackReason.ERROR)) { // somewhere else to go: do not wait for a cooldown
                groupFailed(GatewayException.of(ErrorKind.UNAVAILABLE, "Every deployment of '" + group.alias
                        + "' is cooling down after failures."));
                return;
            }
            waitForRecovery(now);
        }

        /**
         * Every deployment that may serve the request is cooling down or on trial, and there is nowhere else to go. While
         * they cool, the request is sent to the one whose cooldown ends first (a cooldown steers, it never holds or refuses
         * a request). Once a trial call is out, the request follows it (for its lease at most, then it is sent itself): its
         * success lets the followers through, its failure (a new cooldown started meanwhile) fails them fast with
         * LiteLLM's "No deployments available" 429 and the cooldown's time left as retry-after.
         */
        private void waitForRecovery(long now) {
            long started = group.cooldownsStarted(facts);
            if (recoverySince == NOT_WAITING) {
                recoverySince = now;
                cooldownsSeen = started;
            } else if (started != cooldownsSeen) { // its probe failed while this request waited: do not wait again
                refuse(now, true);
                return;
            }
            long untilTrial = group.nanosUntilTrial(facts, now);
            if (untilTrial > 0 && untilTrial != Long.MAX_VALUE) {
                // Cooling, no trial call due yet: sent now, to the member whose cooldown ends first, as before trial calls
                // (a cooldown steers, it never holds a request). Waiting for the cooldown's end held every request of a
                // one-deployment alias for up to cooldown_time after a 429 or a burst of failures, only to fail it then
                // (the conformance suites' fault tests took 30 s a provider instead of 5).
                sendLastResort(group.coolingLastResort(facts), now);
                return;
            }
            long left = MAX_WAIT.toNanos() - (now - recoverySince);
            if (untilTrial == Long.MAX_VALUE || untilTrial >= left) { // nothing to wait for, or longer than a request waits
                refuse(now, false);
                return;
            }
            long untilOverdue = untilTrial > 0 ? Long.MAX_VALUE : group.nanosUntilTrialOverdue(facts, now);
            if (untilOverdue == 0) { // the trial call ran past its lease: stop following it, go to the deployment
                sendPastTrial(group.overdueTrial(facts, now), now);
                return;
            }
            RecoveryWait w = new RecoveryWait(vertx, () -> {
                recoveryWait = null;
                if (!over()) attempt();
            });
            recoveryWait = w;
            // the probe may take its whole timeout: the wait follows it for its lease at most (then sendPastTrial)
            w.timeout(Math.min(left, untilOverdue));
            boolean registered = false;
            for (DeploymentState m : group.members) {
                if (facts.mayServe(group, m)) registered |= w.onProbeOf(m.breaker, now);
            }
            if (!registered) { // the probe ended between the look and now: look again (on the next turn, never a loop)
                w.leave();
                recoveryWait = null;
                later(1_000_000, this::attempt);
            } else if (!followedTrial) { // counted once a request, however often it is woken to look again
                followedTrial = true;
                metrics.cooldownGate(group.alias, "followed");
            }
        }

        /**
         * Fails the request with {@link #cooling}, counted as the gate's refusal only when that refusal is the run's
         * answer: a client that left on another thread (the edge's event loop, a background response's cancel) between
         * {@link #attempt}'s look at the cancellation and here has had its 499 already, and is no refusal.
         */
        private void refuse(long now, boolean trialFailed) {
            if (fail(cooling(now, trialFailed))) metrics.cooldownGate(group.alias, "refused");
        }

        /**
         * Every member is cooling and no trial call is due: the request goes to {@code m}, the member whose cooldown ends
         * first, at once (a cooldown steers, it never holds a request); null: nothing may serve it after all.
         */
        private void sendLastResort(DeploymentState m, long now) {
            if (m == null) { // look again (on the next turn, never a loop)
                later(1_000_000, this::attempt);
                return;
            }
            log.debug("request {}: every deployment of '{}' is cooling down and there is nowhere else to go; sending it to {} "
                    + "as the last resort", ctx.requestId(), names.of(group.alias), names.of(m.id()));
            sendItself(m, now);
        }

        /**
         * The trial call {@code m}'s waiters follow has run longer than its lease ({@link CircuitBreaker#nanosUntilTrialOverdue}):
         * it says nothing yet, so this request no longer waits for it and goes to the deployment itself, as every request
         * with nowhere else to go did before trial calls (its outcome decides the breaker, like a trial call's: a success
         * closes it for all). Its {@code max_parallel_requests} still hold: a slot, else its line.
         */

        private void sendPastTrial(DeploymentState m, long now) {
            if (m == null) { // the trial call ended since the look: look again (on the next turn, never a loop)
                later(1_000_000, this::attempt);
                return;
            }
            log.info("request {}: the trial call at {} has not ended within its lease; sending this waiting request there "
                    + "itself", ctx.requestId(), names.of(m.id()));
            sendItself(m, now);
        }

        /**
         * Sends the request to {@code m} outside its breaker's admission (its outcome decides the breaker, like a trial
         * call's), within its {@code max_parallel_requests}: a free slot, else its line.
         */
        private void sendItself(DeploymentState m, long now) {
            ParallelSlots slots = m.slots;
            if (!slots.limited()) send(new ModelGroup.Pick(m, true, 0, false));
            else if (slots.open() && slots.tryTake()) send(new ModelGroup.Pick(m, true, 0, true));
            else waitForSlot(List.of(m), true, now);
        }

        /** The answer of a request the cooldowns of its group refuse: LiteLLM's 429, with the time left as retry-after. */
        private GatewayException cooling(long now, boolean trialFailed) {
            long nanos = group.nanosUntilTrial(facts, now);
            long seconds = nanos == Long.MAX_VALUE ? 1 : Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
            return new GatewayException(ErrorKind.RATE_LIMIT, 429, "No deployments available for '" + group.alias
                    + "': every deployment is cooling down after failures" + (trialFailed
                    ? " (its trial call after the cooldown failed)" : "") + ". Try again in " + seconds + " s.", null,
                    FailurePolicy.COOLING_DOWN, null, seconds);
        }

        /**
         * Every deployment that could serve the request has all its {@code max_parallel_requests} slots taken: the request
         * lines up at each of them and goes to the first whose slot comes free (handed over, so no newcomer takes it
         * first), at most {@link #MAX_WAIT} in all (fallbacks included); then the group fails as at capacity (its
         * fallbacks, else a 429). Once a second it looks whether another member came back (a cooldown ended, a new rpm
         * minute), and if one did it leaves the line for it.
         *
         * @param pastTrial {@link #sendPastTrial}: the one member's trial call ran past its lease; a slot handed over is
         *                  used whatever its breaker says
         */
        private void waitForSlot(List<DeploymentState> full, boolean pastTrial, long now) {
            if (waitingSince == NOT_WAITING) {
                waitingSince = now;
                metrics.queuedForSlot(group.alias);
                log.info("request {}: every deployment of '{}' that could serve it is at its max_parallel_requests; "
                        + "waiting for a slot", ctx.requestId(), names.of(group.alias));
            }
            long left = MAX_WAIT.toNanos() - (now - waitingSince);
            if (left <= 0) {
                groupFailed(new GatewayException(ErrorKind.RATE_LIMIT, 429, "Every deployment of '" + group.alias
                        + "' was at its max_parallel_requests for " + MAX_WAIT.toSeconds() + " s.", null,
                        FailurePolicy.NO_CAPACITY, null, 1L));
                return;
            }
            SlotWait w = new SlotWait(full, pastTrial, vertx.getOrCreateContext());
            slotWait = w;
            w.timer = vertx.setTimer(tickMillis(left), id -> tick(w));
            for (DeploymentState m : full) m.slots.await(w.waiter); // may be handed a slot at once
        }

        private static long tickMillis(long leftNanos) { return Math.max(1, Math.min(leftNanos, 1_000_000_000L) / 1_000_000); }

        /** A second in line passed (or the whole wait): go on waiting, or leave the line for an open member or the 429. */
        private void tick(SlotWait w) {
            long now = clock.getAsLong();
            long left = MAX_WAIT.toNanos() - (now - waitingSince);
            if (left > 0 && !group.anyOpen(facts, now)) {
                w.timer = vertx.setTimer(tickMillis(left), id -> tick(w));
                return;
            }
            if (!w.leave()) return; // a slot was handed over meanwhile: handedOver runs next
            if (!over()) attempt(); // the open member, or noneAvailable fails the wait as at capacity
        }

        /** A slot of {@code slots} was handed to this request (on its own context). */
        private void handedOver(SlotWait w, ParallelSlots slots) {
            w.leave();
            DeploymentState m = null;
            for (DeploymentState d : w.full) if (d.slots == slots) m = d;
            if (m == null || over()) { // the client left while it waited: the slot goes on to the next in line
                slots.release();
                return;
            }
            ModelGroup.Pick pick = w.pastTrial ? new ModelGroup.Pick(m, true, 0, true) : group.admitWithSlot(m, facts, clock.getAsLong());
            if (pick == null) { // it cooled down or reached its rpm meanwhile: the slot goes on, this request looks again
                slots.release();
                attempt();
                return;
            }
            send(pick);
        }

        /** This request's place in the lines of {@code full}, while it waits for a slot. */
        private final class SlotWait {
            final List<DeploymentState> full;
            final boolean pastTrial;
            final ParallelSlots.Waiter waiter;
            long timer;

            SlotWait(List<DeploymentState> full, boolean pastTrial, io.vertx.core.Context here) {
                this.full = full;
                this.pastTrial = pastTrial;
                this.waiter = new ParallelSlots.Waiter(slots -> here.runOnContext(v -> handedOver(this, slots)));
            }

            /** Out of every line and its timer off: true when it gave up its place before a slot was handed over. */
            boolean leave() {
                boolean first = waiter.cancel();
                vertx.cancelTimer(timer);
                for (DeploymentState m : full) m.slots.leave(waiter);
                if (slotWait == this) slotWait = null;
                return first;
            }
        }

        /** {@code max_retries}: the same deployment again, with a slot of its own (else the group's line, as a new request). */
        private void retrySame(DeploymentState state) {
            boolean limited = state.slots.limited();
            if (limited && !(state.slots.open() && state.slots.tryTake())) { // no slot, or a line ahead of it
                attempt();
                return;
            }
            send(new ModelGroup.Pick(state, false, 0, limited));
        }

        private void send(ModelGroup.Pick pick) {
            waitingSince = NOT_WAITING; // the wait is over; one after this call (a retry) gets its own 60 s
            recoverySince = NOT_WAITING;
            if (!tried.contains(pick.state())) tried.add(pick.state());
            attemptCount++;
            Target target = pick.state().target;
            // a fallback to a model without thinking drops the request's: said, not silent (asked of fallbacks alone),
            // once per fallback group and request, not per attempt (review 2026-12-07: a fallback retried 3 times
            // counted 3, so the counter said attempts where its readers read requests)
            if (!ModelRouter.PRIMARY.equals(route) && thinkingDroppedAt != group && call.dropsThinking().test(target)) {
                thinkingDroppedAt = group;
                thinkingDrops.fallenBack(ctx.requestId(), plan.primary(), group.alias, pick.state().id(), target.deployment());
            }
            Attempt attempt = new Attempt(pick.state(), pick.probe(), pick.reservedTokens(), pick.holdsSlot(), this, clock.getAsLong());
            current = attempt;
            Future<T> f;
            try {
                f = call.start().apply(target, controls.options(target.deployment(), call.streaming(), settings)
                        .forRequest(ctx.requestId(), ctx.cancellation()));
            } catch (RuntimeException | Error e) { // an Error too (a provider's stack overflow): else the request hangs
                f = Future.failedFuture(e);
            }
            f.onComplete(ar -> {
                if (ar.succeeded()) succeeded(attempt, ar.result());
                else failed(attempt, ar.cause());
            });
        }

        private void succeeded(Attempt attempt, T body) {
            if (promise.future().isComplete()) { // the client left as the answer arrived
                attempt.end(null, clock.getAsLong());
                if (body instanceof ChatStream s) s.cancel();
                return;
            }
            long answeredAt = clock.getAsLong();
            attempt.answered(answeredAt);
            group.served(facts, attempt.state);
            ctx.attach(Target.SERVED, attempt.state.target.deployment());
            ctx.attach(ServingAttempt.KEY, attempt); // the object there already: nothing allocated for it
            try {
                attempts.answered(ctx, attemptCount, group.alias, attempt.state.id(), attempt.state.modelId(), route,
                        answeredAt - attempt.startedNanos());
            } catch (RuntimeException e) {
                log.error("request {}: the attempt listener failed", ctx.requestId(), e);
            }
            T settled;
            try {
                settled = call.settle().apply(body, attempt);
            } catch (RuntimeException | Error e) { // an Error too: thrown out of onComplete, Vert.x swallows it, the request hangs
                attempt.end(null, clock.getAsLong());
                fail(e);
                return;
            }
            // the deployment's LiteLLM headers and the run's retry and fallback counts, an immutable map made once per
            // deployment for a first try: the answer holds it as it is (withHeaders would copy it into a new map a request)
            complete(new Answer<>(settled, attempt.state.id(), route, "miss", null, LiteLlmResponseHeaders.answered(
                    attempt.state, retry, retryLimit, plan.taken(), settings.maxFallbacks())));
        }

        private void failed(Attempt attempt, Throwable error) {
            long now = clock.getAsLong();
            if (over()) { // the client left (or the gateway stopped the call): this attempt was reset for it, not the deployment's fault
                reportFailed(attempt, attemptReset(), now);
                attempt.end(null, now);
                return;
            }
            reportFailed(attempt, error, now);
            if (error instanceof GatewayException g && DeploymentParams.CODE.equals(g.code())) {
                cannotServe(attempt, g, now);
                return;
            }
            FailurePolicy.Verdict verdict = FailurePolicy.classify(error);
            if (verdict.retry() && deploymentRetry < DeploymentRetries.of(attempt.state.target.deployment())) {
                // LiteLLM hands max_retries to the deployment's own OpenAI client, which retries the same deployment
                // before the router sees a failure: so no cooldown counting here, only the final failure counts.
                attempt.end(null, now);
                deploymentRetry++;
                long wait = DeploymentRetries.waitNanos(deploymentRetry, error, random);
                log.info("request {}: max_retries {} of deployment {} in {} ms after: {}", ctx.requestId(), deploymentRetry,
                        names.of(attempt.state.id()), wait / 1_000_000, LogSafe.message(error));
                later(wait, () -> retrySame(attempt.state));
                return;
            }
            if (attempt.failed(error, verdict, now)) cooldownStarted(attempt, error, attempt.probe()); // the first, or one more after a failed trial call
            long untilAvailable = group.nanosUntilAvailable(facts, now);
            // no breaker keeps the provider's retry-after (cooldowns off, or LiteLLM's single-deployment rule that a 429
            // does not cool its lone deployment): a retry that can only go back to it waits it out, as LiteLLM's does
            if (attempt.state.breaker.gatesNothing() || attempt.state.breaker.lone()) {
                untilAvailable = Math.max(untilAvailable, retryAfterOfSole(attempt.state, error));
            }
            // The group has nothing available now (a cooldown, a 429's retry-after) but the plan has somewhere
            // else to go: go there rather than wait, as noneAvailable() does for a fresh attempt.
            boolean fallBackNow = untilAvailable > 0 && verdict.fallback() != null && plan.hasNext(verdict.fallback());
            // LiteLLM's retry_policy: the retries of this kind of failure, when it names the kind; else num_retries. The
            // request's own num_retries (x-switchboard-num-retries) wins over both: it is the most specific.
            Integer byPolicy = controls.setsRetries() ? null : settings.retryPolicy().retriesFor(group.alias, error);
            int limit = byPolicy != null ? byPolicy : controls.retries(settings);
            boolean retryable = byPolicy != null ? retry < byPolicy : verdict.retry() && retry < limit;
            if (retryable && !fallBackNow) {
                // Back off, and if the group has nothing available (a 429's retry-after, a cooldown), wait for it.
                long wait = Math.max(Backoff.nanos(retry, settings.backoffBase(), settings.minRetryWait(), random),
                        untilAvailable);
                if (wait <= MAX_WAIT.toNanos()) {
                    retry++;
                    retryLimit = limit;
                    metrics.retry(group.alias);
                    log.info("request {}: retry {} of '{}' in {} ms after {}: {}", ctx.requestId(), retry, names.of(group.alias),
                            wait / 1_000_000, names.of(attempt.state.id()), LogSafe.message(error));
                    later(wait, this::attempt);
                    return;
                }
            }
            if (verdict.fallback() == null) fail(error);
            else groupFailed(error, verdict.fallback());
        }

        /**
         * With {@code disable_cooldowns}, or for a lone deployment's 429, no breaker keeps the provider's retry-after: when the retry can only go back to
         * the deployment that asked for it (no other may serve the request), it waits that long, as LiteLLM's router
         * sleeps a single deployment's retry-after before its retry. 0 otherwise.
         */
        private long retryAfterOfSole(DeploymentState failed, Throwable error) {
            // LiteLLM's _time_to_sleep_before_retry takes a retry-after of any retryable failure (a 503's too) only within
            // (0, 60] s, else backs off as usual: a longer one must not stop the retry (review M1)
            if (!(error instanceof GatewayException g) || g.retryAfterSeconds() == null || g.retryAfterSeconds() <= 0
                    || g.retryAfterSeconds() > 60) return 0;
            for (DeploymentState m : group.members) if (m != failed && facts.mayServe(group, m)) return 0;
            return g.retryAfterSeconds() * 1_000_000_000L;
        }

        /** {@code attempt}'s failure started a cooldown of its deployment: counted and said, whatever the failure. */
        private void cooldownStarted(Attempt attempt, Throwable error, boolean trialFailed) {
            metrics.cooldown(attempt.state.id(), attempt.state.modelId());
            if (trialFailed) {
                log.warn("deployment {} of '{}' failed its trial call after a cooldown and cools down again after: {}",
                        names.of(attempt.state.id()), names.of(group.alias), LogSafe.message(error));
            } else {
                log.warn("deployment {} of '{}' cooling down after: {}", names.of(attempt.state.id()), names.of(group.alias),
                        LogSafe.message(error));
            }
        }

        /**
         * The stream of the attempt that answered broke after its first byte (the run is over: nothing can be retried or
         * fallen back to). It is a failed attempt all the same: its cooldown is counted and logged as any other's, and the
         * listener is told (the attempt-error metric, the attempt span, the ledger's attempt row). A client's leaving never
         * comes here ({@link TrackedStream}).
         */
        @Override
        public void brokeMidStream(Attempt attempt, GatewayException error, boolean cooldownStarted, long now) {
            // a trial call that answered closed the breaker then: this cooldown is a new one, not a failed trial
            if (cooldownStarted) cooldownStarted(attempt, error, false);
            try {
                // the attempt that answered was the run's last (an answer ends the run; Attempt ignores a break of an
                // attempt that ended before), so the run's number, group and route are still the attempt's own
                attempts.brokeMidStream(ctx, attemptCount, group.alias, attempt.state.id(), attempt.state.target.deployment(),
                        attempt.state.modelId(), route, error,
                        now - attempt.startedNanos());
            } catch (RuntimeException e) {
                log.error("request {}: the attempt listener failed", ctx.requestId(), e);
            }
        }

        /**
         * The deployment's provider cannot honour a parameter of the request (DeploymentParams): nothing was sent, the
         * deployment is fine. Another deployment of the group is tried at once (no backoff, no retry counted: a group
         * mixing providers serves the request on one that can), then the error fallbacks; the 400 naming the parameter
         * is the answer only when none of them can serve it.
         */
        private void cannotServe(Attempt attempt, GatewayException error, long now) {
            attempt.end(null, now);
            // an untried member the group would pick now (a cooling one could make the pick fall back on this one
            // again, and one the request's tags or window rule out is never picked); bounded by the group's size
            if (++refusedInGroup < group.members.size()) for (DeploymentState m : group.members) {
                if (!tried.contains(m) && m.breaker.available(now) && facts.mayServe(group, m)) {
                    attempt();
                    return;
                }
            }
            groupFailed(error, FallbackReason.ERROR);
        }

        private void groupFailed(GatewayException error) {
            groupFailed(error, FailurePolicy.classify(error).fallback());
        }

        private void groupFailed(Throwable error, FallbackReason reason) {
            if (failures == null) failures = new ChainFailures();
            failures.group(group.alias, error);
            RoutePlan.Step next = reason == null ? null : plan.next(reason);
            if (next == null) {
                // the chain ends here: said when it is the allowlist (or the call's mode) that ended it, naming what would
                // have been taken
                java.util.List<String> barred = reason == null ? java.util.List.of() : plan.barredAtEnd(reason);
                if (!barred.isEmpty()) {
                    java.util.List<String> byKey = new java.util.ArrayList<>();
                    java.util.List<String> byMode = new java.util.ArrayList<>();
                    for (String a : barred) {
                        String why = plan.mismatch(a);
                        if (why == null) byKey.add(names.of(a));
                        else byMode.add("'" + names.of(a) + "' " + why);
                    }
                    if (!byKey.isEmpty()) {
                        metrics.fallbackSkipped(plan.primary(), reason, "allowlist");
                        log.warn("request {}: '{}' failed ({}); fallback{} {} not tried: the caller may not use {} (its key's, "
                                        + "team's or user's models)", ctx.requestId(), names.of(group.alias), reason.label(),
                                byKey.size() == 1 ? "" : "s", "'" + String.join("', '", byKey) + "'",
                                byKey.size() == 1 ? "it" : "them");
                    }
                    if (!byMode.isEmpty()) {
                        metrics.fallbackSkipped(plan.primary(), reason, "mode");
                        log.warn("request {}: '{}' failed ({}); fallback{} not tried: {}", ctx.requestId(), names.of(group.alias),
                                reason.label(), byMode.size() == 1 ? "" : "s", String.join("; ", byMode));
                    }
                }
                fail(error);
                return;
            }
            metrics.fallback(plan.primary(), next.reason(), next.alias());
            log.warn("request {}: '{}' failed ({}), falling back to '{}' (fallback:{}): {}", ctx.requestId(),
                    names.of(group.alias), reason.label(), names.of(next.alias()), next.reason().label(), LogSafe.message(error));
            group(next.alias(), next.reason().route());
        }

        /** The listener must not break routing: what it throws is logged and forgotten. */
        private void reportFailed(Attempt attempt, Throwable error, long now) {
            if (failures == null) failures = new ChainFailures();
            failures.attempt(group.alias, attempt.state.id(), error);
            try {
                attempts.failed(ctx, attemptCount, group.alias, attempt.state.id(), attempt.state.target.deployment(),
                        attempt.state.modelId(), route, error,
                        now - attempt.startedNanos());
            } catch (RuntimeException e) {
                log.error("request {}: the attempt listener failed", ctx.requestId(), e);
            }
        }

        private void later(long nanos, Runnable then) {
            long ms = nanos / 1_000_000;
            if (ms < 1) then.run();
            else vertx.setTimer(ms, id -> {
                if (!over()) then.run();
            });
        }
    }
}
