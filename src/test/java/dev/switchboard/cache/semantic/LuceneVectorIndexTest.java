package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-memory index hands back the ids of the documents its graph search finds. A hit's id is read from doc values,
 * per segment, so the ids must stay right across several segments (each search between adds opens a new one), a
 * replaced entry and a deleted one.
 */
class LuceneVectorIndexTest {
    private static float[] axis(int i, float lean) {
        float[] v = new float[8];
        v[i] = 1;
        v[(i + 1) % 8] = lean;
        return Embedder.normalize(v);
    }

    private static List<String> ids(List<VectorIndex.Hit> hits) {
        return hits.stream().map(VectorIndex.Hit::id).toList();
    }

    @Test
    void hitsCarryTheirIdsAcrossSegmentsUpdatesAndDeletes() {
        try (LuceneVectorIndex index = new LuceneVectorIndex()) {
            for (int i = 0; i < 6; i++) {
                index.add("entry-" + i, 1, "ctx", axis(i, 0.1f));
                assertThat(ids(index.nearest("ctx", axis(i, 0.1f), 1, id -> true))).containsExactly("entry-" + i);
            }
            assertThat(index.segments()).isGreaterThan(1);

            index.add("entry-2", 2, "ctx", axis(5, 0.2f)); // the same id again: replaced, not doubled
            index.delete("entry-2", 1); // the replaced version's removal leaves the new one
            index.delete("entry-4", 1);
            List<VectorIndex.Hit> nearFive = index.nearest("ctx", axis(5, 0.2f), 2, id -> true);
            assertThat(ids(nearFive)).containsExactly("entry-2", "entry-5");
            assertThat(nearFive.get(0).similarity()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(ids(index.nearest("ctx", axis(4, 0.1f), 6, id -> true))).doesNotContain("entry-4").doesNotHaveDuplicates();
        }
    }
}
