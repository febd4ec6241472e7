package dev.switchboard.pipeline;

import dev.switchboard.cache.semantic.LabeledPair;
import dev.switchboard.cache.semantic.OnnxEmbedder;
import dev.switchboard.cache.semantic.PairEvaluation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;

/** {@code switchboard cache eval}'s way into the cache package (the CLI may reach only the pipeline). */
public final class CacheEvaluation {
    private CacheEvaluation() {}

    public static Set<String> embedders() { return OnnxEmbedder.names(); }

    public static String defaultEmbedder() { return OnnxEmbedder.DEFAULT; }

    /** Labeled pairs read from a file. */
    public record Pairs(List<LabeledPair> list) {
        public int size() { return list.size(); }

        public Pairs first(int n) { return new Pairs(list.subList(0, Math.min(n, list.size()))); }
    }

    /** @throws IllegalArgumentException naming the file and line of a malformed pair */
    public static Pairs read(Path pairs) throws IOException { return new Pairs(PairEvaluation.read(pairs)); }

    /**
     * {@code switchboard cache bench}: lookup latency with {@code entries} entries, memory an entry, and the index's recall;
     * {@code pgvectorUrl} null measures Lucene's index, else pgvector's at that JDBC URL.
     */
    public static void bench(Pairs pairs, String embedder, int entries, int lookups, String pgvectorUrl, PrintStream out) {
        dev.switchboard.cache.semantic.SemanticBench.checkPgvectorUrl(pgvectorUrl); // before the model loads
        dev.switchboard.cache.semantic.SemanticBench.run(OnnxEmbedder.load(embedder), pairs.list(), entries, lookups, pgvectorUrl, out);
    }

    /** Prints the evaluation of {@code pairs} to {@code out}, reporting embedded pairs to {@code progress}. */
    public static void run(Pairs pairs, String embedder, boolean verify, Double maxFalseHitRate, PrintStream out,
                           IntConsumer progress) {
        new PairEvaluation(OnnxEmbedder.load(embedder), pairs.list(), out, progress).run(verify, maxFalseHitRate);
    }
}
