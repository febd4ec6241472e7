package dev.switchboard.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code prices/catalog.json} (written by {@code scripts/refresh-prices}): USD per million tokens in the
 * file, USD per token in {@link ModelPrice}. Each model's {@code match} is a regex found in the lower-cased
 * model id; a provider's models are tried in file order, which is the upstream catalog's order.
 */
final class CatalogReader {

    /** One catalog model: its upstream id, when it applies, and its list price. */
    record Entry(String id, Pattern match, ModelPrice price) {}

    /** The whole catalog: where it came from and each of our provider prefixes' models. */
    record Catalog(String source, Map<String, List<Entry>> providers) {}

    private CatalogReader() {}

    static Catalog read(InputStream in) {
        JsonNode root;
        try (in) {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the price catalog", e);
        }
        JsonNode src = root.path("source");
        String source = src.path("package").asText() + " " + src.path("version").asText() + " ("
                + src.path("license").asText() + "), refreshed " + src.path("refreshed").asText();
        Map<String, List<Entry>> providers = new LinkedHashMap<>();
        root.path("providers").properties().forEach(p -> {
            List<Entry> entries = new ArrayList<>();
            for (JsonNode m : p.getValue().path("models")) entries.add(entry(p.getKey(), m));
            providers.put(p.getKey(), List.copyOf(entries));
        });
        return new Catalog(source, Map.copyOf(providers));
    }

    private static Entry entry(String provider, JsonNode m) {
        String id = m.path("id").asText();
        List<ModelPrice.Tier> tiers = new ArrayList<>();
        for (JsonNode t : m.path("tiers")) {
            tiers.add(new ModelPrice.Tier(t.path("min_prompt_tokens").asInt(), perToken(t, "input_mtok"),
                    perToken(t, "output_mtok"), optPerToken(t, "cache_read_mtok")));
        }
        ModelPrice price = new ModelPrice("catalog " + provider + "/" + id, perToken(m, "input_mtok"),
                perToken(m, "output_mtok"), optPerToken(m, "cache_read_mtok"), optPerToken(m, "cache_write_mtok"),
                optPerToken(m, "cache_write_1h_mtok"), optPerToken(m, "output_reasoning_mtok"),
                optPerToken(m, "input_audio_mtok"), optPerToken(m, "output_audio_mtok"),
                optPerToken(m, "output_image_mtok"), tiers,
                optInt(m, "max_output_tokens"), optInt(m, "context_window"));
        return new Entry(id, Pattern.compile(m.path("match").asText()), price);
    }

    private static double perToken(JsonNode node, String field) {
        Double d = optPerToken(node, field);
        if (d == null) throw new IllegalStateException("price catalog: " + field + " missing in " + node);
        return d;
    }

    /**
     * Per million to per token through BigDecimal, so "2.5" becomes the double nearest 2.5e-6 (the one the
     * literal {@code 2.5e-6} gives) and not 2.5 / 1e6 with its own rounding.
     */
    private static Double optPerToken(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        return perMillionToPerToken(v.decimalValue());
    }

    static double perMillionToPerToken(BigDecimal perMillion) {
        return perMillion.movePointLeft(6).doubleValue();
    }

    private static Integer optInt(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.canConvertToInt() ? null : v.intValue();
    }
}
