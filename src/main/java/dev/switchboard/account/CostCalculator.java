package dev.switchboard.account;

import dev.switchboard.model.Usage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * What a call costs, in nano-dollars (1e-9 USD, so a long holds any realistic spend exactly), rounded up.
 *
 * <p>The rules, with {@link Usage}'s conventions (prompt tokens include cached ones; reasoning and audio tokens are
 * inside completion and prompt tokens):
 * <ul>
 *   <li><b>Tier</b>: the prices of the tier whose {@code minPromptTokens} the prompt reaches (prompt tokens
 *       including cached ones, as Google and Anthropic count), else the base prices. A price the tier does not
 *       give scales with it: input-side prices (cache reads and writes, input audio) by the tier's input/base input
 *       ratio, output-side ones (reasoning, output audio) by its output/base output ratio. That is exactly how
 *       Anthropic prices long context (every input price 2×), and the catalog has no tier that differs.</li>
 *   <li><b>Uncached input</b> = prompt − cache reads − cache writes (never below 0), at the input price; of it,
 *       {@code details.audioPromptTokens} at {@code inputAudioPerToken} when that is given.</li>
 *   <li><b>Cache reads</b> at {@code cacheReadPerToken}, else the input price (a provider with no cache discount).
 *       Anthropic's 0.1× default is filled in by {@link PriceCatalog}, which knows the provider.</li>
 *   <li><b>5-minute cache writes</b> (cacheWrite − cacheWrite1h) at {@code cacheWrite5mPerToken}, else the input
 *       price (Anthropic's 1.25× is filled in by the catalog); <b>1-hour writes</b> at {@code cacheWrite1hPerToken},
 *       else 2× input, Anthropic's price for them (no one else sells 1-hour writes).</li>
 *   <li><b>Completion</b>: reasoning tokens at {@code reasoningPerToken}, else the output price;
 *       {@code details.audioCompletionTokens} at {@code outputAudioPerToken}, else the output price; the rest at
 *       the output price.</li>
 * </ul>
 * Arithmetic is BigDecimal on the prices' decimal values (no binary rounding error can push an exact cost up a
 * nano-dollar), the total is rounded up once, clamped to [0, Long.MAX_VALUE]. Negative counts are read as 0.
 */
public final class CostCalculator {

    private static final BigDecimal NANOS_PER_USD = BigDecimal.valueOf(1_000_000_000L);
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    /**
     * Each price's resolved rates, per tier (index 0 the base): worked out once, since the decimal conversions and
     * divisions cost more than the rest of a call's pricing. Bounded by the prices in use (one per deployment).
     */
    private static final java.util.concurrent.ConcurrentHashMap<ModelPrice, Rates[]> RATES = new java.util.concurrent.ConcurrentHashMap<>();

    private CostCalculator() {}

    /** USD cost of a finished call in nano-dollars (1e-9 USD), rounded UP, never negative. */
    public static long costNanos(ModelPrice price, Usage usage) {
        Rates r = rates(price, price.tierFor(Math.max(0, usage.promptTokens())));
        long prompt = nonNeg(usage.promptTokens());
        long reads = nonNeg(usage.cacheReadTokens());
        long writes = nonNeg(usage.cacheWriteTokens());
        long writes1h = Math.min(nonNeg(usage.cacheWrite1hTokens()), writes);
        long uncached = Math.max(0, prompt - reads - writes);
        long audioIn = r.inputAudio == null ? 0 : Math.min(nonNeg(usage.details().audioPromptTokens()), uncached);

        long completion = nonNeg(usage.completionTokens());
        long audioOut = r.outputAudio == null ? 0 : Math.min(nonNeg(usage.details().audioCompletionTokens()), completion);
        long reasoning = Math.min(nonNeg(usage.reasoningTokens()), completion - audioOut);

        BigDecimal usd = r.input.multiply(BigDecimal.valueOf(uncached - audioIn))
                .add(times(r.inputAudio, audioIn))
                .add(r.cacheRead.multiply(BigDecimal.valueOf(reads)))
                .add(r.write5m.multiply(BigDecimal.valueOf(writes - writes1h)))
                .add(r.write1h.multiply(BigDecimal.valueOf(writes1h)))
                .add(r.output.multiply(BigDecimal.valueOf(completion - audioOut - reasoning)))
                .add(r.reasoning.multiply(BigDecimal.valueOf(reasoning)))
                .add(times(r.outputAudio, audioOut));
        return toNanos(usd);
    }

    /**
     * The most a call can cost, in nano-dollars rounded up: promptTokens at the highest per-token input price the
     * call could be charged (the cache-write price when cacheWritesPossible and it is higher than input; the tier
     * the prompt size falls in), plus outputTokens at the highest output price (reasoning priced apart counts if
     * higher).
     *
     * <p>"Highest" also covers input/output audio priced apart (the caller's token estimate cannot promise there is
     * no audio) and every tier up to the prompt's, so that the bound holds for any usage with at most
     * {@code promptTokens} prompt and {@code outputTokens} completion tokens, whatever tier it lands in.
     */
    public static long worstCaseNanos(ModelPrice price, int promptTokens, int outputTokens, boolean cacheWritesPossible) {
        long prompt = nonNeg(promptTokens);
        BigDecimal maxIn = BigDecimal.ZERO, maxOut = BigDecimal.ZERO;
        for (int i = -1; i < price.tiers().size(); i++) {
            ModelPrice.Tier tier = i < 0 ? null : price.tiers().get(i);
            if (tier != null && tier.minPromptTokens() > prompt) break; // tiers are sorted
            Rates r = rates(price, tier);
            maxIn = maxIn.max(r.input).max(r.cacheRead);
            if (r.inputAudio != null) maxIn = maxIn.max(r.inputAudio);
            if (cacheWritesPossible) maxIn = maxIn.max(r.write5m).max(r.write1h);
            maxOut = maxOut.max(r.output).max(r.reasoning);
            if (r.outputAudio != null) maxOut = maxOut.max(r.outputAudio);
        }
        return toNanos(maxIn.multiply(BigDecimal.valueOf(prompt)).add(maxOut.multiply(BigDecimal.valueOf(nonNeg(outputTokens)))));
    }

    public static double usd(long nanos) { return nanos / 1e9; }

    /**
     * The same price object is asked for on every call of a deployment: a slot per identity hash answers it without
     * hashing the record (its generated hashCode walks every field, tiers included: 1.7 % of a request's CPU in the
     * profile of docs/architecture.md, "Performance notes"). A slot holds the last price that landed in it; a miss
     * falls through to the map.
     */
    private static final java.util.concurrent.atomic.AtomicReferenceArray<Slot> SLOTS = new java.util.concurrent.atomic.AtomicReferenceArray<>(64);

    private record Slot(ModelPrice price, Rates[] rates) {}

    private static Rates rates(ModelPrice price, ModelPrice.Tier tier) {
        int i = System.identityHashCode(price) & (SLOTS.length() - 1);
        Slot slot = SLOTS.get(i);
        Rates[] all;
        if (slot != null && slot.price() == price) {
            all = slot.rates();
        } else {
            all = ratesOf(price);
            SLOTS.set(i, new Slot(price, all));
        }
        return tier == null ? all[0] : all[price.tiers().indexOf(tier) + 1];
    }

    private static Rates[] ratesOf(ModelPrice price) {
        return RATES.computeIfAbsent(price, p -> {
            Rates[] r = new Rates[p.tiers().size() + 1];
            r[0] = Rates.of(p, null);
            for (int i = 0; i < p.tiers().size(); i++) r[i + 1] = Rates.of(p, p.tiers().get(i));
            return r;
        });
    }

    private static long nonNeg(int n) { return Math.max(0, n); }

    private static BigDecimal times(BigDecimal rate, long tokens) {
        return rate == null || tokens == 0 ? BigDecimal.ZERO : rate.multiply(BigDecimal.valueOf(tokens));
    }

    private static long toNanos(BigDecimal usd) {
        BigDecimal nanos = usd.multiply(NANOS_PER_USD).setScale(0, RoundingMode.CEILING);
        if (nanos.signum() <= 0) return 0;
        return nanos.toBigInteger().bitLength() < 63 ? nanos.longValue() : Long.MAX_VALUE;
    }

    /** Per-token prices for one tier (or the base), with every fallback of the class comment resolved. */
    private record Rates(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal write5m, BigDecimal write1h,
                         BigDecimal reasoning, BigDecimal inputAudio, BigDecimal outputAudio) {

        static Rates of(ModelPrice p, ModelPrice.Tier tier) {
            BigDecimal baseIn = dec(p.inputPerToken()), baseOut = dec(p.outputPerToken());
            BigDecimal in = tier == null ? baseIn : dec(tier.inputPerToken());
            BigDecimal out = tier == null ? baseOut : dec(tier.outputPerToken());
            BigDecimal inScale = ratio(in, baseIn), outScale = ratio(out, baseOut);
            BigDecimal cacheRead = tier != null && tier.cacheReadPerToken() != null ? dec(tier.cacheReadPerToken())
                    : p.cacheReadPerToken() != null ? scaled(p.cacheReadPerToken(), inScale) : in;
            return new Rates(in, out, cacheRead,
                    p.cacheWrite5mPerToken() != null ? scaled(p.cacheWrite5mPerToken(), inScale) : in,
                    p.cacheWrite1hPerToken() != null ? scaled(p.cacheWrite1hPerToken(), inScale) : in.multiply(TWO),
                    p.reasoningPerToken() != null ? scaled(p.reasoningPerToken(), outScale) : out,
                    p.inputAudioPerToken() == null ? null : scaled(p.inputAudioPerToken(), inScale),
                    p.outputAudioPerToken() == null ? null : scaled(p.outputAudioPerToken(), outScale));
        }

        /** A price's shortest decimal form: 3.0E-6 for the double nearest 3e-6, as the catalog wrote it. */
        private static BigDecimal dec(double d) { return BigDecimal.valueOf(d); }

        private static BigDecimal ratio(BigDecimal tierPrice, BigDecimal base) {
            return base.signum() == 0 ? BigDecimal.ONE : tierPrice.divide(base, MathContext.DECIMAL128);
        }

        private static BigDecimal scaled(double price, BigDecimal scale) {
            BigDecimal d = dec(price);
            return scale.compareTo(BigDecimal.ONE) == 0 ? d : d.multiply(scale, MathContext.DECIMAL128);
        }
    }
}
