package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OffHeapBytesTest {
    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + seed);
        return b;
    }

    @Test
    void copiesThePrefixOutAndBackAndCountsItsSizeClass() {
        byte[] src = pattern(1_100, 7);
        OffHeapBytes b = OffHeapBytes.copyOf(src, 1_000); // only [0, 1000): the encoder's buffer is longer than its entry
        assertThat(b.length()).isEqualTo(1_000);
        assertThat(b.read()).isEqualTo(Arrays.copyOf(src, 1_000));
        assertThat(b.read()).as("each read its own copy").isNotSameAs(b.read());
        assertThat(b.footprint()).as("the pool's size class, at least the length").isBetween(1_000, 1_250);
        b.free();
    }

    @Test
    void aFreedBlockReadsAsNothingAndFreeingTwiceIsHarmless() {
        OffHeapBytes b = OffHeapBytes.copyOf(pattern(64, 1), 64);
        assertThat(b.released()).isFalse();
        b.free();
        assertThat(b.released()).isTrue();
        assertThat(b.read()).isNull();
        b.free(); // a second removal notice must not release someone else's memory
        assertThat(b.read()).isNull();
        // the pool hands the memory out again; the freed handle still reads nothing, never the new owner's bytes
        OffHeapBytes next = OffHeapBytes.copyOf(pattern(64, 2), 64);
        assertThat(b.read()).isNull();
        assertThat(next.read()).isEqualTo(pattern(64, 2));
        next.free();
    }

    /**
     * Readers on several threads while the owner frees the block: every read is either the whole, right bytes or
     * nothing, and the block goes back to the pool once (after the last reader), with no read of freed memory: the
     * blocks freed here are reallocated with other bytes at once, so a read after the release would show them.
     */
    @Test
    void readersRacingTheEvictionSeeTheBytesOrNothing() throws Exception {
        int rounds = 2_000, readers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
        AtomicInteger whole = new AtomicInteger(), none = new AtomicInteger(), wrong = new AtomicInteger();
        try {
            for (int round = 0; round < rounds; round++) {
                int seed = round;
                byte[] mine = pattern(900, seed);
                OffHeapBytes b = OffHeapBytes.copyOf(mine, mine.length);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int r = 0; r < readers; r++) {
                    done.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < 20; i++) {
                            byte[] got = b.read();
                            if (got == null) none.incrementAndGet();
                            else if (Arrays.equals(got, mine)) whole.incrementAndGet();
                            else wrong.incrementAndGet();
                        }
                        return null;
                    }));
                }
                done.add(pool.submit(() -> {
                    go.await();
                    b.free();
                    OffHeapBytes other = OffHeapBytes.copyOf(pattern(900, seed + 1), 900); // likely the same memory
                    other.free();
                    return null;
                }));
                go.countDown();
                for (Future<?> f : done) f.get();
                assertThat(b.released()).isTrue();
                assertThat(b.read()).isNull();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(wrong.get()).as("reads of memory the pool had handed on").isZero();
        assertThat(whole.get() + none.get()).isEqualTo(rounds * readers * 20);
        assertThat(whole.get()).as("reads before the free").isPositive();
    }
}
