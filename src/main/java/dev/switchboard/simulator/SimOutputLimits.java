package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The most a simulated model writes in one answer when the request names no smaller limit: the model's maximum output
 * ({@code max_output_tokens}) in the price catalog the gateway ships ({@code prices/catalog.json}), else
 * {@link #UNKNOWN_MODEL}. A real provider stops there with its "length" stop reason; without this the simulator echoed
 * an 8 MB prompt back whole (about 2 M tokens from gpt-4o-mini, whose limit is 16,384), and a budget's worst case, which
 * is reserved from the same limit, looked overrun (QA hardening finding F2).
 *
 * <p>The catalog is read as a resource here, not through {@code dev.switchboard.account.PriceCatalog}: the simulator
 * stands alone (DESIGN.md's dependency rule; ArchitectureTest), and the file is data, the same bytes the gateway reads.
 * A model id is looked up as the gateway's catalog looks it up (each entry's {@code match} regex found in the lower-cased
 * id), in the families OpenAI, Anthropic, Gemini, Bedrock first (the wire formats the simulator speaks), then the rest
 * in file order. The first entry that matches decides, as in the gateway; one without a maximum output gives
 * {@link #UNKNOWN_MODEL}.
 */
final class SimOutputLimits {
    /**
     * The cap for a model the catalog does not know or gives no maximum output for: the figure the gateway's budget
     * reserves for such a model (pipeline.DeploymentPrices.UNKNOWN_OUTPUT_LIMIT), so the simulator never writes more
     * than a reservation made for it.
     */
    static final int UNKNOWN_MODEL = 32_768;

    private static final List<String> FIRST = List.of("openai", "anthropic", "gemini", "bedrock");
    /** Model ids are few in any run; the bound only keeps a run that invents ids per request from growing it forever. */
    private static final int MEMO_LIMIT = 10_000;
    private static final Map<String, Integer> MEMO = new ConcurrentHashMap<>();

    private record Entry(Pattern match, int maxOutput) {}

    /** Read on first use (about 200 KB of JSON), once per process. */
    private static final class Catalog {
        static final List<Entry> ENTRIES = read();

        private static List<Entry> read() {
            JsonObject root;
            try (InputStream in = SimOutputLimits.class.getResourceAsStream("/prices/catalog.json")) {
                if (in == null) return List.of(); // a build without the catalog: every model gets the default
                root = new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the price catalog", e);
            }
            JsonObject providers = root.getJsonObject("providers", new JsonObject());
            List<String> order = new ArrayList<>(FIRST);
            for (String p : providers.fieldNames()) if (!order.contains(p)) order.add(p);
            List<Entry> out = new ArrayList<>();
            for (String p : order) {
                JsonObject provider = providers.getJsonObject(p);
                if (provider == null) continue;
                for (Object o : provider.getJsonArray("models", new JsonArray())) {
                    JsonObject m = (JsonObject) o;
                    Object max = m.getValue("max_output_tokens");
                    out.add(new Entry(Pattern.compile(m.getString("match")), max instanceof Number n && n.intValue() > 0 ? n.intValue() : 0));
                }
            }
            return List.copyOf(out);
        }
    }

    private SimOutputLimits() {}

    /** The model's maximum output in tokens: the catalog's, else {@link #UNKNOWN_MODEL}. */
    static int of(String model) {
        if (model == null || model.isEmpty()) return UNKNOWN_MODEL;
        Integer known = MEMO.get(model);
        if (known != null) return known;
        int limit = lookUp(model.toLowerCase(Locale.ROOT));
        if (MEMO.size() < MEMO_LIMIT) MEMO.put(model, limit);
        return limit;
    }

    private static int lookUp(String id) {
        for (Entry e : Catalog.ENTRIES) {
            if (e.match().matcher(id).find()) return e.maxOutput() > 0 ? e.maxOutput() : UNKNOWN_MODEL;
        }
        return UNKNOWN_MODEL;
    }
}
