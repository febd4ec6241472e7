package dev.switchboard.cache.semantic;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * One of LangChain4j's packaged ONNX models (the weights and tokenizer are resources of its Maven artifact), loaded
 * with ONNX Runtime session options fit for the semantic cache: one short question per call, on the cache's own pool
 * thread, on a machine whose other cores serve requests.
 *
 * <p>LangChain4j's own model classes build their session with ONNX Runtime's defaults: an intra-op thread pool as
 * large as the machine's cores, whose threads spin-wait for work between operators. For a 10–20 token question that
 * pool costs more than it saves: each of the model's ~100 operators is handed to the pool and waited for, a pool
 * thread that the scheduler has not run yet delays the whole embedding (the p99), and the spinning burns the core the
 * event loop wanted. Here the embedding runs on the calling thread alone ({@link #sessionOptions()}); the cache's
 * {@code embed_threads} gives parallelism across questions instead. Tokenizer, padding (none: a question is not
 * padded to 512), pooling and the graph optimisations are LangChain4j's, so the vectors are bit for bit the same
 * (OnnxEmbedderTest holds that).
 */
final class PackagedOnnxModel extends AbstractInProcessEmbeddingModel {
    private final OnnxBertBiEncoder encoder;
    private final int dimension;

    private PackagedOnnxModel(OnnxBertBiEncoder encoder, int dimension) {
        super(Runnable::run); // batches (the eval's) embed one text after another on the caller; the cache never batches
        this.encoder = encoder;
        this.dimension = dimension;
    }

    /**
     * @param model     the {@code .onnx} resource's name in LangChain4j's model jar
     * @param tokenizer the tokenizer's {@code .json} resource
     */
    static PackagedOnnxModel load(String model, String tokenizer, PoolingMode pooling, int dimension) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = sessionOptions()) {
            OrtSession session = env.createSession(resource(model), options);
            return new PackagedOnnxModel(new OnnxBertBiEncoder(env, session, new ByteArrayInputStream(resource(tokenizer)), pooling),
                    dimension);
        } catch (OrtException e) {
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

    private static byte[] resource(String name) {
        try (InputStream in = PackagedOnnxModel.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("resource " + name + " missing: is its LangChain4j model jar on the class path?");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override protected OnnxBertBiEncoder model() { return encoder; }

    @Override protected Integer knownDimension() { return dimension; }
}
