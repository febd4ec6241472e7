package dev.switchboard.cache.semantic;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One of LangChain4j's packaged ONNX models (the weights and tokenizer are resources of its Maven artifact), run the
 * way the semantic cache needs it: one short question per call, on the cache's own pool thread, on a machine whose
 * other cores serve requests. The vectors are bit for bit LangChain4j's own ({@code OnnxEmbedderTest}), so the
 * thresholds and accuracy figures measured with them stand.
 *
 * <p>Two things differ from LangChain4j's {@code OnnxBertBiEncoder}:
 * <ul>
 *   <li><b>Session options</b> ({@link #sessionOptions()}). LangChain4j builds its session with ONNX Runtime's defaults:
 *   an intra-op pool as large as the machine's cores, whose threads spin-wait between operators. For a 10–20 token
 *   question that pool costs more than it saves: each of the model's operators is split across the threads and
 *   waited for, so a pool thread the scheduler has not run yet stalls the whole embedding (the tail), and the
 *   spinning takes the core an event loop wanted. Here the embedding runs on the calling thread alone; the cache's
 *   {@code embed_threads} gives parallelism across questions instead.
 *   <li><b>One tokenizer pass instead of four.</b> LangChain4j tokenizes, splits the tokens into 510-token parts,
 *   rebuilds each part's sentence, tokenizes that again to check the round trip, then encodes it. For a text of one
 *   part that is the text's own encoding: the ids are the same on all 24,000 questions of
 *   {@code bench/data/qqp-*.jsonl} for both tokenizers, in a third of the time (190 against 610 µs for BGE's, measured
 *   at load ~8). Longer texts (LangChain4j splits and averages) still take LangChain4j's own path, over the same
 *   session.
 * </ul>
 * No padding either way: a question is run at its own length, never padded to 512.
 */
final class PackagedOnnxModel {
    /**
     * Longest encoding (with its special tokens) that takes the one-pass path: well inside LangChain4j's one part (510
     * tokens without them), so its split never applies.
     */
    static final int ONE_PASS_MAX_TOKENS = 256;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean wantsTypeIds;
    private final PoolingMode pooling;
    private final int dimension;
    private final EmbeddingModel langChain4j;

    private PackagedOnnxModel(OrtEnvironment env, OrtSession session, byte[] tokenizerJson, PoolingMode pooling, int dimension) throws IOException {
        this.env = env;
        this.session = session;
        // LangChain4j's tokenizer options (no padding), so both paths see the same ids
        this.tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), Map.of("padding", "false"));
        this.wantsTypeIds = session.getInputNames().contains("token_type_ids");
        this.pooling = pooling;
        this.dimension = dimension;
        OnnxBertBiEncoder encoder = new OnnxBertBiEncoder(env, session, new ByteArrayInputStream(tokenizerJson), pooling);
        this.langChain4j = new AbstractInProcessEmbeddingModel(Runnable::run) { // batches: one text after another, on the caller
            @Override protected OnnxBertBiEncoder model() { return encoder; }
            @Override protected Integer knownDimension() { return dimension; }
        };
    }

    /**
     * @param model     the {@code .onnx} resource's name in LangChain4j's model jar
     * @param tokenizer the tokenizer's {@code .json} resource
     */
    static PackagedOnnxModel load(String model, String tokenizer, PoolingMode pooling, int dimension) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = sessionOptions()) {
            return new PackagedOnnxModel(env, env.createSession(resource(model), options), resource(tokenizer), pooling, dimension);
        } catch (OrtException | IOException e) {
            throw new IllegalStateException("ONNX model " + model + ": " + e.getMessage(), e);
        }
    }

    /**
     * One intra-op thread (the caller), no spin-waiting, every graph optimisation (ONNX Runtime's default level: a
     * lower one changes the vectors). Inter-op threads do not matter: the execution is sequential.
     */
    static OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(1);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        for (Map.Entry<String, String> e : SESSION_CONFIG.entrySet()) o.addConfigEntry(e.getKey(), e.getValue());
        return o;
    }

    /** ONNX Runtime's session config keys set here: no thread of its own spins waiting for work. */
    static final Map<String, String> SESSION_CONFIG = Map.of(
            "session.intra_op.allow_spinning", "0",
            "session.inter_op.allow_spinning", "0");

    int dimension() { return dimension; }

    /** The text's embedding, normalised as LangChain4j normalises it (the caller's {@link Embedder#normalize} follows). */
    float[] embed(String text) {
        long[] ids = tokenizer.encode(text, true, false).getIds(); // [CLS] … [SEP]
        if (ids.length <= 2 || ids.length > ONE_PASS_MAX_TOKENS) return langChain4jPath(text);
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1L);
        try {
            return normalizeAsLangChain4j(pool(run(ids, mask), ids.length));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX embedding failed: " + e.getMessage(), e);
        }
    }

    /** Empty, whitespace-only and long texts: LangChain4j's own handling (its error, its split-and-average). */
    private float[] langChain4jPath(String text) {
        return langChain4j.embed(text).content().vector();
    }

    /** The model's last hidden state, {@code tokens × dimension} floats, row after row. */
    private float[] run(long[] ids, long[] mask) throws OrtException {
        long[] shape = {1, ids.length};
        Map<String, OnnxTensor> inputs = new HashMap<>(4);
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (wantsTypeIds) inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
            try (OrtSession.Result r = session.run(inputs)) {
                FloatBuffer hidden = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[hidden.remaining()];
                hidden.get(out);
                return out;
            }
        } finally {
            for (OnnxTensor t : inputs.values()) t.close();
        }
    }

    /** LangChain4j's pooling, in its order of float operations: CLS takes the first row, MEAN sums rows then divides. */
    private float[] pool(float[] hidden, int tokens) {
        float[] v = new float[dimension];
        if (pooling == PoolingMode.CLS) {
            System.arraycopy(hidden, 0, v, 0, dimension);
            return v;
        }
        for (int t = 0; t < tokens; t++) for (int d = 0; d < dimension; d++) v[d] += hidden[t * dimension + d];
        for (int d = 0; d < dimension; d++) v[d] /= tokens;
        return v;
    }

    /** LangChain4j's normalisation (a float sum of squares, its square root in double): kept for bit-equal vectors. */
    private static float[] normalizeAsLangChain4j(float[] v) {
        float sum = 0;
        for (float f : v) sum += f * f;
        float norm = (float) Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) v[i] /= norm;
        return v;
    }

    private static byte[] resource(String name) {
        try (InputStream in = PackagedOnnxModel.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("resource " + name + " missing: is its LangChain4j model jar on the class path?");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
