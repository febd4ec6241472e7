package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CachedAnswer;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code switchboard cache bench}: the semantic lookup's latency (embed + HNSW search + guards) with N entries in one
 * namespace and context (the worst case: the context filter keeps every entry a candidate), and the memory an entry
 * takes. The index is filled with the embeddings of real questions and, past those, with copies nudged by noise (so
 * the graph holds N distinct points without embedding N texts); every entry carries a typical answer of about 600
 * characters. Lookups ask questions the index does not hold, one at a time, as a request would.
 */
public final class SemanticBench {
    /** Asked questions looked up before the timing starts (not timed, not asked again in the timed part). */
    static final int WARM_UP_ASKED = 200;
    /**
     * New questions the warm-up looks up in all, each twice as the timed part does (the second time with its embedding
     * cached): the asked ones, then stored questions the index was not filled with. The JIT then compiles the lookup's
     * paths with the timed part's own profile before the timing starts, as a gateway's have been compiled. With 200
     * new questions and no second lookups the JIT compiled for 2.9-6.6 s of the timed lookups (2026-12-01 13:57-14:16,
     * load ~12), and a search's p50 fell from 0.61 to 0.26 ms over its first 1,500 runs in one JVM.
     */
    static final int WARM_UP_QUESTIONS = 1_000;

    /**
     * Asked questions the warm-up takes: {@value #WARM_UP_ASKED}, but never more than half of them, so that the timed
     * part keeps the other half. QA: the warm-up took them all on a file under about 1,005 pairs (one pair in five is
     * asked), leaving no timed lookup, and the percentiles of nothing ended in an ArrayIndexOutOfBoundsException. With two
     * pairs or more (the CLI refuses fewer) at least one question is asked, and it is timed.
     */
    static int warmUpAsked(int asked) { return Math.min(WARM_UP_ASKED, asked / 2); }

    private SemanticBench() {}

    /** @throws IllegalStateException a one-line refusal when {@code pgvectorUrl} is not a PostgreSQL URL (null: Lucene's index) */
    public static void checkPgvectorUrl(String pgvectorUrl) {
        if (pgvectorUrl != null) BenchPgVector.location(pgvectorUrl);
    }

    public static void run(Embedder embedder, List<LabeledPair> pairs, int entries, int lookups, PrintStream out) {
        run(embedder, pairs, entries, lookups, null, out);
    }

    /**
     * @param pgvectorUrl null: Lucene's HNSW in memory (the default index); else the URL of a PostgreSQL with pgvector (LiteLLM's
     *                    postgresql://user:password@host/db or a JDBC URL, as the store's database_url),
     *                    whose index is filled in bulk and built once filled (the build time is printed)
     */
    public static void run(Embedder embedder, List<LabeledPair> pairs, int entries, int lookups, String pgvectorUrl, PrintStream out) {
        List<String> stored = new ArrayList<>(), asked = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) (i % 5 == 0 ? asked : stored).add(i % 2 == 0 ? pairs.get(i).a() : pairs.get(i).b());
        if (stored.isEmpty() || asked.isEmpty()) { // the CLI refuses such a file first, in one line
            throw new IllegalArgumentException("the bench needs 2 pairs or more (it stores some questions and asks others); got " + pairs.size());
        }
        int real = Math.min(stored.size(), Math.min(entries, 4_000));
        List<float[]> base = new ArrayList<>();
        base.add(embedder.embed(stored.get(0)));
        // pgvector is reached before the long part (embedding thousands of questions), so a wrong URL fails at once
        PgVectorStore pg = pgvectorUrl == null ? null : BenchPgVector.open(pgvectorUrl, base.get(0).length);
        out.printf(Locale.ROOT, "embedding %d stored questions with %s …%n", real, embedder.name());
        for (int i = 1; i < real; i++) base.add(embedder.embed(stored.get(i)));

        SemanticSettings s = new SemanticSettings(embedder.name(), null, null, null, null, false, entries + 1, 86_400, 1, List.of());
        Runtime rt = Runtime.getRuntime();
        long before = usedHeap(rt);
        Random rnd = new Random(7);
        long t0 = System.nanoTime();
        out.printf(Locale.ROOT, "index: %s%n", pg == null ? "lucene (in memory)" : "pgvector (" + pg.table() + ")");
        List<float[]> all = new ArrayList<>(entries);
        try (SemanticCache cache = pg == null ? SemanticCache.create(s, embedder, null) : SemanticCache.create(s, embedder, null, pg)) {
            for (int i = 0; i < entries; i++) {
                float[] v = base.get(i % real);
                if (i >= real) {
                    v = v.clone();
                    for (int d = 0; d < v.length; d++) v[d] += (float) (rnd.nextGaussian() * 0.02);
                    Embedder.normalize(v);
                }
                all.add(v);
                String id = String.format(Locale.ROOT, "%064x", i);
                cache.rememberEmbedded("bench", "ctx", stored.get(i % real), v, new CachedAnswer(id, "bench", 0, Long.MAX_VALUE,
                        "openai/gpt-4o-mini", answer(i)));
            }
            if (pg != null) {
                long b = System.nanoTime();
                cache.index("bench").nearest("ctx", base.get(0), 1, id -> true); // applies the queued inserts
                long inserted = System.nanoTime();
                try {
                    pg.buildIndex();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
                out.printf(Locale.ROOT, "pgvector: inserts %.1f s, HNSW build %.1f s%n", (inserted - b) / 1e9, (System.nanoTime() - inserted) / 1e9);
            }
            long fill = System.nanoTime() - t0;
            long after = usedHeap(rt);
            out.printf(Locale.ROOT, "index segments: %d%n", cache.segments());
            out.printf(Locale.ROOT, "filled %,d entries in %.1f s; heap %.0f bytes an entry (index %.0f, the rest the entry, its answer "
                    + "and the maps)%n", entries, fill / 1e9, (double) (after - before) / entries, (double) cache.indexBytes() / entries);

            // warm-up, then timed lookups of questions the cache does not hold (each embedded: no embedding cache help)
            int timedFrom = warmUpAsked(asked.size());
            List<String> warmUp = new ArrayList<>(asked.subList(0, timedFrom));
            warmUp.addAll(stored.subList(real, Math.min(stored.size(), real + WARM_UP_QUESTIONS - timedFrom))); // not in the index
            for (String q : warmUp) {
                await(() -> cache.lookup("bench", "ctx", q));
                await(() -> cache.lookup("bench", "ctx", q));
            }
            out.printf(Locale.ROOT, "warm-up: %d other questions, each looked up twice as below%n", warmUp.size());
            int n = Math.min(lookups, asked.size() - timedFrom);
            long[] fresh = new long[n], search = new long[n];
            boolean[] collected = new boolean[n]; // a GC ran during this new-question lookup
            long gcCount0 = gcCount(), gcMillis0 = gcMillis(), jit0 = jitMillis();
            for (int i = 0; i < n; i++) {
                String q = asked.get(timedFrom + i);
                long gcBefore = gcCount();
                long a = System.nanoTime();
                await(() -> cache.lookup("bench", "ctx", q));
                fresh[i] = System.nanoTime() - a;
                collected[i] = gcCount() != gcBefore;
                a = System.nanoTime();
                await(() -> cache.lookup("bench", "ctx", q)); // the same text again: its embedding is cached, only the search runs
                search[i] = System.nanoTime() - a;
            }
            out.printf(Locale.ROOT, "lookup, new question (embed + search + guards): p50 %.2f ms  p99 %.2f ms  (%d lookups)%n",
                    pct(fresh, 50), pct(fresh, 99), n);
            out.printf(Locale.ROOT, "lookup, embedding cached (search + guards):      p50 %.2f ms  p99 %.2f ms%n", pct(search, 50), pct(search, 99));
            // where the tail comes from: a lookup that a GC pause fell into, or not
            long[] calm = java.util.stream.IntStream.range(0, n).filter(i -> !collected[i]).mapToLong(i -> fresh[i]).toArray();
            out.printf(Locale.ROOT, "GC during the timed lookups: %d collections, %d ms in all; %d new-question lookups overlapped one; "
                            + "the others: p50 %.2f ms  p99 %.2f ms%n", gcCount() - gcCount0, gcMillis() - gcMillis0, n - calm.length,
                    calm.length == 0 ? Double.NaN : pct(calm, 50), calm.length == 0 ? Double.NaN : pct(calm, 99));
            out.printf(Locale.ROOT, "JIT during the timed lookups: %d ms of compilation%n", jitMillis() - jit0);
            recall(cache.index("bench"), embedder, asked.subList(timedFrom, timedFrom + Math.min(200, n)), all, out);
        }
    }

    /**
     * Recall of the index against exact search: for each question, the share of the exact 4 nearest entries (brute
     * force over every vector) that the index's search returns (recall@4), and how often its first is the exact first.
     */
    private static void recall(VectorIndex index, Embedder embedder, List<String> questions, List<float[]> all, PrintStream out) {
        int k = 4, found = 0, firsts = 0, close = 0;
        for (String q : questions) {
            float[] v = embedder.embed(q);
            int[] best = new int[k];
            double[] score = new double[k];
            Arrays.fill(score, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < all.size(); i++) {
                double d = dot(v, all.get(i));
                if (d <= score[k - 1]) continue;
                int j = k - 1;
                while (j > 0 && score[j - 1] < d) { score[j] = score[j - 1]; best[j] = best[j - 1]; j--; }
                score[j] = d;
                best[j] = i;
            }
            java.util.Set<String> exact = new java.util.HashSet<>();
            for (int b : best) exact.add(String.format(Locale.ROOT, "%064x", b));
            List<VectorIndex.Hit> hits = index.nearest("ctx", v, k, id -> true);
            for (VectorIndex.Hit h : hits) if (exact.contains(h.id())) found++;
            if (!hits.isEmpty() && hits.get(0).id().equals(String.format(Locale.ROOT, "%064x", best[0]))) firsts++;
            // what matters to a cache: whether the best similarity it sees is the best there is (a near-tie is as good)
            if (!hits.isEmpty() && hits.get(0).similarity() >= score[0] - 0.005) close++;
        }
        out.printf(Locale.ROOT, "recall against exact search (%d questions): recall@4 %.3f, first hit exact %.3f, first hit within "
                        + "0.005 of the best similarity %.3f%n", questions.size(), (double) found / (k * questions.size()),
                (double) firsts / questions.size(), (double) close / questions.size());
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static ChatResponse answer(int i) {
        String text = ("Answer " + i + ": ") + "x".repeat(600);
        return new ChatResponse("chatcmpl-" + i, 0, "gpt-4o-mini", List.of(new Choice(0, Message.text(Role.ASSISTANT, text),
                FinishReason.STOP, null)), new Usage(20, 150, 0, 0, 0, 0), null, null);
    }

    /** Compilation time of the JIT's threads so far: work that competes with the lookups for the two cores. */
    private static long jitMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    private static long gcCount() {
        long c = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) c += Math.max(0, gc.getCollectionCount());
        return c;
    }

    private static long gcMillis() {
        long t = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) t += Math.max(0, gc.getCollectionTime());
        return t;
    }

    private static long usedHeap(Runtime rt) {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double pct(long[] nanos, int p) {
        if (nanos.length == 0) return Double.NaN;
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1e6;
    }

    private static <T> T await(java.util.function.Supplier<Future<T>> call) {
        while (true) {
            try {
                return call.get().toCompletionStage().toCompletableFuture().get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof SemanticCache.Busy)) throw new IllegalStateException(e.getCause());
                Thread.onSpinWait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
