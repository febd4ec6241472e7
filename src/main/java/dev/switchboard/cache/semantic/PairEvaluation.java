package dev.switchboard.cache.semantic;

import dev.switchboard.cache.CachedAnswer;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * {@code switchboard cache eval}: how the semantic cache would do on labeled pairs. For each pair the cache holds the
 * first question and is asked the second; a hit on a non-duplicate is a false hit. Printed: per threshold 0.80…0.99
 * with every guard on, precision, recall, F1 and the false-hit rate (false hits / non-duplicate pairs); what each guard
 * adds at the default threshold; with {@code verify}, grey-zone verification with the data set's own label standing in
 * for the verifier model (an oracle: it measures the gate, not a particular model's judgement); with a
 * {@code maxFalseHitRate}, the online mode run through a real {@link SemanticCache} over the pairs as a stream (same
 * oracle). Last line: the shipped default configuration.
 */
public final class PairEvaluation {
    private final Embedder embedder;
    private final List<LabeledPair> pairs;
    private final PrintStream out;
    private final IntConsumer progress;
    private final double[] sims;

    /** Counts at one setting. */
    record Counts(int tp, int fp, int positives, int negatives) {
        double precision() { return tp + fp == 0 ? 1 : (double) tp / (tp + fp); }
        double recall() { return positives == 0 ? 0 : (double) tp / positives; }
        double f1() { double p = precision(), r = recall(); return p + r == 0 ? 0 : 2 * p * r / (p + r); }
        double falseHitRate() { return negatives == 0 ? 0 : (double) fp / negatives; }
    }

    /** @param progress called with the number of pairs embedded so far (the CLI draws its bar from it) */
    public PairEvaluation(Embedder embedder, List<LabeledPair> pairs, PrintStream out, IntConsumer progress) {
        this.embedder = new Memo(embedder);
        this.pairs = pairs;
        this.out = out;
        this.progress = progress;
        this.sims = new double[pairs.size()];
    }

    /** Runs every part the arguments ask for; returns the default configuration's counts. */
    public Counts run(boolean verify, Double maxFalseHitRate) {
        for (int i = 0; i < pairs.size(); i++) {
            sims[i] = Embedder.dot(embedder.embed(pairs.get(i).a()), embedder.embed(pairs.get(i).b()));
            progress.accept(i + 1);
        }
        QuestionGuards all = QuestionGuards.all().withWords(embedder::embed, embedder.wordSwaps());
        double reach = Math.min(embedder.defaultGreyThreshold(), embedder.defaultThreshold()); // below it no setting serves
        boolean[] pass = new boolean[pairs.size()];
        boolean[] doubt = new boolean[pairs.size()]; // refused by a doubt guard only: verified when a verifier is configured
        for (int i = 0; i < pass.length; i++) {
            LabeledPair p = pairs.get(i);
            QuestionGuards.Verdict v = all.check(p.a(), p.b());
            // as the cache asks it: only for a pair the others passed and that some setting would serve or verify
            if (v == QuestionGuards.Verdict.PASS && sims[i] >= reach) v = all.checkWords(p.a(), p.b());
            pass[i] = v == QuestionGuards.Verdict.PASS;
            doubt[i] = v.doubtful();
        }

        out.printf(Locale.ROOT, "embedder %s, %d pairs (%d duplicates), every guard on%n", embedder.name(), pairs.size(),
                pairs.stream().filter(LabeledPair::duplicate).count());
        out.println("threshold  precision  recall  f1     false_hit_rate");
        for (int t = 80; t <= 99; t++) {
            Counts c = staticCounts(t / 100.0, pass);
            out.printf(Locale.ROOT, "%.2f       %.3f      %.3f   %.3f  %.4f%n", t / 100.0, c.precision(), c.recall(), c.f1(), c.falseHitRate());
        }
        double def = embedder.defaultThreshold();
        out.printf(Locale.ROOT, "%nwhat each guard adds at threshold %.3f (cumulative):%n", def);
        QuestionGuards.Enabled[] steps = {QuestionGuards.Enabled.NONE,
                new QuestionGuards.Enabled(true, false, false, false, false, false, false, false, false, false),
                new QuestionGuards.Enabled(true, true, false, false, false, false, false, false, false, false),
                new QuestionGuards.Enabled(true, true, true, false, false, false, false, false, false, false),
                new QuestionGuards.Enabled(true, true, true, true, false, false, false, false, false, false),
                new QuestionGuards.Enabled(true, true, true, true, true, false, false, false, false, false),
                new QuestionGuards.Enabled(true, true, true, true, true, true, false, false, false, false),
                new QuestionGuards.Enabled(true, true, true, true, true, true, true, false, false, false),
                new QuestionGuards.Enabled(true, true, true, true, true, true, true, true, false, false),
                new QuestionGuards.Enabled(true, true, true, true, true, true, true, true, true, false), QuestionGuards.Enabled.ALL};
        String[] names = {"embedding alone", "+ numbers", "+ negation", "+ role swap", "+ names", "+ polarity", "+ format",
                "+ literals", "+ role order", "+ tense", "+ word swap"};
        for (int s = 0; s < steps.length; s++) {
            boolean[] p = steps[s].swaps() ? pass : new boolean[pairs.size()]; // the word-swap guard runs last: all of them
            if (!steps[s].swaps()) {
                QuestionGuards g = new QuestionGuards(steps[s]);
                for (int i = 0; i < p.length; i++) p[i] = g.check(pairs.get(i).a(), pairs.get(i).b()) == QuestionGuards.Verdict.PASS;
            }
            Counts c = staticCounts(def, p);
            out.printf(Locale.ROOT, "  %-16s precision=%.3f recall=%.3f false_hit_rate=%.4f%n", names[s], c.precision(), c.recall(), c.falseHitRate());
        }
        if (verify) verified(pass, doubt);
        if (maxFalseHitRate != null) online(maxFalseHitRate, pass);
        Counts d = staticCounts(def, pass);
        out.printf(Locale.ROOT, "default threshold=%.3f precision=%.3f recall=%.3f false_hit_rate=%.4f%n", def, d.precision(), d.recall(), d.falseHitRate());
        return d;
    }

    private Counts staticCounts(double threshold, boolean[] pass) {
        int tp = 0, fp = 0, pos = 0;
        for (int i = 0; i < sims.length; i++) {
            boolean dup = pairs.get(i).duplicate();
            if (dup) pos++;
            if (sims[i] >= threshold && pass[i]) {
                if (dup) tp++;
                else fp++;
            }
        }
        return new Counts(tp, fp, pos, sims.length - pos);
    }

    /**
     * Grey-zone verification: served at the "sure" threshold, verified (by the label) from the grey threshold; a pair
     * only a doubt guard stopped is verified whatever its similarity.
     */
    private void verified(boolean[] pass, boolean[] doubt) {
        double sure = embedder.defaultVerifiedThreshold(), grey = embedder.defaultGreyThreshold();
        int tp = 0, fp = 0, pos = 0, calls = 0;
        for (int i = 0; i < sims.length; i++) {
            boolean dup = pairs.get(i).duplicate();
            if (dup) pos++;
            if (!pass[i] && !doubt[i] || sims[i] < grey) continue;
            if (sims[i] >= sure && pass[i]) {
                if (dup) tp++;
                else fp++;
            } else {
                calls++;
                if (dup) tp++; // the oracle confirms duplicates and refuses the rest
            }
        }
        Counts c = new Counts(tp, fp, pos, sims.length - pos);
        out.printf(Locale.ROOT, "%nwith grey-zone verification (sure %.3f, grey %.3f; the pair's label stands in for the verifier "
                        + "model): precision=%.3f recall=%.3f false_hit_rate=%.4f verification_calls=%d (%.1f%% of lookups)%n",
                sure, grey, c.precision(), c.recall(), c.falseHitRate(), calls, 100.0 * calls / sims.length);
    }

    /**
     * The online mode over the pairs as a stream, through a real semantic cache (index, guards, thresholds): each pair
     * stores its first question in a context of its own, then asks the second.
     */
    private void online(double maxFalseHitRate, boolean[] pass) {
        SemanticSettings s = new SemanticSettings(embedder.name(), null, null, "oracle", maxFalseHitRate, false,
                pairs.size() + 1, 86_400, 1, List.of());
        int[] calls = {0};
        Map<String, Boolean> labels = new HashMap<>();
        for (LabeledPair p : pairs) labels.put(p.a() + '\u0000' + p.b(), p.duplicate());
        Verifier oracle = (cached, asked) -> {
            calls[0]++;
            return Future.succeededFuture(labels.getOrDefault(cached + '\u0000' + asked, false));
        };
        int tp = 0, fp = 0, pos = 0, servedUnverified = 0;
        try (SemanticCache cache = SemanticCache.create(s, embedder, oracle)) {
            for (int i = 0; i < pairs.size(); i++) {
                LabeledPair p = pairs.get(i);
                if (p.duplicate()) pos++;
                String ctx = "pair-" + i;
                CachedAnswer a = new CachedAnswer("e" + i, "eval", 0, Long.MAX_VALUE, "eval", null);
                await(() -> cache.remember("eval", ctx, p.a(), a));
                Optional<SemanticMatch> m = await(() -> cache.lookup("eval", ctx, p.b()));
                if (m.isPresent()) {
                    if (p.duplicate()) tp++;
                    else fp++;
                    if (!m.get().verified()) servedUnverified++;
                }
            }
            Counts c = new Counts(tp, fp, pos, pairs.size() - pos);
            Counts atSameRate = bestStaticAtOrBelow(c.falseHitRate(), pass);
            out.printf(Locale.ROOT, "%nonline mode (max_false_hit_rate %.4f, per-entry thresholds learned from verification; the "
                            + "label stands in for the verifier): precision=%.3f recall=%.3f false_hit_rate=%.4f error_among_hits=%.4f "
                            + "verification_calls=%d (%.1f%%) served_unverified=%d learned_threshold=%.3f%n", maxFalseHitRate,
                    c.precision(), c.recall(), c.falseHitRate(), 1 - c.precision(), calls[0], 100.0 * calls[0] / pairs.size(),
                    servedUnverified, cache.stats().threshold());
            out.printf(Locale.ROOT, "  static threshold at the same false-hit rate (guards on): recall=%.3f%n", atSameRate.recall());
        }
    }

    private Counts bestStaticAtOrBelow(double fhr, boolean[] pass) {
        Counts best = new Counts(0, 0, 1, 1);
        for (int t = 800; t <= 1000; t++) {
            Counts c = staticCounts(t / 1000.0, pass);
            if (c.falseHitRate() <= fhr && c.recall() > best.recall()) best = c;
        }
        return best;
    }

    /**
     * Waits for a cache call. The pool refuses work while its thread is still handing back the previous result (a live
     * request would be a miss then); here the call is simply made again.
     */
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

    /** Each text is embedded once, however many parts of the evaluation ask for it. */
    private static final class Memo implements Embedder {
        private final Embedder inner;
        private final Map<String, float[]> seen = new java.util.concurrent.ConcurrentHashMap<>();

        Memo(Embedder inner) { this.inner = inner; }

        @Override public float[] embed(String text) { return seen.computeIfAbsent(text, inner::embed); }
        @Override public int dimensions() { return inner.dimensions(); }
        @Override public String name() { return inner.name(); }
        @Override public double defaultThreshold() { return inner.defaultThreshold(); }
        @Override public double defaultVerifiedThreshold() { return inner.defaultVerifiedThreshold(); }
        @Override public double defaultGreyThreshold() { return inner.defaultGreyThreshold(); }
        @Override public WordSwaps.Calibration wordSwaps() { return inner.wordSwaps(); }
    }

    /**
     * Reads {@code {"a": …, "b": …, "duplicate": …}} lines.
     *
     * @throws IllegalArgumentException naming the file and line of a line that is not such a pair (not JSON included)
     */
    public static List<LabeledPair> read(java.nio.file.Path file) throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<LabeledPair> out = new ArrayList<>();
        int line = 0;
        for (String l : java.nio.file.Files.readAllLines(file)) {
            line++;
            if (l.isBlank()) continue;
            com.fasterxml.jackson.databind.JsonNode n;
            try {
                n = json.readTree(l);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                n = null; // not JSON (a CSV, a pretty-printed array): the same one-line refusal as a line without the fields
            }
            if (n == null || !n.path("a").isTextual() || !n.path("b").isTextual() || !n.path("duplicate").isBoolean()) {
                throw new IllegalArgumentException(file + ":" + line + ": " + (n == null ? "not JSON; " : "") + "expected {\"a\": \"…\", \"b\": \"…\", \"duplicate\": true|false}");
            }
            out.add(new LabeledPair(n.get("a").asText(), n.get("b").asText(), n.get("duplicate").asBoolean()));
        }
        return out;
    }
}
