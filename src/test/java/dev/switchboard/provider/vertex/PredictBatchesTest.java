package dev.switchboard.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.provider.vertex.PredictBatches.Batch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PredictBatchesTest {
    private static List<String> texts(int n, String each) { return new ArrayList<>(Collections.nCopies(n, each)); }

    @Test
    void geminiEmbeddingModelsTakeOneInstanceTheOthers250() {
        assertThat(PredictBatches.maxInstances("gemini-embedding-001")).isEqualTo(1);
        assertThat(PredictBatches.maxInstances("text-embedding-005")).isEqualTo(250);
        assertThat(PredictBatches.maxInstances("text-multilingual-embedding-002")).isEqualTo(250);
    }

    @Test
    void batchesCoverTheInputInOrderWithinTheInstanceLimit() {
        assertThat(PredictBatches.of(texts(600, "x"), 250)).containsExactly(new Batch(0, 250), new Batch(250, 500), new Batch(500, 600));
        assertThat(PredictBatches.of(texts(3, "x"), 1)).containsExactly(new Batch(0, 1), new Batch(1, 2), new Batch(2, 3));
        assertThat(PredictBatches.of(texts(250, "x"), 250)).containsExactly(new Batch(0, 250));
        assertThat(PredictBatches.of(List.of("one"), 250)).containsExactly(new Batch(0, 1));
    }

    @Test
    void aBatchStaysWithinTwentyThousandTokensCountingEachUtf8ByteAsOne() {
        // 4,000 bytes each: five fit exactly, the sixth starts the next batch
        assertThat(PredictBatches.of(texts(12, "a".repeat(4_000)), 250))
                .containsExactly(new Batch(0, 5), new Batch(5, 10), new Batch(10, 12));
        // 1,000 characters of three bytes each: 3,000 bytes, six a batch
        assertThat(PredictBatches.of(texts(7, "語".repeat(1_000)), 250)).containsExactly(new Batch(0, 6), new Batch(6, 7));
    }

    @Test
    void aTextOverTheBoundGoesAloneAndVertexDecides() {
        List<String> in = List.of("short", "b".repeat(30_000), "short");
        assertThat(PredictBatches.of(in, 250)).containsExactly(new Batch(0, 1), new Batch(1, 2), new Batch(2, 3));
    }

    @Test
    void utf8LengthCountsEncodedBytes() {
        for (String s : List.of("", "abc", "é", "語", "😀", "a語😀é")) {
            assertThat(PredictBatches.utf8Length(s)).as(s).isEqualTo(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
    }
}
