package dev.switchboard.pipeline;

import dev.switchboard.account.SpendLedger;
import dev.switchboard.account.SpendRecord;
import dev.switchboard.model.CallContext;
import dev.switchboard.route.AttemptListener;
import java.util.List;

/**
 * Puts every failed attempt in the ledger (cost 0, its status and error type), numbered in order after the served
 * call's row 0, so the dashboard can show which provider hiccuped and how often a fallback saved the day.
 */
final class LedgerAttempts implements AttemptListener {
    private final SpendLedger ledger;

    LedgerAttempts(SpendLedger ledger) { this.ledger = ledger; }

    @Override
    public void failed(CallContext ctx, int ordinal, String alias, String deployment, Throwable error, long latencyNanos) {
        long now = System.currentTimeMillis();
        long latencyMs = latencyNanos / 1_000_000;
        // the attempt's own start, not the request's: a retry or a fallback step starts after the attempts and waits
        // before it, and its row says when (as LiteLLM's failure log of each deployment call does)
        ledger.record(new SpendRecord(ctx.requestId(), ordinal, now - latencyMs, now, ctx.caller().id(), ctx.caller().alias(),
                null, "attempt", alias, deployment, null, null, null, 0, 0, 0, 0, 0, false, 0, 0, true,
                latencyMs, null, error instanceof dev.switchboard.model.GatewayException g ? g.attemptStatus() : 500, MeteredCall.errorType(error),
                ctx.caller().tags(), ctx.attached(dev.switchboard.model.CallContext.TEAM), latencyMs));
    }
}
