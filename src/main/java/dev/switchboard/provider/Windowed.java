package dev.switchboard.provider;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * Calls {@code 0 … n-1} with at most {@code width} in flight, started in index order, their results by index. The first
 * failure fails the whole and no further call is started (those in flight finish, unread): the caller's answer is lost
 * anyway, and each call not made is a request not billed and not counted against the quota.
 */
public final class Windowed {
    private Windowed() {}

    public static <T> Future<List<T>> run(int n, int width, IntFunction<Future<T>> call) {
        AtomicReferenceArray<T> results = new AtomicReferenceArray<>(n);
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<Void>> lanes = new ArrayList<>();
        for (int i = 0; i < Math.min(width, n); i++) lanes.add(lane(n, call, results, next, failed));
        return Future.all(lanes).map(all -> {
            Object[] out = new Object[n];
            for (int i = 0; i < n; i++) out[i] = results.get(i);
            @SuppressWarnings("unchecked")
            List<T> list = (List<T>) Arrays.asList(out);
            return list;
        });
    }

    /** One lane: takes the next index, calls it, and when it has answered takes another, until none is left. */
    private static <T> Future<Void> lane(int n, IntFunction<Future<T>> call, AtomicReferenceArray<T> results,
                                         AtomicInteger next, AtomicBoolean failed) {
        if (failed.get()) return Future.succeededFuture(); // Future.all has already failed with the first failure
        int i = next.getAndIncrement();
        if (i >= n) return Future.succeededFuture();
        Future<T> answer;
        try {
            answer = call.apply(i);
        } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
        }
        return answer.onFailure(e -> failed.set(true)).compose(r -> {
            results.set(i, r);
            return lane(n, call, results, next, failed);
        });
    }
}
