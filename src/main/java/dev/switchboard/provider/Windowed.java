package dev.switchboard.provider;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Calls {@code 0 … n-1} with at most {@code width} in flight, started in index order, their results by index. A call
 * that fails with a status worth one more try ({@link #RETRY_ONCE}) is called once more in its lane, after a short
 * jittered pause ({@link #pause}: not at once, so up to {@link #EMBED_WIDTH} lanes do not hit a struggling upstream
 * again in the same instant, as the 8 lanes did before 2026-12-07's thirty-ninth session); a call that still
 * fails fails the whole and no further call is started: each call not made is a request not billed and not counted
 * against the quota. The whole fails once the calls in flight have answered too, so the failure can carry what the
 * answered calls were billed ({@link #run(int, int, IntFunction, Predicate, BiFunction)}): the upstream charged them
 * even though the caller gets no answer, and the router's retry sends them again.
 */
public final class Windowed {
    /** Calls of one embeddings request in flight at once (Vertex's, Gemini's, Bedrock's). */
    public static final int EMBED_WIDTH = 8;

    /**
     * A failure worth one more call of the same batch after a short pause ({@link #pause}): a 429, 503 or 5xx the
     * upstream asked no wait for (a Retry-After is the router's to honor, with backoff, for the whole request).
     */
    public static final Predicate<Throwable> RETRY_ONCE = e -> e instanceof GatewayException g
            && (g.kind() == ErrorKind.RATE_LIMIT || g.kind() == ErrorKind.UNAVAILABLE || g.kind() == ErrorKind.UPSTREAM)
            && (g.retryAfterSeconds() == null || g.retryAfterSeconds() <= 0);

    /** The least and the most a lane waits before its one more call ({@link #pause}), jittered between them. */
    public static final long PAUSE_MIN_MS = 200, PAUSE_MAX_MS = 500;

    /** The least time the one more call must have after its pause, else it is not made ({@link #pause}). */
    public static final long RETRY_FLOOR_MS = PAUSE_MAX_MS;

    /** No wait before the one more call (the window's own tests). */
    public static final Supplier<Future<Void>> NO_PAUSE = Future::succeededFuture;

    private Windowed() {}

    /**
     * The wait before a lane's one more call: a Vert.x timer of {@value #PAUSE_MIN_MS}–{@value #PAUSE_MAX_MS} ms, picked
     * at random for each retry (no thread waits: the lane goes on in the timer's handler, on the caller's event loop).
     * Within the list's deadline: unless the pause and then {@value #RETRY_FLOOR_MS} ms for the call are left of it,
     * there is no retry (a failed future) and the call's own failure is the answer, not the retry's 504 that would hide
     * it (review 2026-12-07: with 300 ms left and a 250 ms pause, the retry had 50 ms, and its 504 replaced the 503).
     */
    public static Supplier<Future<Void>> pause(io.vertx.core.Vertx vertx, long deadlineNanos) {
        return () -> {
            long ms = java.util.concurrent.ThreadLocalRandom.current().nextLong(PAUSE_MIN_MS, PAUSE_MAX_MS + 1);
            if (deadlineNanos - System.nanoTime() < (ms + RETRY_FLOOR_MS) * 1_000_000L) {
                return Future.failedFuture("no time left for a retry");
            }
            io.vertx.core.Promise<Void> waited = io.vertx.core.Promise.promise();
            vertx.setTimer(ms, id -> waited.complete());
            return waited.future();
        };
    }

    /** No retry, and the first failure as it is. */
    public static <T> Future<List<T>> run(int n, int width, IntFunction<Future<T>> call) {
        return run(n, width, call, e -> false, (e, answered) -> e);
    }

    /** {@link #run(int, int, IntFunction, Predicate, Supplier, BiFunction)} retrying at once ({@link #NO_PAUSE}). */
    public static <T> Future<List<T>> run(int n, int width, IntFunction<Future<T>> call, Predicate<Throwable> retryOnce,
                                          BiFunction<Throwable, List<T>, Throwable> failure) {
        return run(n, width, call, retryOnce, NO_PAUSE, failure);
    }

    /**
     * @param retryOnce which failures of a call are tried once more
     * @param pause     the wait before that one more call ({@link #pause}); a failed wait is no retry
     * @param failure   the whole's failure from the first call's that failed and the results by index (null for a call
     *                  that did not answer), once no call is in flight
     */
    public static <T> Future<List<T>> run(int n, int width, IntFunction<Future<T>> call, Predicate<Throwable> retryOnce,
                                          Supplier<Future<Void>> pause, BiFunction<Throwable, List<T>, Throwable> failure) {
        AtomicReferenceArray<T> results = new AtomicReferenceArray<>(n);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Future<Void>> lanes = new ArrayList<>();
        for (int i = 0; i < Math.min(width, n); i++) lanes.add(lane(n, call, retryOnce, pause, results, next, failed));
        return Future.join(lanes).transform(done -> {
            Object[] out = new Object[n];
            for (int i = 0; i < n; i++) out[i] = results.get(i);
            @SuppressWarnings("unchecked")
            List<T> list = (List<T>) Arrays.asList(out);
            Throwable e = failed.get();
            if (e == null) return Future.succeededFuture(list);
            Throwable whole;
            try {
                whole = failure.apply(e, list);
            } catch (RuntimeException x) {
                whole = e;
            }
            return Future.failedFuture(whole == null ? e : whole);
        });
    }

    /** The time left of a deadline ({@link System#nanoTime} based), for a call that starts now. */
    public static Duration left(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    /** A deadline {@code timeout} from now, for all the calls of one request. */
    public static long deadline(Duration timeout) {
        return System.nanoTime() + (timeout == null ? UpstreamHttp.DEFAULT_TIMEOUT : timeout).toNanos();
    }

    /**
     * A call with the time left of the request's deadline, or a 504 in the dialect's shape when none is left (the
     * calls before took it all): one request's calls share its timeout, a 2,048-text list is not 21 timeouts long.
     */
    public static <T> Future<T> withinDeadline(long deadlineNanos, String upstream,
                                               java.util.function.Function<Duration, Future<T>> call) {
        Duration left = left(deadlineNanos);
        if (left.toMillis() < 1) {
            return Future.failedFuture(GatewayException.of(ErrorKind.TIMEOUT, "Upstream " + upstream + " did not answer in time."));
        }
        return call.apply(left);
    }

    /**
     * A batch's failure saying which of the request's texts the batch held: the upstream's positions in its message
     * ({@code #/texts/37}, {@code requests[37]}) count from the batch's first text, which is {@code input[from]}.
     */
    public static Throwable inBatch(Throwable e, int from, int to) {
        if (from == 0 || !(e instanceof GatewayException g)) return e;
        return g.renamed(g.getMessage() + " (in the batch of input[" + from + "] to input[" + (to - 1) + "]: the positions"
                + " above count from input[" + from + "])", g.param());
    }

    /**
     * The whole's failure carrying the input tokens the answered calls were billed ({@link GatewayException#billed}):
     * the failed attempt's ledger row and the budgets are charged them. Nothing when none answered or none was counted.
     */
    public static Throwable billed(Throwable e, int inputTokens) {
        if (inputTokens <= 0 || !(e instanceof GatewayException g) || g.billedUsage() != null) return e;
        return g.billed(new dev.switchboard.model.Usage(inputTokens, 0, 0, 0, 0));
    }

    /**
     * The whole's failure carrying the share of the input the answered calls held, for a provider that counts no tokens
     * ({@link GatewayException#billedShare}): the attempt's row is charged that share of the gateway's estimate.
     */
    public static Throwable billedShare(Throwable e, double share) {
        if (share <= 0 || !(e instanceof GatewayException g) || g.billedUsage() != null) return e;
        return g.billedShare(Math.min(1, share));
    }

    /** One lane: takes the next index, calls it, and when it has answered takes another, until none is left. */
    private static <T> Future<Void> lane(int n, IntFunction<Future<T>> call, Predicate<Throwable> retryOnce,
                                         Supplier<Future<Void>> pause, AtomicReferenceArray<T> results, AtomicInteger next, AtomicReference<Throwable> failed) {
        if (failed.get() != null) return Future.succeededFuture();
        int i = next.getAndIncrement();
        if (i >= n) return Future.succeededFuture();
        AtomicBoolean retried = new AtomicBoolean();
        return start(call, i).recover(e -> {
            if (failed.get() == null && retryOnce.test(e) && retried.compareAndSet(false, true)) {
                // after the pause, and only while no other lane failed the list meanwhile (a call not made is not billed)
                return pause.get().transform(waited -> waited.succeeded() && failed.get() == null ? start(call, i)
                        : Future.failedFuture(e));
            }
            return Future.failedFuture(e);
        }).transform(answer -> {
            if (answer.failed()) {
                failed.compareAndSet(null, answer.cause());
                return Future.succeededFuture();
            }
            results.set(i, answer.result());
            return lane(n, call, retryOnce, pause, results, next, failed);
        });
    }

    private static <T> Future<T> start(IntFunction<Future<T>> call, int i) {
        try {
            Future<T> f = call.apply(i);
            return f != null ? f : Future.failedFuture(new IllegalStateException("no call for " + i));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }
}
