package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The embedder loads LangChain4j's packaged models with its own ONNX Runtime session options (one thread, no
 * spinning); the thresholds and the README's accuracy figures were measured with LangChain4j's own loading, so the
 * vectors must not move by a single bit.
 */
class OnnxEmbedderTest {
    private static final List<String> QUESTIONS = List.of(
            "What is the W boson?",
            "How do scientist measure a atomic radius?",
            "Which is the best way to get Republic Day tickets?",
            "Why is the sky blue during the day but red at sunset, and does the same happen on Mars?",
            "What's 2+2?",
            "Ünïcödé façade naïve café — how do I type these on a US keyboard?",
            "Is 北京 bigger than 東京? 🤔 What about Zürich's ½-price tickets™?",
            "What does [SEP] mean, and is [CLS] a token or [UNK] [MASK]?",
            "  leading and trailing spaces\n\tand a tab  ",
            "a",
            "Tell me about this: " + "the quick brown fox jumps over the lazy dog ".repeat(25), // ~250 tokens: one-pass limit
            "Tell me about this: " + "the quick brown fox jumps over the lazy dog ".repeat(40), // ~400 tokens: LangChain4j's path, one part
            "x ".repeat(1_500)); // over 510 tokens: LangChain4j's split-and-average path

    @Test
    void bgeVectorsAreBitForBitLangChain4jsOwn() {
        sameVectors(OnnxEmbedder.load("bge-small-en-v15-q"), new BgeSmallEnV15QuantizedEmbeddingModel());
    }

    @Test
    void miniLmVectorsAreBitForBitLangChain4jsOwn() {
        sameVectors(OnnxEmbedder.load("all-minilm-l6-v2-q"), new AllMiniLmL6V2QuantizedEmbeddingModel());
    }

    private static void sameVectors(OnnxEmbedder ours, EmbeddingModel theirs) {
        assertThat(ours.dimensions()).isEqualTo(theirs.dimension()).isEqualTo(384);
        for (String q : QUESTIONS) {
            float[] expected = Embedder.normalize(theirs.embed(q).content().vector());
            assertThat(ours.embed(q)).as(q).containsExactly(expected);
        }
    }

    @Test
    void emptyTextFailsAsLangChain4jFails() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OnnxEmbedder.load("bge-small-en-v15-q").embed("   "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sessionRunsOnTheCallerWithoutSpinning() throws Exception {
        try (OrtSession.SessionOptions o = PackagedOnnxModel.sessionOptions()) {
            assertThat(o.getConfigEntries())
                    .containsEntry("session.intra_op.allow_spinning", "0")
                    .containsEntry("session.inter_op.allow_spinning", "0");
        }
    }
}
