package dev.switchboard.store;

import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/** A {@link WriterNice} for tests outside this package: a pretend lowering and a given setter, raising allowed. */
public final class WriterNices {
    /** {@link WriterNice#HOLD_NANOS}. */
    public static final long HOLD_NANOS = WriterNice.HOLD_NANOS;

    private WriterNices() {}

    /** A writer nice of 5 whose start "lowers" without a renice and whose changes are {@code set}'s. */
    public static WriterNice of(String name, LongSupplier clock, IntFunction<WriterNice.Change> set) {
        return new WriterNice(5, name, clock, () -> new BackgroundNice.Outcome(true, "lowered (test)"), set, v -> true);
    }
}
