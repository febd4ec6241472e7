package dev.switchboard.model;

/**
 * Token counts of one call. {@code promptTokens} includes cached ones, as in OpenAI's accounting;
 * {@code cacheReadTokens} and {@code cacheWriteTokens} say how many of them were read from or written to a
 * provider's prompt cache, which the price catalog needs to price them differently.
 */
public record Usage(int promptTokens, int completionTokens, int cacheReadTokens, int cacheWriteTokens,
                    int reasoningTokens) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

    public int totalTokens() { return promptTokens + completionTokens; }
}
