package dev.switchboard.govern;

/**
 * The most a request can cost, in nano-dollars, as the pipeline prices it over every deployment that may serve it.
 * Two figures, because counting a long prompt with a tokenizer costs time on the request path: a bound that needs
 * no tokenizer, tried first, and the tokenizer's figure, asked for only when the bound does not fit in what is left.
 */
public interface WorstCase {
    WorstCase FREE = new WorstCase() {
        @Override public long boundNanos() { return 0; }
        @Override public long exactNanos() { return 0; }
    };

    /** Never below {@link #exactNanos()}: the prompt bounded without a tokenizer (a token is at least one UTF-8 byte). */
    long boundNanos();

    /** The prompt counted with a real tokenizer (and the provider's safety factor), plus the output limit. */
    long exactNanos();
}
