package dev.switchboard.provider.vertex;

import java.util.ArrayList;
import java.util.List;

/**
 * How many of a request's texts one {@code :predict} call may carry. Vertex refuses a whole request past its limits
 * (400 INVALID_ARGUMENT), and the limits are the model's: {@code gemini-embedding-*} takes one instance a call ("batchSize
 * must be 1"), the text-embedding models at most 250 ("250 instance(s) is allowed per prediction") and 20,000 input
 * tokens a call ("the input token count is … but the model supports up to 20000"). Google's tokenizer is not public,
 * so a text counts as its UTF-8 length: every SentencePiece token stands for at least one byte, so a batch under the
 * bound is under the limit whatever the text (digits and symbols make a token a byte). A text over the bound on its own
 * goes alone, and Vertex's own answer (it truncates a long text by default) stands.
 */
final class PredictBatches {
    static final int MAX_INSTANCES = 250;
    static final int MAX_TOKENS = 20_000;

    private PredictBatches() {}

    /** One batch: {@code texts[start, end)} of the request, so its embeddings keep their index in the input. */
    record Batch(int start, int end) {
        int size() { return end - start; }
    }

    /** At most this many instances a call: one for the Gemini embedding models, 250 for the others. */
    static int maxInstances(String model) {
        return model.startsWith("gemini-embedding") ? 1 : MAX_INSTANCES;
    }

    /** The texts in input order, cut into batches within {@code maxInstances} and {@link #MAX_TOKENS}. */
    static List<Batch> of(List<String> texts, int maxInstances) {
        List<Batch> out = new ArrayList<>();
        int start = 0;
        long tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            long bound = utf8Length(texts.get(i));
            boolean full = i - start == maxInstances || (i > start && tokens + bound > MAX_TOKENS);
            if (full) {
                out.add(new Batch(start, i));
                start = i;
                tokens = 0;
            }
            tokens += bound;
        }
        if (start < texts.size()) out.add(new Batch(start, texts.size()));
        return out;
    }

    /** UTF-8 length without encoding: 1 byte below U+0080, 2 below U+0800, 2 each half of a surrogate pair, else 3. */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }
}
