package dev.switchboard.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.lang.ref.WeakReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-event-loop body deadlines: an expired body's callback runs once, a completed body's never, and a completed
 * body's callback (which holds the request's promise and so its body) is not kept while the entry waits in the queue
 * for its deadline.
 */
class BodyDeadlinesTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Runs {@code work} on one Vert.x context (BodyDeadlines is used on its event loop only) and returns its result. */
    private <T> T onLoop(io.vertx.core.Context ctx, Supplier<T> work) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        ctx.runOnContext(v -> f.complete(work.get()));
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anExpiredBodyFailsOnceAndACompletedOneNever() throws Exception {
        io.vertx.core.Context ctx = vertx.getOrCreateContext();
        AtomicInteger expired = new AtomicInteger(), completedExpired = new AtomicInteger();
        CountDownLatch fired = new CountDownLatch(1);
        onLoop(ctx, () -> {
            BodyDeadlines d = BodyDeadlines.current(vertx);
            d.add(100, completedExpired::incrementAndGet).done();
            d.add(100, () -> { expired.incrementAndGet(); fired.countDown(); });
            return null;
        });
        assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200); // a second sweep, if one were (wrongly) set, would have run by now
        assertThat(expired).hasValue(1);
        assertThat(completedExpired).hasValue(0);
    }

    @Test
    void aCompletedBodyIsNotKeptUntilItsDeadline() throws Exception {
        io.vertx.core.Context ctx = vertx.getOrCreateContext();
        // a 60 s deadline (the default): the entry stays queued for the whole test, its callback must not
        WeakReference<byte[]> body = onLoop(ctx, () -> {
            byte[] b = new byte[1 << 20];
            BodyDeadlines.Entry e = BodyDeadlines.current(vertx).add(60_000, () -> b[0]++);
            e.done();
            return new WeakReference<>(b);
        });
        for (int i = 0; i < 50 && body.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(body.get()).as("the body a completed entry's callback captured").isNull();
    }

    @Test
    void completedBodiesLeaveTheQueueBeforeTheirDeadline() throws Exception {
        io.vertx.core.Context ctx = vertx.getOrCreateContext();
        AtomicInteger expired = new AtomicInteger();
        int[] sizes = onLoop(ctx, () -> {
            BodyDeadlines d = BodyDeadlines.current(vertx);
            BodyDeadlines.Entry slow = d.add(60_000, expired::incrementAndGet); // a body still arriving
            for (int i = 0; i < 1_000; i++) d.add(60_000, expired::incrementAndGet).done();
            int behindSlow = d.queued();
            slow.done();
            for (int i = 0; i < 1_000; i++) d.add(60_000, expired::incrementAndGet).done();
            return new int[] {behindSlow, d.queued()};
        });
        // behind a body still arriving, completed ones wait (the queue is in deadline order); once it completes, they go
        assertThat(sizes[0]).isEqualTo(1_001);
        assertThat(sizes[1]).isEqualTo(1);
        assertThat(expired).hasValue(0);
    }
}
