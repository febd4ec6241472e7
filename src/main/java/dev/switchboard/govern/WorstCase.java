package dev.switchboard.govern;

/**
 * The most a request can cost, in nano-dollars, as the pipeline prices it over every deployment that may serve it.
 * Two figures, because counting a long prompt with a tokenizer costs time on the request path: a bound that needs
 * no tokenizer, used while it is a small part of what is left of the budget, and the tokenizer's figure, asked for
 * near the end of a budget, where over-reserving would refuse calls that fit.
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
