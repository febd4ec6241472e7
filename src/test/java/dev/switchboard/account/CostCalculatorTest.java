package dev.switchboard.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Costs computed by hand from the published prices; 1 USD = 1e9 nanos. */
class CostCalculatorTest {

    private final PriceCatalog catalog = PriceCatalog.bundled();
    private final ModelPrice gpt4o = catalog.lookup("openai", "gpt-4o", null).price();
    private final ModelPrice sonnet = catalog.lookup("anthropic", "claude-sonnet-4-5", null).price();
    private final ModelPrice geminiPro = catalog.lookup("gemini", "gemini-2.5-pro", null).price();

    private static ModelPrice price(double in, double out, Double cacheRead, Double write5m, Double write1h,
                                    Double reasoning, Double inAudio, Double outAudio, List<ModelPrice.Tier> tiers) {
        return price(in, out, cacheRead, write5m, write1h, reasoning, inAudio, outAudio, null, tiers);
    }

    private static ModelPrice price(double in, double out, Double cacheRead, Double write5m, Double write1h,
                                    Double reasoning, Double inAudio, Double outAudio, Double outImage, List<ModelPrice.Tier> tiers) {
        return new ModelPrice("test", in, out, cacheRead, write5m, write1h, reasoning, inAudio, outAudio, outImage, tiers, null, null);
    }

    @Test
    void plainInputAndOutputExactly() {
        // 1,000 x $2.50/M + 500 x $10/M = $0.0025 + $0.005
        assertThat(CostCalculator.costNanos(gpt4o, new Usage(1000, 500, 0, 0, 0))).isEqualTo(7_500_000L);
        assertThat(CostCalculator.costNanos(gpt4o, new Usage(1000, 0, 0, 0, 0))).isEqualTo(2_500_000L); // not 2,500,001
        assertThat(CostCalculator.costNanos(gpt4o, Usage.ZERO)).isZero();
        assertThat(CostCalculator.usd(7_500_000L)).isEqualTo(0.0075);
    }

    @Test
    void anthropicCacheReadsAndBothWriteLifetimes() {
        // 10,000 prompt = 1,000 uncached + 6,000 read + 3,000 written (1,000 of them for 1 hour); 200 out
        // 1,000 x 3 + 6,000 x 0.30 + 2,000 x 3.75 + 1,000 x 6 + 200 x 15 = 3,000 + 1,800 + 7,500 + 6,000 + 3,000 ($/M)
        Usage u = new Usage(10_000, 200, 6_000, 3_000, 0, 1_000);
        assertThat(CostCalculator.costNanos(sonnet, u)).isEqualTo(21_300_000L);
    }

    @Test
    void openAiCachedTokensAtTheCachedPrice() {
        // 1,000 prompt of which 800 cached: 200 x 2.50 + 800 x 1.25 = 500 + 1,000 ($/M) = $0.0015
        assertThat(CostCalculator.costNanos(gpt4o, new Usage(1000, 0, 800, 0, 0))).isEqualTo(1_500_000L);
    }

    @Test
    void fallbacksWhenCachePricesAreMissing() {
        ModelPrice p = price(1e-6, 2e-6, null, null, null, null, null, null, null);
        // 200 uncached x 1 + 100 read x 1 (input) + 50 5m-writes x 1 (input) + 50 1h-writes x 2 (2x input) + 100 out x 2
        Usage u = new Usage(400, 100, 100, 100, 40, 50);
        assertThat(CostCalculator.costNanos(p, u)).isEqualTo(650_000L);
    }

    @Test
    void reasoningPricedApart() {
        ModelPrice p = price(1e-6, 4e-6, null, null, null, 8e-6, null, null, null);
        // 70 x 4 + 30 x 8 = 520 ($/M)
        assertThat(CostCalculator.costNanos(p, new Usage(0, 100, 0, 0, 30))).isEqualTo(520_000L);
        // without a reasoning price, reasoning tokens are output tokens (they are inside completion_tokens)
        assertThat(CostCalculator.costNanos(gpt4o, new Usage(0, 100, 0, 0, 30))).isEqualTo(1_000_000L);
    }

    @Test
    void audioTokensAtTheAudioPrices() {
        ModelPrice p = price(2.5e-6, 10e-6, null, null, null, null, 40e-6, 80e-6, null);
        Usage u = new Usage(1000, 500, 0, 0, 0, 0, new Usage.Details(300, 200, 0, 0, 0));
        // text in 700 x 2.5 + audio in 300 x 40 + text out 300 x 10 + audio out 200 x 80 = 1,750 + 12,000 + 3,000 + 16,000
        assertThat(CostCalculator.costNanos(p, u)).isEqualTo(32_750_000L);
        // no audio price: audio tokens are billed as the text tokens they are counted in
        assertThat(CostCalculator.costNanos(gpt4o, u)).isEqualTo(7_500_000L);
    }

    /**
     * Gemini's image models bill a generated picture's tokens at the image output rate: gemini-2.5-flash-image $30 a
     * million (1,290 tokens an image up to 1024×1024 = $0.0387, Google's "$0.039 per image"), its text at $2.50;
     * gemini-3-pro-image-preview $120 against $12. They were all billed as text, a twelfth of the image's price.
     */
    @Test
    void imageTokensAtTheImageRate() {
        ModelPrice flashImage = catalog.lookup("gemini", "gemini-2.5-flash-image", null).price();
        assertThat(flashImage.outputImagePerToken()).isEqualTo(30e-6);
        Usage oneImage = new Usage(7, 1294, 0, 0, 0, 0, new Usage.Details(0, 0, 0, 0, 1290));
        // 7 x 0.30 + 4 x 2.50 + 1,290 x 30 = 2.1 + 10 + 38,700 ($/M)
        assertThat(CostCalculator.costNanos(flashImage, oneImage)).isEqualTo(38_712_100L);
        ModelPrice proImage = catalog.lookup("gemini", "gemini-3-pro-image-preview", null).price();
        // 7 x 2 + 4 x 12 + 1,290 x 120 = 14 + 48 + 154,800 ($/M)
        assertThat(CostCalculator.costNanos(proImage, oneImage)).isEqualTo(154_862_000L);
        // gemini-3.1-flash-image-preview: a 1K image is 1,120 tokens at $60 a million, Google's "$0.067 per image"
        Usage oneImage1K = new Usage(7, 1124, 0, 0, 0, 0, new Usage.Details(0, 0, 0, 0, 1120));
        // 7 x 0.50 + 4 x 3 + 1,120 x 60 = 3.5 + 12 + 67,200 ($/M)
        assertThat(CostCalculator.costNanos(catalog.lookup("gemini", "gemini-3.1-flash-image-preview", null).price(), oneImage1K))
                .isEqualTo(67_215_500L);
        // on Vertex, the same list price
        assertThat(CostCalculator.costNanos(catalog.lookup("vertex_ai", "gemini-2.5-flash-image", null).price(), oneImage))
                .isEqualTo(38_712_100L);

        // no image rate: image tokens are billed as the output tokens they are counted in
        ModelPrice flash = catalog.lookup("gemini", "gemini-2.5-flash", null).price();
        assertThat(flash.outputImagePerToken()).isNull();
        assertThat(CostCalculator.costNanos(flash, oneImage)).isEqualTo(CostCalculator.costNanos(flash, new Usage(7, 1294, 0, 0, 0)));
        // 7 x 0.30 + 1,294 x 2.50 ($/M)
        assertThat(CostCalculator.costNanos(flash, oneImage)).isEqualTo(3_237_100L);

        // image tokens are inside completion tokens: at most the completion (a provider saying more is not believed),
        // and never the part audio priced apart has taken, nor charged again as reasoning
        ModelPrice p = price(1e-6, 2e-6, null, null, null, 5e-6, null, 10e-6, 100e-6, null);
        assertThat(CostCalculator.costNanos(p, new Usage(0, 100, 0, 0, 0, 0, new Usage.Details(0, 0, 0, 0, 5_000))))
                .as("100 image tokens, not 5,000").isEqualTo(10_000_000L);
        // 100 completion: 30 audio x 10 + 70 image x 100 (of 90 said) + 0 reasoning left (of 20) = 300 + 7,000 ($/M)
        assertThat(CostCalculator.costNanos(p, new Usage(0, 100, 0, 0, 20, 0, new Usage.Details(0, 30, 0, 0, 90))))
                .isEqualTo(7_300_000L);
        // 100 completion: 60 image x 100 + 10 reasoning x 5 + 30 text x 2 = 6,000 + 50 + 60 ($/M)
        assertThat(CostCalculator.costNanos(p, new Usage(0, 100, 0, 0, 10, 0, new Usage.Details(0, 0, 0, 0, 60))))
                .isEqualTo(6_110_000L);
        // a negative count is read as 0
        assertThat(CostCalculator.costNanos(p, new Usage(0, 100, 0, 0, 0, 0, new Usage.Details(0, 0, 0, 0, -7))))
                .isEqualTo(200_000L);
    }

    @Test
    void tierChosenByPromptSizeIncludingCachedTokens() {
        // 250,000 prompt (50,000 cached) is above 200k: 200,000 x 2.50 + 50,000 x 0.25 + 1,000 x 15 = $0.5275
        assertThat(CostCalculator.costNanos(geminiPro, new Usage(250_000, 1_000, 50_000, 0, 0))).isEqualTo(527_500_000L);
        // exactly 200,000 is not above: 200,000 x 1.25 + 1,000 x 10 = $0.26
        assertThat(CostCalculator.costNanos(geminiPro, new Usage(200_000, 1_000, 0, 0, 0))).isEqualTo(260_000_000L);
    }

    @Test
    void tierScalesPricesItDoesNotGive() {
        // Sonnet 4.5 above 200k: input 6, output 22.5; its 5m write 3.75 scales with input (x2) to 7.5, as Anthropic prices it.
        // 200,000 x 6 + 100,000 x 7.5 + 1,000 x 22.5 = 1,200,000 + 750,000 + 22,500 ($/M)
        assertThat(CostCalculator.costNanos(sonnet, new Usage(300_000, 1_000, 0, 100_000, 0))).isEqualTo(1_972_500_000L);
    }

    @Test
    void roundsUpToTheNextNanoDollar() {
        ModelPrice p = price(1.234e-7, 0, null, null, null, null, null, null, null);
        assertThat(CostCalculator.costNanos(p, new Usage(1, 0, 0, 0, 0))).isEqualTo(124L); // 123.4 nanos
        ModelPrice tiny = price(1e-10, 0, null, null, null, null, null, null, null);
        assertThat(CostCalculator.costNanos(tiny, new Usage(1, 0, 0, 0, 0))).isEqualTo(1L); // 0.1 nanos
    }

    /**
     * The long arithmetic of the usual path against the plain BigDecimal sum (input, cache reads and writes, output and
     * reasoning at their decimal prices, rounded up once), for random catalog-like prices and counts up to the int range,
     * where the sum passes a long and the BigDecimal fallback takes over.
     */
    @Test
    void fixedPointSumIsTheExactDecimalSum() {
        Random rnd = new Random(15);
        double[] prices = {1.5e-7, 6e-7, 2.5e-6, 1e-5, 7.5e-5, 1.234e-7, 3.7e-9, 1e-10, 0.0, 1.25e-6, 3e-3, 0.5};
        for (int i = 0; i < 20_000; i++) {
            double in = prices[rnd.nextInt(prices.length)], out = prices[rnd.nextInt(prices.length)];
            double read = prices[rnd.nextInt(prices.length)], write = prices[rnd.nextInt(prices.length)];
            double reasoning = prices[rnd.nextInt(prices.length)];
            ModelPrice p = price(in, out, read, write, null, reasoning, null, null, null);
            int bound = i % 4 == 0 ? Integer.MAX_VALUE : 100_000;
            int prompt = rnd.nextInt(bound), completion = rnd.nextInt(bound);
            int reads = rnd.nextInt(prompt / 2 + 1), writes = rnd.nextInt(prompt / 2 + 1), reasoned = rnd.nextInt(completion + 1);
            java.math.BigDecimal usd = dec(in).multiply(dec(prompt - reads - writes)).add(dec(read).multiply(dec(reads)))
                    .add(dec(write).multiply(dec(writes))).add(dec(out).multiply(dec(completion - reasoned)))
                    .add(dec(reasoning).multiply(dec(reasoned)));
            java.math.BigDecimal nanos = usd.movePointRight(9).setScale(0, java.math.RoundingMode.CEILING);
            long expected = nanos.compareTo(dec(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE : nanos.longValue();
            assertThat(CostCalculator.costNanos(p, new Usage(prompt, completion, reads, writes, reasoned)))
                    .as("in %s out %s read %s write %s reasoning %s, usage %d/%d/%d/%d/%d", in, out, read, write, reasoning,
                            prompt, completion, reads, writes, reasoned)
                    .isEqualTo(expected);
        }
    }

    private static java.math.BigDecimal dec(double d) { return java.math.BigDecimal.valueOf(d); }

    private static java.math.BigDecimal dec(long n) { return java.math.BigDecimal.valueOf(n); }

    @Test
    void neverNegativeForInconsistentUsage() {
        assertThat(CostCalculator.costNanos(sonnet, new Usage(-5, -3, 10, 10, 50, 99))).isGreaterThanOrEqualTo(0);
        assertThat(CostCalculator.costNanos(sonnet, new Usage(10, 5, 100, 0, 50))).isGreaterThanOrEqualTo(0);
        assertThat(CostCalculator.worstCaseNanos(sonnet, -1, -1, true)).isZero();
    }

    @Test
    void worstCaseHandComputed() {
        assertThat(CostCalculator.worstCaseNanos(gpt4o, 1000, 500, false)).isEqualTo(7_500_000L);
        // cache writes possible: the 1-hour write price $6/M is the highest input-side price
        assertThat(CostCalculator.worstCaseNanos(sonnet, 1000, 500, true)).isEqualTo(13_500_000L);
        assertThat(CostCalculator.worstCaseNanos(sonnet, 1000, 500, false)).isEqualTo(10_500_000L);
        // above 200k: 250,000 x 2.50 + 1,000 x 15
        assertThat(CostCalculator.worstCaseNanos(geminiPro, 250_000, 1_000, false)).isEqualTo(640_000_000L);
        // reasoning priced above output counts: 100 x 8
        ModelPrice r = price(1e-6, 4e-6, null, null, null, 8e-6, null, null, null);
        assertThat(CostCalculator.worstCaseNanos(r, 0, 100, false)).isEqualTo(800_000L);
        // an image model may answer with a picture: its output is reserved at the image rate, 100 x 30 + 1,000 x 0.30
        ModelPrice flashImage = catalog.lookup("gemini", "gemini-2.5-flash-image", null).price();
        assertThat(CostCalculator.worstCaseNanos(flashImage, 1000, 100, false)).isEqualTo(3_300_000L);
    }

    @Test
    void worstCaseBoundsEveryUsageWithinTheLimits() {
        Random rnd = new Random(42);
        List<ModelPrice> prices = new ArrayList<>(List.of(gpt4o, sonnet, geminiPro,
                catalog.lookup("gemini", "gemini-2.5-flash", null).price(),
                catalog.lookup("gemini", "gemini-2.5-flash-image", null).price(),
                catalog.lookup("gemini", "gemini-3-pro-image-preview", null).price(),
                catalog.lookup("openrouter", "anthropic/claude-sonnet-4.5", null).price()));
        for (int i = 0; i < 20; i++) prices.add(randomPrice(rnd));
        for (int i = 0; i < 20_000; i++) {
            ModelPrice p = prices.get(rnd.nextInt(prices.size()));
            int promptLimit = rnd.nextInt(400_000), outputLimit = rnd.nextInt(70_000);
            boolean writes = rnd.nextBoolean();
            long worst = CostCalculator.worstCaseNanos(p, promptLimit, outputLimit, writes);
            Usage u = randomUsage(rnd, promptLimit, outputLimit, writes);
            assertThat(CostCalculator.costNanos(p, u)).as("%s %s", p, u).isLessThanOrEqualTo(worst);
        }
    }

    private static Usage randomUsage(Random rnd, int promptLimit, int outputLimit, boolean writes) {
        int prompt = rnd.nextInt(promptLimit + 1);
        int read = rnd.nextInt(prompt + 1);
        int write = writes ? rnd.nextInt(prompt - read + 1) : 0;
        int write1h = rnd.nextInt(write + 1);
        int completion = rnd.nextInt(outputLimit + 1);
        int reasoning = rnd.nextInt(completion + 1);
        var details = new Usage.Details(rnd.nextInt(prompt - read - write + 1), rnd.nextInt(completion + 1), 0, 0,
                rnd.nextInt(completion + 1));
        return new Usage(prompt, completion, read, write, reasoning, write1h, details);
    }

    private static ModelPrice randomPrice(Random rnd) {
        double in = rnd.nextInt(2000) / 1e8, out = rnd.nextInt(8000) / 1e8;
        List<ModelPrice.Tier> tiers = rnd.nextBoolean() ? List.of()
                : List.of(new ModelPrice.Tier(128_001, in * 2, out * 1.5, rnd.nextBoolean() ? null : in / 5),
                          new ModelPrice.Tier(200_001, in * 3, out * 2, null));
        return price(in, out, maybe(rnd, in / 10), maybe(rnd, in * 1.25), maybe(rnd, in * 2), maybe(rnd, out * 1.5),
                maybe(rnd, in * 8), maybe(rnd, out * 4), maybe(rnd, out * 12), tiers);
    }

    private static Double maybe(Random rnd, double v) { return rnd.nextBoolean() ? v : null; }

    /** A provider's own bill (OpenRouter, Perplexity) is kept to the nano-dollar as written, rounded up past it. */
    @Test
    void aProvidersBillIsItsDecimalInNanos() {
        assertThat(CostCalculator.billedNanos(0.00503)).isEqualTo(5_030_000L);
        assertThat(CostCalculator.billedNanos(0.0042)).isEqualTo(4_200_000L);
        assertThat(CostCalculator.billedNanos(1.5e-10)).isEqualTo(1L);
        assertThat(CostCalculator.billedNanos(0)).isZero();
        assertThat(CostCalculator.billedNanos(-1)).isZero();
        assertThat(CostCalculator.billedNanos(Double.NaN)).isZero();
    }
}
