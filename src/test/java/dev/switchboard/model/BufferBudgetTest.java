package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BufferBudgetTest {
    @Test
    void reservesUpToTheBoundAndReleasesOnce() {
        BufferBudget b = new BufferBudget(100);
        BufferBudget.Lease a = b.lease();
        assertThat(a.grow(60)).isTrue();
        BufferBudget.Lease c = b.lease();
        assertThat(c.grow(50)).isFalse();
        assertThat(c.grow(40)).isTrue();
        assertThat(b.held()).isEqualTo(100);
        a.close();
        a.close();
        assertThat(b.held()).isEqualTo(40);
        assertThat(a.grow(1)).as("a closed lease takes nothing").isFalse();
        c.close();
        assertThat(b.held()).isZero();
        GatewayException e = b.exhausted("a request body");
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.code()).isEqualTo(BufferBudget.EXHAUSTED_CODE);
    }

    @Test
    void neverOvershootsUnderThreads() throws Exception {
        BufferBudget b = new BufferBudget(1000);
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 8; i++) {
            pool.submit(() -> {
                for (int k = 0; k < 10_000; k++) if (b.tryReserve(7)) granted.incrementAndGet();
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(granted.get()).isEqualTo(1000 / 7);
        assertThat(b.held()).isEqualTo(1000 / 7 * 7L);
    }
}
