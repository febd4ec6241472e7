package dev.switchboard.pipeline;

import dev.switchboard.account.SpendLedger;
import dev.switchboard.account.SpendRecord;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Usage;
import dev.switchboard.route.AttemptListener;
import dev.switchboard.route.ModelRouter;

/**
 * Puts every failed attempt in the ledger (its status and error type), numbered in order after the served call's row
 * 0, so the dashboard can show which provider hiccuped and how often a fallback saved the day. A failed attempt costs 0,
 * except one the provider billed with its usage ({@link GatewayException#billedUsage}): priced on the deployment that
 * failed, and charged to the call's budgets as its row is written ({@link MeteredCall#billedAttempt}). A stream that
 * broke after its first byte is such a row too, at 0: what it streamed is priced on the call's own row 0.
 */
final class LedgerAttempts implements AttemptListener {
    private final SpendLedger ledger;
    private final DeploymentPrices prices;

    LedgerAttempts(SpendLedger ledger, DeploymentPrices prices) {
        this.ledger = ledger;
        this.prices = prices;
    }

    @Override
    public void failed(CallContext ctx, int ordinal, String alias, String deployment, dev.switchboard.config.Deployment entry,
                       String modelId, String route, Throwable error, long latencyNanos) {
        Usage billed = error instanceof GatewayException g ? g.billedUsage() : null;
        boolean estimated = false;
        MeteredCall call = ctx.attached(MeteredCall.KEY);
        if (billed == null && call != null && error instanceof GatewayException g && g.billedShare() > 0) {
            // billed upstream without a count (Gemini's answered embedding batches): that share of the gateway's estimate
            int whole = call.estimate(deployment, 0).promptTokens();
            billed = new Usage((int) Math.ceil(whole * g.billedShare()), 0, 0, 0, 0);
            estimated = true;
        }
        record(ctx, ordinal, alias, deployment, entry, modelId, route, error, latencyNanos, billed, estimated);
    }

    /**
     * The answering attempt's stream broke upstream after its first byte: a failed attempt like any other (the spend
     * report's {@code failed_attempts} and the attempt-error metric agree), but never billed here. Its tokens so far and
     * their cost are the call's own row's, which MeteredStream writes as the stream fails, with the status the client saw
     * (the provider's counts so far, else the gateway's estimate) and which the budgets settled on: on this row as well,
     * every total would count the one upstream call twice.
     */
    @Override
    public void brokeMidStream(CallContext ctx, int ordinal, String alias, String deployment,
                               dev.switchboard.config.Deployment entry, String modelId, String route, Throwable error,
                               long latencyNanos) {
        record(ctx, ordinal, alias, deployment, entry, modelId, route, error, latencyNanos, null, false);
    }

    /**
     * @param route  how the request came to this attempt's alias ({@code primary}, {@code fallback:<reason>}), as the
     *               call's own row and the attempt's span say it: a failed fallback step reads as one in the ledger too
     * @param entry  the deployment that failed, which prices a billed failure (its own entry's price, held or looked up
     *               again: never $0 because the router let a wildcard's name go while the attempt was in flight); null
     *               when not known, then priced by its id
     * @param billed the usage the provider billed for the attempt (priced and charged), or null: the row costs 0
     * @param estimated whether {@code billed} is the gateway's estimate (the row's {@code usage_estimated})
     */
    private void record(CallContext ctx, int ordinal, String alias, String deployment, dev.switchboard.config.Deployment entry,
                        String modelId, String route, Throwable error, long latencyNanos, Usage billed, boolean estimated) {
        long now = System.currentTimeMillis();
        long latencyMs = latencyNanos / 1_000_000;
        DeploymentPrices.Cost cost = billed == null ? DeploymentPrices.Cost.UNPRICED
                : entry != null ? prices.cost(entry, billed) : prices.cost(deployment, billed);
        // the call's end user and tags, as its own row has them (reports by end user and tag count the attempt's cost)
        MeteredCall call = ctx.attached(MeteredCall.KEY);
        // the attempt's own start, not the request's: a retry or a fallback step starts after the attempts and waits
        // before it, and its row says when (as LiteLLM's failure log of each deployment call does)
        SpendRecord row = new SpendRecord(ctx.requestId(), ordinal, now - latencyMs, now, ctx.caller().id(), ctx.caller().alias(),
                call == null ? null : call.endUser(), "attempt", call == null ? alias : call.masked(alias),
                call == null ? deployment : call.masked(deployment), route, ctx.attached(ModelRouter.TIER), null,
                billed == null ? 0 : billed.promptTokens(), billed == null ? 0 : billed.completionTokens(),
                billed == null ? 0 : billed.cacheReadTokens(), billed == null ? 0 : billed.cacheWriteTokens(),
                billed == null ? 0 : billed.reasoningTokens(), estimated, cost.nanos(), 0, billed == null || cost.priced(),
                latencyMs, null, error instanceof GatewayException g ? g.attemptStatus() : 500, MeteredCall.errorType(error),
                call == null ? ctx.caller().tags() : call.tags(), ctx.attached(CallContext.TEAM), latencyMs, modelId);
        // through the call's metering (spend caps, metrics) when it has one; an unmetered internal call's straight in
        if (call == null) {
            ledger.record(row);
            return;
        }
        call.recordAttempt(row);
        if (billed != null) call.billedAttempt(cost.nanos(), billed.totalTokens(), now);
    }
}
