package dev.switchboard.pipeline;

import dev.switchboard.account.SpendRecord;
import dev.switchboard.model.Usage;
import dev.switchboard.observe.CallOutcome;
import dev.switchboard.observe.RequestObserver;
import dev.switchboard.model.CallContext;
import dev.switchboard.store.JoinableRow;

/**
 * Each served call's ledger row (attempt 0), handed to the observer as the call's outcome, so metrics, the request log
 * and the trace show the ledger's own numbers (and the request log's row joins the queued ledger row: one row a request); with what the provider's prompt cache saved (the cached prompt tokens
 * priced as uncached, minus what they cost), which only the prices here can tell.
 */
final class ObservedSpend implements Metering.RowObserver {
    /**
     * The 1-hour part of the served call's cache writes, attached as its row is recorded: the ledger row keeps writes as
     * one count, and a 1-hour write's premium (1x input) is four times a 5-minute one's (0.25x).
     */
    static final CallContext.Key<Integer> WRITES_1H = new CallContext.Key<>(Integer.class);

    private final RequestObserver observer;
    private final DeploymentPrices prices;

    ObservedSpend(RequestObserver observer, DeploymentPrices prices) {
        this.observer = observer;
        this.prices = prices;
    }

    @Override
    public void observe(CallContext ctx, SpendRecord r, JoinableRow queued) {
        if (r.attempt() != 0) {
            // a failed attempt its provider billed: its tokens and cost count in the metrics, as the ledger counts them
            if (r.costNanos() != 0 || r.promptTokens() > 0 || r.completionTokens() > 0) {
                observer.attemptBilled(r.requestedModel(), r.keyId(), r.keyAlias(), clamp(r.promptTokens()), clamp(r.completionTokens()),
                        clamp(r.cacheReadTokens()), clamp(r.reasoningTokens()), r.costNanos());
            }
            return;
        }
        long promptCacheSaved = 0, writePremium = 0;
        if ((r.cacheReadTokens() > 0 || r.cacheWriteTokens() > 0) && r.deployment() != null
                && (r.cacheStatus() == null || !r.cacheStatus().startsWith("hit"))) {
            Integer w1h = ctx == null ? null : ctx.attached(WRITES_1H);
            int writes1h = w1h == null ? 0 : Math.min(w1h, clamp(r.cacheWriteTokens()));
            int prompt = clamp(r.promptTokens()), completion = clamp(r.completionTokens()), reasoning = clamp(r.reasoningTokens());
            int reads = clamp(r.cacheReadTokens()), writes = clamp(r.cacheWriteTokens());
            // priced by the entry that served (two entries of one provider/model may price it apart, a wildcard's by its
            // own model_info), as the row's cost was; by the id only when the call names no entry that served it
            dev.switchboard.config.Deployment served = ctx == null ? null : ctx.attached(dev.switchboard.route.Target.SERVED);
            boolean byEntry = served != null && served.isId(r.deployment());
            java.util.function.ToLongFunction<Usage> price = u -> byEntry ? prices.tokensNanos(served, u) : prices.tokensNanos(r.deployment(), u);
            long tokens = price.applyAsLong(new Usage(prompt, completion, reads, writes, reasoning, writes1h));
            if (reads > 0) {
                // the tokens' price without the reads against the row's cost, but never above the same tokens' own price
                // with their cache reads: a row's cost can hold fees beside the tokens (a built-in tool's calls) no cache saved
                long paid = Math.min(r.costNanos(), tokens);
                promptCacheSaved = Math.max(0, price.applyAsLong(new Usage(prompt, completion, 0, writes, reasoning, writes1h)) - paid);
            }
            if (writes > 0) {
                // the writes at their write prices against the same tokens at the input price (0 where writes cost input)
                writePremium = Math.max(0, tokens - price.applyAsLong(new Usage(prompt, completion, reads, 0, reasoning, 0)));
            }
        }
        observer.outcome(ctx, new CallOutcome(r.requestId(), r.callType(), r.keyId(), r.keyAlias(), r.requestedModel(), r.deployment(),
                r.route(), r.tier(), r.cacheStatus(), r.promptTokens(), r.completionTokens(), r.cacheReadTokens(),
                r.cacheWriteTokens(), r.reasoningTokens(), r.costNanos(), r.savedNanos(), promptCacheSaved, writePremium, r.latencyMs(),
                r.ttftMs(), r.status(), r.errorType(), r.tags()), queued);
    }

    private static int clamp(long n) { return (int) Math.min(Integer.MAX_VALUE, n); }
}
