package dev.switchboard.pipeline;

import dev.switchboard.model.Cancellation;
import dev.switchboard.model.StoredResponse;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The Responses API's background responses ({@code background: true}) that this gateway is answering now: their
 * calls run without the client, and end in exactly one terminal state — answered (completed, incomplete, failed),
 * cancelled ({@code POST /v1/responses/{id}/cancel}), or stopped with the gateway — whichever comes first
 * ({@link Run#settle}). The stored record is written by whoever settled it.
 */
public final class BackgroundRuns {
    private final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();

    /**
     * One background response being answered.
     *
     * @param owner        the caller that created it
     * @param cancellation stops its call (the upstream request is reset, the call settles as cancelled)
     * @param stopped      the record it leaves when the gateway stops before it is answered (failed, saying so)
     */
    public record Run(String id, String owner, Cancellation cancellation, Supplier<StoredResponse> stopped,
                      AtomicReference<Outcome> outcome) {
        /**
         * Makes {@code r} this run's terminal record when it has none yet; true when it did (the caller then stores it),
         * false when another outcome came first ({@link #terminal()} holds that one).
         */
        public boolean settle(StoredResponse r) { return outcome.compareAndSet(null, new Outcome(r, false)); }

        /** {@link #settle}, by a cancel: the call is then stopped, and its stream ends as cancelled. */
        public boolean cancel(StoredResponse r) { return outcome.compareAndSet(null, new Outcome(r, true)); }

        /** The terminal record, once settled; null before. */
        public StoredResponse terminal() {
            Outcome o = outcome.get();
            return o == null ? null : o.record();
        }

        /** Whether a cancel settled it. */
        public boolean cancelled() {
            Outcome o = outcome.get();
            return o != null && o.cancelled();
        }
    }

    /** How a run ended: its stored record, and whether a cancel ended it. */
    public record Outcome(StoredResponse record, boolean cancelled) {}

    /** Registers a response whose call is starting. */
    public Run start(String id, String owner, Cancellation cancellation, Supplier<StoredResponse> stopped) {
        Run run = new Run(id, owner, cancellation, stopped, new AtomicReference<>());
        runs.put(id, run);
        return run;
    }

    /** The owner's run with this id, or null when this gateway is not answering it. */
    public Run find(String id, String owner) {
        Run r = runs.get(id);
        return r != null && r.owner().equals(owner) ? r : null;
    }

    /** Forgets a run once its terminal record is stored. */
    public void finish(Run run) { runs.remove(run.id(), run); }

    /** The runs now, by id (a copy). */
    java.util.Map<String, Run> snapshot() { return java.util.Map.copyOf(runs); }

    /** How many background responses this gateway is answering. */
    public int size() { return runs.size(); }

    /**
     * The gateway is stopping: every run not settled yet is settled as stopped, its record handed to {@code store},
     * and its call cancelled. Runs stay registered until their calls have ended ({@link #finish}).
     */
    void stopAll(java.util.function.Consumer<StoredResponse> store) {
        for (Run run : runs.values()) {
            StoredResponse stopped = run.stopped().get();
            if (run.settle(stopped)) store.accept(stopped);
            run.cancellation().cancel(); // its call ends, and its own end forgets it (finish)
        }
    }
}
