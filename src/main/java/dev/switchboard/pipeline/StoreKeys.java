package dev.switchboard.pipeline;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * check's question to the configured store for {@link OwnKeyUpstream}: is this secret one of its virtual keys? One
 * read-only session for the whole check (opened at the first question, closed with this), each secret asked once
 * (thirty {@code anthropic/} entries share one exported key), and a store that stops answering midway keeps the answers
 * found before it: the remaining secrets are judged by their shape only and {@link #failure} says why.
 */
public final class StoreKeys implements Predicate<String>, AutoCloseable {
    private final Function<String, Boolean> lookUp;
    private final Runnable closer;
    private final Map<String, Boolean> answers = new HashMap<>();
    private String failure;

    /** @param lookUp whether the store holds this secret; throws IllegalStateException (naming the store) when it cannot tell */
    StoreKeys(Function<String, Boolean> lookUp, Runnable closer) {
        this.lookUp = lookUp;
        this.closer = closer;
    }

    @Override
    public boolean test(String secret) {
        Boolean known = answers.get(secret);
        if (known != null) return known;
        if (failure != null) return false; // the store failed once: no new session per deployment
        try {
            known = lookUp.apply(secret);
        } catch (IllegalStateException e) {
            failure = e.getMessage();
            return false;
        }
        answers.put(secret, known);
        return known;
    }

    /** Why a look-up failed (the store's error, never a key), or null when every look-up was answered. */
    public String failure() { return failure; }

    @Override
    public void close() { closer.run(); }
}
