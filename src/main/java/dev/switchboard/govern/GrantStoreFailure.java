package dev.switchboard.govern;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.store.Database;

/**
 * Why a budget's grant could not be had from the store, and the caller's 503 ({@code budget_store_unavailable},
 * {@code retry-after: 1}) worded by what happened: the store did not answer in time (it hangs: a lock, a dropped
 * network path), its connection failed again on a fresh one, or it could not be reached at all. QA found "the store,
 * which does not answer" said of a single pooled connection the server had ended, while PostgreSQL answered.
 */
enum GrantStoreFailure {
    /** The grant's transaction did not finish within its bound ({@link SharedBudgets#STORE_ANSWER_MILLIS}). */
    TIMED_OUT("which did not answer in time"),
    /** The connection failed (the server ended it, or the network dropped it), on a second connection too. */
    CONNECTION_LOST("but this gateway's connection to the store failed twice in a row"),
    /** Anything else: the store could not be reached, or refused the work. */
    UNREACHABLE("which could not be reached");

    private final String what;

    GrantStoreFailure(String what) { this.what = what; }

    /** What a failure of the grant's work says about the store. */
    static GrantStoreFailure of(Throwable t) {
        if (Database.isTimeout(t)) return TIMED_OUT;
        if (Database.isTransient(t)) return CONNECTION_LOST;
        return UNREACHABLE;
    }

    /**
     * Whether the grant is worth one more try at once, on another connection: a connection the server ended (57P01 on
     * a restart, a failover or {@code pg_terminate_backend}) leaves the pool's other connections good. Not a timeout:
     * the store was slow, and the call has waited its share already.
     */
    static boolean worthRetrying(Throwable t) {
        return Database.isTransient(t) && !Database.isTimeout(t);
    }

    /** The caller's answer, in every dialect a 503 with {@code retry-after: 1}. */
    GatewayException answer() {
        return new GatewayException(ErrorKind.UNAVAILABLE, 503, "The budget this call is checked against is shared with "
                + "other gateways through the store, " + what + ". Retry shortly.", null, "budget_store_unavailable", null, 1L);
    }
}
