package dev.switchboard.pipeline;

import dev.switchboard.model.CallContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The failed attempts of one call that their provider billed anyway: a whole answer whose finish reason said the
 * generation failed came with its usage ({@link dev.switchboard.model.GatewayException#billedUsage}), so the router
 * retried or fell back while the provider charged the first try. {@link LedgerAttempts} prices each on its attempt row
 * and adds it here; the call's budget settles to its own cost plus these ({@link MeteredCall#settle}), so the key's
 * spend is the sum of its ledger rows, and a budget or a provider's spend cap counts what the providers billed.
 * Attached to the call only when such an attempt happens (rare: most calls never make one).
 */
final class BilledAttempts {
    static final CallContext.Key<BilledAttempts> KEY = new CallContext.Key<>(BilledAttempts.class);

    /**
     * One billed attempt: what it cost and its tokens, for the budget's settle (its row, written through
     * {@link MeteredCall#recordAttempt}, has the rest and counts it for the spend cap and the metrics).
     */
    record Attempt(long costNanos, long tokens) {}

    private final List<Attempt> attempts = new ArrayList<>(1);

    /**
     * Adds a billed attempt to {@code ctx}'s. A call's attempts run one after another, each before the answer that
     * settles the call (whose future publishes what was attached before it, as {@link CallContext.Carried} says).
     */
    static void add(CallContext ctx, Attempt a) {
        BilledAttempts b = ctx.attached(KEY);
        if (b == null) ctx.attach(KEY, b = new BilledAttempts());
        synchronized (b) {
            b.attempts.add(a);
        }
    }

    /** The billed attempts of {@code ctx}'s call so far; empty for nearly every call (one array read). */
    static List<Attempt> of(CallContext ctx) {
        BilledAttempts b = ctx.attached(KEY);
        if (b == null) return List.of();
        synchronized (b) {
            return List.copyOf(b.attempts);
        }
    }
}
