package dev.switchboard.account;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deployment's LiteLLM {@code model_info} prices, in LiteLLM's key names and units (USD per token). Each key
 * given replaces the catalog's value for that deployment; keys not given keep it.
 *
 * <p>Tiers: LiteLLM writes long-context prices as {@code input_cost_per_token_above_200k_tokens} (also
 * {@code output_…} and {@code cache_read_input_token_cost_…}, any {@code Nk}); they replace the catalog's tiers.
 * An input or output override without such keys drops the catalog's tiers: a negotiated flat price must not
 * jump back to list prices above 200k tokens.
 */
final class ModelInfoPrices {

    private static final Pattern TIER_KEY = Pattern.compile(
            "(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost)_above_(\\d+)k_tokens");

    private final Map<String, Object> info;
    private final TreeMap<Integer, Double[]> tiers = new TreeMap<>(); // threshold -> {input, output, cacheRead}

    private ModelInfoPrices(Map<String, Object> info) {
        this.info = info == null ? Map.of() : info;
        for (Map.Entry<String, Object> e : this.info.entrySet()) {
            Matcher m = TIER_KEY.matcher(e.getKey());
            if (!m.matches()) continue;
            int above = Math.multiplyExact(Integer.parseInt(m.group(2)), 1000);
            int slot = switch (m.group(1)) { case "input_cost_per_token" -> 0; case "output_cost_per_token" -> 1; default -> 2; };
            tiers.computeIfAbsent(above, k -> new Double[3])[slot] = price(e.getKey());
        }
    }

    static ModelInfoPrices of(Map<String, Object> info) { return new ModelInfoPrices(info); }

    Double input() { return price("input_cost_per_token"); }

    Double output() { return price("output_cost_per_token"); }

    boolean hasInputAndOutput() { return input() != null && output() != null; }

    /** Whether model_info says anything about price or limits (other model_info keys are not ours). */
    boolean touchesPrice() {
        for (String k : info.keySet()) {
            if (k.contains("cost") || k.startsWith("max_") && k.endsWith("tokens")) return true;
        }
        return false;
    }

    /** {@code base} with this model_info's keys applied, or a price from model_info alone when base is null. */
    ModelPrice applyTo(ModelPrice base, String source) {
        Double in = input(), out = output();
        if (base == null && (in == null || out == null)) throw new IllegalStateException("no base price to apply model_info to");
        boolean flatOverride = in != null || out != null;
        double input = in != null ? in : base.inputPerToken();
        double output = out != null ? out : base.outputPerToken();
        List<ModelPrice.Tier> tierList;
        if (!tiers.isEmpty()) tierList = tiers(input, output);
        else if (flatOverride || base == null) tierList = List.of();
        else tierList = base.tiers();
        Integer maxOut = firstInt("max_output_tokens", "max_tokens");
        Integer window = firstInt("max_input_tokens");
        return new ModelPrice(source, input, output,
                or(price("cache_read_input_token_cost"), base == null ? null : base.cacheReadPerToken()),
                or(price("cache_creation_input_token_cost"), base == null ? null : base.cacheWrite5mPerToken()),
                or(price("cache_creation_input_token_cost_above_1hr"), base == null ? null : base.cacheWrite1hPerToken()),
                or(price("output_cost_per_reasoning_token"), base == null ? null : base.reasoningPerToken()),
                or(price("input_cost_per_audio_token"), base == null ? null : base.inputAudioPerToken()),
                or(price("output_cost_per_audio_token"), base == null ? null : base.outputAudioPerToken()),
                or(price("output_cost_per_image_token"), base == null ? null : base.outputImagePerToken()),
                tierList,
                maxOut != null ? maxOut : base == null ? null : base.maxOutputTokens(),
                window != null ? window : base == null ? null : base.contextWindow());
    }

    private List<ModelPrice.Tier> tiers(double input, double output) {
        List<ModelPrice.Tier> list = new ArrayList<>();
        // LiteLLM's "above_200k" means more than 200,000 prompt tokens, so the tier starts at 200,001.
        tiers.forEach((above, p) -> list.add(new ModelPrice.Tier(above + 1, p[0] != null ? p[0] : input,
                p[1] != null ? p[1] : output, p[2])));
        return list;
    }

    private static Double or(Double a, Double b) { return a != null ? a : b; }

    /** A price value: a number or a numeric string (YAML may quote it); anything else is a config error. */
    private Double price(String key) {
        Object v = info.get(key);
        if (v == null) return null;
        double d;
        try {
            d = v instanceof BigDecimal b ? b.doubleValue()
                    : v instanceof Number n ? n.doubleValue()
                    : new BigDecimal(v.toString().trim()).doubleValue();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model_info." + key + " must be a number (USD per token), got '" + v + "'");
        }
        if (!Double.isFinite(d) || d < 0) {
            throw new IllegalArgumentException("model_info." + key + " must be a number >= 0 (USD per token), got " + v);
        }
        return d;
    }

    private Integer firstInt(String... keys) {
        for (String key : keys) {
            Object v = info.get(key);
            if (v == null) continue;
            try {
                long n = v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue()) ? num.longValue()
                        : Long.parseLong(v.toString().trim());
                if (n > 0 && n <= Integer.MAX_VALUE) return (int) n;
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("model_info." + key + " must be a whole number of tokens > 0, got '" + v + "'");
        }
        return null;
    }
}
