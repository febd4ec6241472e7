package dev.switchboard.cache.semantic;

import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A sentence-embedding model that runs in this process (ONNX Runtime, through LangChain4j's packaged models): the
 * weights ship inside a Maven artifact, so nothing is downloaded at run time; {@link PackagedOnnxModel} runs them as fits one
 * question at a time (one ONNX thread, one tokenizer pass), with LangChain4j's vectors bit for bit. Thresholds measured on
 * {@code qqp-pairs-dev.jsonl} with {@code switchboard cache eval} (README, "Semantic cache").
 */
public final class OnnxEmbedder implements Embedder {
    /**
     * name → (model factory, threshold alone, threshold with a verifier, grey threshold, the word-swap guard's
     * thresholds or null), calibrated with the guards on the first 6,000 pairs of {@code qqp-pairs-dev.jsonl}
     * ({@code bench/data/qqp-calibrate.jsonl}); the word-swap guard's on the same half's pairs that differ in one word
     * (2026-12-06, BGE only: MiniLM's are not measured, so the guard is off with it).
     */
    private record Model(Supplier<PackagedOnnxModel> factory, double sure, double sureVerified, double grey, WordSwaps.Calibration words) {}

    private static final Map<String, Model> MODELS = Map.of(
            "all-minilm-l6-v2-q", new Model(() -> PackagedOnnxModel.load("all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
                    PoolingMode.MEAN, 384), 0.95, 0.97, 0.86, null),
            "bge-small-en-v15-q", new Model(() -> PackagedOnnxModel.load("bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json",
                    PoolingMode.CLS, 384), 0.96, 0.98, 0.90, new WordSwaps.Calibration(0.80, 0.80, 0.74)));

    /**
     * The embedder a semantic cache uses when the config names none: BGE small, the one that meets the false-hit figure
     * (≤ 1.5 % at recall ≥ 0.20) on pairs it was not calibrated on; MiniLM is 3x faster but at a false-hit rate of
     * 1.5 % reaches only recall 0.20 on the calibration half and 0.19 on the other.
     */
    public static final String DEFAULT = "bge-small-en-v15-q";

    private final String name;
    private final Model model;
    private final PackagedOnnxModel onnx;
    private final int dimensions;

    private OnnxEmbedder(String name) {
        this.name = name;
        this.model = MODELS.get(name);
        // single texts run on the calling (pool) thread, and so does ONNX Runtime's work for them (one intra-op thread)
        this.onnx = model.factory().get();
        this.dimensions = onnx.dimension();
    }

    public static Set<String> names() { return new java.util.TreeSet<>(MODELS.keySet()); }

    /** Loads a packaged model (a few hundred ms: the ONNX session and tokenizer). */
    public static OnnxEmbedder load(String name) {
        if (!MODELS.containsKey(name)) throw new IllegalArgumentException("unknown embedder '" + name + "'; known: " + names());
        return new OnnxEmbedder(name);
    }

    @Override
    public float[] embed(String text) {
        return Embedder.normalize(onnx.embed(text));
    }

    @Override public int dimensions() { return dimensions; }

    @Override public String name() { return name; }

    @Override public double defaultThreshold() { return model.sure(); }

    @Override public double defaultVerifiedThreshold() { return model.sureVerified(); }

    @Override public double defaultGreyThreshold() { return model.grey(); }

    @Override public WordSwaps.Calibration wordSwaps() { return model.words(); }
}
