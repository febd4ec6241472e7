package dev.switchboard.cache.semantic;

import io.vertx.core.Future;

/**
 * Asks whether two questions ask the same thing: one short call to a cheap model (the pipeline wires one that goes
 * through the router and is written to the ledger), or, in {@code cache eval}, the data set's own label.
 * Called on the request's event loop; never fails the request (a failed verification is a miss).
 */
public interface Verifier {
    Future<Boolean> sameQuestion(String cached, String asked);
}
