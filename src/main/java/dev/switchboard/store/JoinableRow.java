package dev.switchboard.store;

import java.util.function.Supplier;

/**
 * A served call's ledger row, queued for the ledger's writer, that the request log's part of the same request may
 * still join, so that the request is one {@code spend_logs} row, written once (migration V11). The part is rendered on
 * the writer's thread ({@link Supplier#get}), off the request path.
 */
public interface JoinableRow {
    /**
     * @return true when the part will be written with the row; false when the row is already being written (or too
     *         many rows wait for the store to hold their parts too): the caller writes the part on its own
     */
    boolean join(Supplier<LogColumns> part);
}
