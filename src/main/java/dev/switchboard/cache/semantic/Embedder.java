package dev.switchboard.cache.semantic;

/**
 * Turns a question into a unit vector whose dot product with another is their cosine similarity. Blocking: it is
 * only ever called on the semantic cache's own bounded pool, never on an event loop.
 */
public interface Embedder {
    /** A unit-length vector of {@link #dimensions()} floats. */
    float[] embed(String text);

    int dimensions();

    /** The name config and logs use ({@code all-minilm-l6-v2-q}, {@code alias:embed}). */
    String name();

    /**
     * The similarity above which this model's answers are served without verification. Each model has its own
     * similarity range (MiniLM's duplicates sit lower than BGE's), so the default threshold belongs to the model.
     */
    double defaultThreshold();

    /** The "sure" threshold when a verifier checks the grey zone below it (higher: the verifier takes the doubtful ones). */
    double defaultVerifiedThreshold();

    /** Where grey-zone verification starts, when a verifier is configured. */
    double defaultGreyThreshold();

    /**
     * The word-swap guard's thresholds for this model ({@link WordSwaps}: "… in python" / "… in javascript"), calibrated
     * as its similarity thresholds are; null (the default) for a model nobody calibrated, and then the guard is off (an
     * embedding alias: each word would be a metered call, and its cosines are another model's).
     */
    default WordSwaps.Calibration wordSwaps() { return null; }

    /** Scales a vector to unit length in place (a zero vector stays zero). */
    static float[] normalize(float[] v) {
        double sum = 0;
        for (float f : v) sum += f * f;
        if (sum == 0) return v;
        float inv = (float) (1 / Math.sqrt(sum));
        for (int i = 0; i < v.length; i++) v[i] *= inv;
        return v;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
