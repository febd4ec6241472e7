package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The exact cache's native blocks: size classes, no two live blocks overlapping, and memory back when a chunk empties. */
class BlockPoolTest {
    private static byte[] pattern(int n, int seed) { return OffHeapBytesTest.pattern(n, seed); }

    @Test
    void sizeClassesAreQuarterStepsAndEachClassItsOwnSize() {
        assertThat(BlockPool.footprint(1)).isEqualTo(64);
        assertThat(BlockPool.footprint(65)).isEqualTo(80);
        assertThat(BlockPool.footprint(680)).isEqualTo(768);
        assertThat(BlockPool.footprint(768)).isEqualTo(768);
        assertThat(BlockPool.footprint(769)).isEqualTo(896);
        assertThat(BlockPool.footprint(1_025)).isEqualTo(1_280);
        assertThat(BlockPool.footprint(BlockPool.MAX_SLOT)).isEqualTo(BlockPool.MAX_SLOT);
        int last = 0;
        for (int n = 1; n <= BlockPool.MAX_SLOT; n++) {
            int f = BlockPool.footprint(n);
            assertThat(f).isGreaterThanOrEqualTo(n).isLessThanOrEqualTo(Math.max(64, n + n / 4 + 1));
            assertThat(BlockPool.footprint(f)).isEqualTo(f);
            if (f != last) { // a new class: the next index, the same for every size up to f
                assertThat(BlockPool.classOf(n)).isEqualTo(last == 0 ? 0 : BlockPool.classOf(last) + 1);
                last = f;
            }
            assertThat(BlockPool.classOf(n)).isEqualTo(BlockPool.classOf(f));
        }
    }

    /** Every live block keeps its bytes while others of its class and of other classes come and go. */
    @Test
    void liveBlocksNeverShareMemory() {
        BlockPool pool = new BlockPool();
        java.util.Random rnd = new java.util.Random(7);
        List<long[]> live = new ArrayList<>(); // address, length, seed
        Set<Long> addresses = new HashSet<>();
        for (int op = 0; op < 20_000; op++) {
            if (!live.isEmpty() && rnd.nextInt(3) == 0) {
                long[] b = live.remove(rnd.nextInt(live.size()));
                byte[] got = new byte[(int) b[1]];
                pool.read(b[0], got, got.length);
                assertThat(got).isEqualTo(pattern((int) b[1], (int) b[2]));
                pool.free(b[0]);
                addresses.remove(b[0]);
            } else {
                int n = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3 * BlockPool.MAX_SLOT / 2) : 1 + rnd.nextInt(2_000);
                long a = pool.allocate(n);
                assertThat(addresses.add(a)).as("an address handed out twice").isTrue();
                pool.write(a, 0, pattern(n, op), 0, n);
                live.add(new long[] {a, n, op});
            }
        }
        for (long[] b : live) {
            byte[] got = new byte[(int) b[1]];
            pool.read(b[0], got, got.length);
            assertThat(got).isEqualTo(pattern((int) b[1], (int) b[2]));
            pool.free(b[0]);
        }
        assertThat(pool.reserved()).as("at most one spare chunk a class once every block is back")
                .isLessThanOrEqualTo((long) (BlockPool.classOf(BlockPool.MAX_SLOT) + 1) * BlockPool.CHUNK);
    }

    @Test
    void anEmptiedChunkGoesBackWhenItsClassHasRoomBesidesIt() {
        BlockPool pool = new BlockPool();
        int n = 768, perChunk = BlockPool.CHUNK / n;
        long[] a = new long[perChunk * 3];
        for (int i = 0; i < a.length; i++) a[i] = pool.allocate(n);
        assertThat(pool.reserved()).isEqualTo(3L * perChunk * n);
        for (long x : a) pool.free(x);
        assertThat(pool.reserved()).as("two of three chunks back, one kept for the next entries").isEqualTo((long) perChunk * n);
        long big = pool.allocate(BlockPool.MAX_SLOT + 1);
        pool.write(big, 0, pattern(BlockPool.MAX_SLOT + 1, 3), 0, BlockPool.MAX_SLOT + 1);
        byte[] got = new byte[BlockPool.MAX_SLOT + 1];
        pool.read(big, got, got.length);
        assertThat(got).isEqualTo(pattern(BlockPool.MAX_SLOT + 1, 3));
        assertThat(pool.reserved()).isEqualTo((long) perChunk * n + BlockPool.footprint(BlockPool.MAX_SLOT + 1));
        pool.free(big);
        assertThat(pool.reserved()).as("a big block's own memory, back at once").isEqualTo((long) perChunk * n);
        assertThat(Arrays.stream(a).distinct().count()).isEqualTo(a.length);
    }
}
