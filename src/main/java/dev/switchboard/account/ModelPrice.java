package dev.switchboard.account;

import java.util.Comparator;
import java.util.List;

/**
 * USD per token for one model; a null field means "not priced apart" and {@link CostCalculator}'s documented
 * fallback applies. {@code source} says where the price came from ({@code catalog anthropic/claude-sonnet-4-5},
 * {@code model_info}, or both). {@code tiers} are kept sorted by {@link Tier#minPromptTokens()}.
 */
public record ModelPrice(String source, double inputPerToken, double outputPerToken, Double cacheReadPerToken,
                         Double cacheWrite5mPerToken, Double cacheWrite1hPerToken, Double reasoningPerToken,
                         Double inputAudioPerToken, Double outputAudioPerToken, Double outputImagePerToken,
                         List<Tier> tiers, Integer maxOutputTokens, Integer contextWindow) {

    /** Prices that apply when the prompt has at least {@code minPromptTokens} tokens (e.g. Gemini 2.5 Pro above 200k). */
    public record Tier(int minPromptTokens, double inputPerToken, double outputPerToken, Double cacheReadPerToken) {
        public Tier {
            if (minPromptTokens < 0) throw new IllegalArgumentException("tier minPromptTokens must be >= 0");
            check("tier input", inputPerToken);
            check("tier output", outputPerToken);
            if (cacheReadPerToken != null) check("tier cache read", cacheReadPerToken);
        }
    }

    public ModelPrice {
        // A negative or NaN price would make costs negative or poison a budget; refuse it where it is made.
        check("input", inputPerToken);
        check("output", outputPerToken);
        for (Double d : new Double[] {cacheReadPerToken, cacheWrite5mPerToken, cacheWrite1hPerToken, reasoningPerToken,
                inputAudioPerToken, outputAudioPerToken, outputImagePerToken}) {
            if (d != null) check("per-token", d);
        }
        tiers = tiers == null ? List.of()
                : tiers.stream().sorted(Comparator.comparingInt(Tier::minPromptTokens)).toList();
    }

    /** A flat text price: input and output only. */
    public static ModelPrice of(String source, double inputPerToken, double outputPerToken) {
        return new ModelPrice(source, inputPerToken, outputPerToken, null, null, null, null, null, null, null, List.of(), null, null);
    }

    /** The tier a prompt of {@code promptTokens} tokens is charged at, or null for the base prices. */
    public Tier tierFor(long promptTokens) {
        Tier found = null;
        for (Tier t : tiers) if (promptTokens >= t.minPromptTokens()) found = t;
        return found;
    }

    private static void check(String what, double price) {
        if (!Double.isFinite(price) || price < 0) throw new IllegalArgumentException(what + " price must be a finite number >= 0, got " + price);
    }
}
