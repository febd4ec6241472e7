package dev.switchboard.account;

import dev.switchboard.model.Usage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * What a call costs, in nano-dollars (1e-9 USD, so a long holds any realistic spend exactly), rounded up.
 *
 * <p>The rules, with {@link Usage}'s conventions (prompt tokens include cached ones; reasoning, audio and image tokens
 * are inside completion and prompt tokens):
 * <ul>
 *   <li><b>Tier</b>: the prices of the tier whose {@code minPromptTokens} the prompt reaches (prompt tokens
 *       including cached ones, as Google and Anthropic count), else the base prices. A price the tier does not
 *       give scales with it: input-side prices (cache reads and writes, input audio) by the tier's input/base input
 *       ratio, output-side ones (reasoning, output audio, output image) by its output/base output ratio. That is exactly how
 *       Anthropic prices long context (every input price 2×), and the catalog has no tier that differs.</li>
 *   <li><b>Uncached input</b> = prompt − cache reads − cache writes (never below 0), at the input price; of it,
 *       {@code details.audioPromptTokens} at {@code inputAudioPerToken} when that is given.</li>
 *   <li><b>Cache reads</b> at {@code cacheReadPerToken}, else the input price (a provider with no cache discount).
 *       Anthropic's 0.1× default is filled in by {@link PriceCatalog}, which knows the provider.</li>
 *   <li><b>5-minute cache writes</b> (cacheWrite − cacheWrite1h) at {@code cacheWrite5mPerToken}, else the input
 *       price (Anthropic's 1.25× is filled in by the catalog); <b>1-hour writes</b> at {@code cacheWrite1hPerToken},
 *       else 2× input, Anthropic's price for them (no one else sells 1-hour writes).</li>
 *   <li><b>Completion</b>: reasoning tokens at {@code reasoningPerToken}, else the output price;
 *       {@code details.audioCompletionTokens} at {@code outputAudioPerToken}, else the output price;
 *       {@code details.imageCompletionTokens} (a generated picture's tokens: Gemini's IMAGE modality) at
 *       {@code outputImagePerToken}, else the output price; the rest at the output price. Priced apart, audio is at most
 *       the completion, images at most what audio leaves of it, reasoning at most what both leave, so no token is
 *       charged twice (gemini-2.5-flash-image: 1,290 tokens an image at $30 a million = $0.039, the text at $2.50).</li>
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
        long imageOut = r.outputImage == null ? 0 : Math.min(nonNeg(usage.details().imageCompletionTokens()), completion - audioOut);
        long reasoning = Math.min(nonNeg(usage.reasoningTokens()), completion - audioOut - imageOut);

        long c0 = uncached - audioIn, c3 = writes - writes1h, c5 = completion - audioOut - imageOut - reasoning;
        if (r.fixed != null) {
            // the counts as arguments, not an array a call (the array only for the exact sum, which keeps it)
            long n = r.fixed.nanos(c0, audioIn, reads, c3, writes1h, c5, reasoning, audioOut, imageOut);
            if (n >= 0) return n;
        }
        return exactNanos(r, new long[] {c0, audioIn, reads, c3, writes1h, c5, reasoning, audioOut, imageOut});
    }

    /** The same sum in BigDecimal: for rates with no short fixed-point form, and sums past a long (see {@link Fixed}). */
    private static long exactNanos(Rates r, long[] counts) {
        BigDecimal usd = BigDecimal.ZERO;
        for (int i = 0; i < counts.length; i++) usd = usd.add(times(r.rate(i), counts[i]));
        return toNanos(usd);
    }

    /**
     * The most a call can cost, in nano-dollars rounded up: promptTokens at the highest per-token input price the
     * call could be charged (the cache-write price when cacheWritesPossible and it is higher than input; the tier
     * the prompt size falls in), plus outputTokens at the highest output price (reasoning priced apart counts if
     * higher).
     *
     * <p>"Highest" also covers input/output audio and output images priced apart (the caller's token estimate cannot
     * promise there is no audio, nor that an image model draws nothing) and every tier up to the prompt's, so that the bound holds for any usage with at most
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
            if (r.outputImage != null) maxOut = maxOut.max(r.outputImage);
        }
        return toNanos(maxIn.multiply(BigDecimal.valueOf(prompt)).add(maxOut.multiply(BigDecimal.valueOf(nonNeg(outputTokens)))));
    }

    public static double usd(long nanos) { return nanos / 1e9; }

    /**
     * A provider's own bill in USD (as its JSON wrote it: {@link BigDecimal#valueOf} keeps the decimal it was read
     * from) in nano-dollars, rounded up as a priced cost is; a negative or non-finite one is 0.
     */
    public static long billedNanos(double usd) {
        if (!Double.isFinite(usd) || usd <= 0) return 0;
        return toNanos(BigDecimal.valueOf(usd));
    }

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
                         BigDecimal reasoning, BigDecimal inputAudio, BigDecimal outputAudio, BigDecimal outputImage,
                         Fixed fixed) {

        Rates(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal write5m, BigDecimal write1h,
              BigDecimal reasoning, BigDecimal inputAudio, BigDecimal outputAudio, BigDecimal outputImage) {
            this(input, output, cacheRead, write5m, write1h, reasoning, inputAudio, outputAudio, outputImage,
                    Fixed.of(input, inputAudio, cacheRead, write5m, write1h, output, reasoning, outputAudio, outputImage));
        }

        /**
         * The rate of {@code costNanos}'s i-th count (the order of {@link Fixed#units}); null for audio or images priced
         * as text.
         */
        BigDecimal rate(int i) {
            return switch (i) {
                case 0 -> input; case 1 -> inputAudio; case 2 -> cacheRead; case 3 -> write5m; case 4 -> write1h;
                case 5 -> output; case 6 -> reasoning; case 7 -> outputAudio; default -> outputImage;
            };
        }

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
                    p.outputAudioPerToken() == null ? null : scaled(p.outputAudioPerToken(), outScale),
                    p.outputImagePerToken() == null ? null : scaled(p.outputImagePerToken(), outScale));
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

    /**
     * A tier's rates as whole multiples of 10^-scale USD ({@code units}), so a call is priced with long arithmetic: the
     * same exact sum as the BigDecimal one, rounded up to nano-dollars the same way, without a dozen BigDecimal objects
     * per call. Catalog prices are short decimals (1.5E-7 is 15 × 10^-8); a rate with a long expansion (a tier-scaled
     * price divided in DECIMAL128) or a sum past a long falls back to BigDecimal.
     *
     * <p>Why it matters: BigDecimal's add/multiply/setScale inlined into the accounting path made it one of the largest
     * methods C2 compiled (34-50 kB per compilation, recompiled after every deopt), on the gateway's own core
     * (docs/architecture.md, "Performance notes").
     */
    private record Fixed(long[] units, int scale, long divisor, long multiplier) {
        /** Enough for any price a catalog writes with a double; 10^(27-9) still fits a long divisor. */
        private static final int MAX_SCALE = 27;
        private static final long MAX_UNIT = 1L << 40;

        /** The rates in costNanos' order (null: no such price, its count is 0); null when one has no short form. */
        static Fixed of(BigDecimal... rates) {
            int scale = 0;
            for (BigDecimal r : rates) {
                if (r == null) continue;
                if (r.signum() < 0) return null;
                scale = Math.max(scale, r.stripTrailingZeros().scale());
            }
            if (scale > MAX_SCALE) return null;
            long[] units = new long[rates.length];
            for (int i = 0; i < rates.length; i++) {
                if (rates[i] == null) continue;
                BigDecimal u = rates[i].movePointRight(scale); // a whole number: scale is at least the rate's own
                if (u.compareTo(BigDecimal.valueOf(MAX_UNIT)) >= 0) return null;
                units[i] = u.longValueExact();
            }
            // usd = sum / 10^scale, so nanos = sum * 10^(9 - scale): a multiplication, or a division rounded up
            return scale <= 9 ? new Fixed(units, scale, 1, pow10(9 - scale)) : new Fixed(units, scale, pow10(scale - 9), 1);
        }

        /**
         * The call's nanos from its counts in costNanos' order, or -1 when a product or the sum is past a long (the
         * caller then takes the exact sum). Counts and units are never negative, so neither is a sum that fits.
         */
        long nanos(long c0, long c1, long c2, long c3, long c4, long c5, long c6, long c7, long c8) {
            long sum = add(add(add(add(add(add(add(add(add(0, 0, c0), 1, c1), 2, c2), 3, c3), 4, c4), 5, c5), 6, c6), 7, c7), 8, c8);
            if (sum < 0) return -1;
            if (sum == 0) return 0;
            if (divisor != 1) return Math.ceilDiv(sum, divisor);
            return sum > Long.MAX_VALUE / multiplier ? Long.MAX_VALUE : sum * multiplier;
        }

        /** {@code sum} plus count c at the i-th unit; -1 when sum is -1 already or the result is past a long. */
        private long add(long sum, int i, long c) {
            if (sum < 0 || c == 0) return sum;
            long u = units[i];
            long p = Math.multiplyHigh(u, c) == 0 && u * c >= 0 ? u * c : -1; // -1: past a long
            return p < 0 || sum > Long.MAX_VALUE - p ? -1 : sum + p;
        }

        private static long pow10(int n) {
            long p = 1;
            for (int i = 0; i < n; i++) p *= 10;
            return p;
        }
    }
}
