package dev.switchboard.account;

import java.io.InputStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * List prices of the models our providers serve, from the bundled {@code prices/catalog.json} (see
 * {@code scripts/refresh-prices} and docs/prices.md), with a deployment's {@code model_info} on top.
 *
 * <p>Matching follows the upstream catalog (@pydantic/genai-prices): the provider prefix picks the catalog
 * provider ({@code gemini} is Google's, {@code together_ai} Together's), the model id is lower-cased, and the
 * first model whose rule matches wins; a dated id that matches nothing is tried again with its date written
 * with dashes ({@code -20250929} as {@code -2025-09-29}), as upstream does.
 *
 * <p>Provider-dependent defaults are resolved here so that {@link CostCalculator} stays provider-agnostic:
 * Anthropic models (provider {@code anthropic}, or OpenRouter ids {@code anthropic/…}) whose price lacks cache
 * prices get Anthropic's published multipliers of the input price: reads 0.1×, 5-minute writes 1.25×, 1-hour
 * writes 2×.
 */
public final class PriceCatalog {

    /** Prefixes of models we host ourselves: no list price exists, only one that model_info gives. */
    /** Google Cloud's Vertex AI, priced from the Anthropic and Gemini lists (see {@link #find}). */
    private static final String VERTEX = "vertex_ai";
    /** Azure OpenAI, whose model name is its user's deployment name; priced by it when it names a model (see {@link #lookup}). */
    private static final String AZURE = "azure";
    private static final String O_SERIES = "o_series/";
    private static final Set<String> SELF_HOSTED = Set.of("ollama", "ollama_chat", "hosted_vllm", "openai_compatible", "lm_studio",
            "xinference", "mock");
    private static final Pattern COMPACT_DATE =
            Pattern.compile("-(20\\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\\d|3[01])(?=-|:|$)");

    private final String source;
    private final Map<String, List<CatalogReader.Entry>> providers;
    /** Resolved (provider, model) pairs: a miss scans up to ~700 regexes (OpenRouter), a hit is one map read. */
    private final Map<String, Optional<CatalogReader.Entry>> resolved = new ConcurrentHashMap<>();

    private PriceCatalog(CatalogReader.Catalog catalog) {
        this.source = catalog.source();
        this.providers = catalog.providers();
    }

    /** The catalog bundled in the jar, parsed once (about 1,000 models, a few milliseconds). */
    public static PriceCatalog bundled() { return Bundled.CATALOG; }

    /** A catalog in the bundled file's format (tests, or a catalog a deployment ships itself). */
    static PriceCatalog read(InputStream json) { return new PriceCatalog(CatalogReader.read(json)); }

    private static final class Bundled {
        static final PriceCatalog CATALOG = load();

        private static PriceCatalog load() {
            InputStream in = PriceCatalog.class.getResourceAsStream("/prices/catalog.json");
            if (in == null) throw new IllegalStateException("prices/catalog.json is missing from the classpath");
            return read(in);
        }
    }

    /**
     * The catalog's ids for a provider prefix that are model names a request may use, in catalog order; empty for a
     * provider it has none of. The catalog's ids name price entries, and some entries are match patterns rather than
     * models: a prefix ({@code ft:gpt-3.5-turbo-}, {@code gpt-4o-mini-2024-07-18.ft-}), a family label its own rule does
     * not match ({@code ft:gpt-4o} for {@code ^ft:gpt-4o-2024-}, Fireworks' {@code accounts/fireworks/models/…} ids under a
     * short name, Bedrock's {@code regional.…} label of the us./eu. inference profiles), or OpenRouter's {@code :free} / {@code :extended} variants filed under the provider whose own API has no
     * such name ({@code gpt-4o:extended} under openai). Those are left out: {@code /v1/models} would offer a client a name
     * no upstream serves.
     */
    public List<String> modelNames(String provider) {
        List<CatalogReader.Entry> entries = providers.get(provider);
        if (entries == null) return List.of();
        return entries.stream().filter(e -> isModelName(provider, e)).map(CatalogReader.Entry::id).toList();
    }

    private static final Pattern VARIANT = Pattern.compile(":[a-z]+$");

    private static boolean isModelName(String provider, CatalogReader.Entry e) {
        String id = e.id();
        if (id.isEmpty() || "-.:_/".indexOf(id.charAt(id.length() - 1)) >= 0) return false; // a prefix
        if (id.startsWith("ft:")) return false; // fine-tuned models are named per account (ft:gpt-4o-…:org::id)
        if (id.startsWith("regional.")) return false; // the catalog's label for Bedrock's us./eu./apac. profiles of a model
        if (!e.match().matcher(id.toLowerCase(Locale.ROOT)).find()) return false; // a label, not a name the rule prices
        return provider.equals("openrouter") || !VARIANT.matcher(id).find(); // :free, :extended are OpenRouter's
    }

    /** Where the prices come from, e.g. "@pydantic/genai-prices 0.1.8 (MIT), refreshed 2026-11-30". */
    public String source() { return source; }

    /**
     * provider = our prefix ("openai", "anthropic", "gemini", ...), model = the part after it.
     * modelInfo = the deployment's LiteLLM {@code model_info} map (plain Java values: Double/Long/String), whose
     * keys override the catalog per deployment: input_cost_per_token, output_cost_per_token,
     * cache_read_input_token_cost, cache_creation_input_token_cost, cache_creation_input_token_cost_above_1hr,
     * output_cost_per_reasoning_token, input_cost_per_audio_token, output_cost_per_audio_token, output_cost_per_image_token,
     * {input_cost_per_token,output_cost_per_token,cache_read_input_token_cost}_above_Nk_tokens (tiers),
     * max_output_tokens (or max_tokens), max_input_tokens (the context window). A model_info with input and output
     * cost makes an otherwise unpriced (e.g. ollama/mock) model priced, source "model_info"; partial overrides apply
     * on top of the catalog.
     *
     * @throws IllegalArgumentException when a model_info price or limit is not a valid number
     */
    public PriceLookup lookup(String provider, String model, Map<String, Object> modelInfo) {
        Key k = key(provider, model, modelInfo);
        String prov = k.provider(), id = k.id();
        boolean azureByName = k.azureByName();
        ModelInfoPrices info = ModelInfoPrices.of(modelInfo);
        CatalogReader.Entry entry = entry(k);
        ModelPrice price;
        if (entry != null) {
            price = info.touchesPrice() ? info.applyTo(entry.price(), entry.price().source() + " + model_info") : entry.price();
        } else if (info.hasInputAndOutput()) {
            price = info.applyTo(null, "model_info");
        } else {
            return PriceLookup.unpriced(azureByName && info.input() == null && info.output() == null
                    ? "azure/" + id + " names an Azure deployment, and the price catalog has no model of that name; set "
                    + "model_info.base_model to the model it runs (e.g. base_model: azure/gpt-4o), or model_info "
                    + "input_cost_per_token and output_cost_per_token (USD per token), to price it"
                    : unpricedReason(prov, id, info));
        }
        return PriceLookup.priced(isAnthropic(prov, id) ? anthropicDefaults(price) : price);
    }

    /** The catalog's provider and model id a deployment is priced by; {@code azureByName}: an Azure name with no base_model. */
    private record Key(String provider, String id, boolean azureByName) {}

    private Key key(String provider, String model, Map<String, Object> modelInfo) {
        String prov = provider == null ? "" : provider.trim().toLowerCase(Locale.ROOT);
        String id = model == null ? "" : model.trim().toLowerCase(Locale.ROOT);
        boolean azureByName = false;
        // LiteLLM's model_info.base_model: a deployment named by its user (azure/my-gpt4o) priced as the model it runs
        // (azure/gpt-4o, or gpt-4o); an Azure deployment of an OpenAI model costs what OpenAI lists when the catalog has
        // no Azure row for it
        if (modelInfo != null && modelInfo.get("base_model") instanceof String base && !base.isBlank()) {
            String b = base.trim().toLowerCase(Locale.ROOT);
            int slash = b.indexOf('/');
            if (slash > 0) {
                prov = b.substring(0, slash);
                id = b.substring(slash + 1);
            } else {
                id = b;
            }
            if (!providers.containsKey(prov) && (prov.equals("azure") || prov.equals("azure_ai"))) prov = "openai";
        } else if (prov.equals(AZURE)) {
            // no base_model: as LiteLLM, an Azure deployment named as the model it runs (azure/gpt-4o) is priced by that
            // name, in an Azure catalog when there is one, else at OpenAI's list price (what the catalog has for Azure's
            // OpenAI models, as with base_model above); LiteLLM's o_series/ marker is no part of the name
            if (id.startsWith(O_SERIES)) id = id.substring(O_SERIES.length());
            if (!providers.containsKey(prov)) prov = "openai";
            azureByName = true;
        }
        return new Key(prov, id, azureByName);
    }

    private CatalogReader.Entry entry(Key k) {
        if (resolved.size() > 10_000) resolved.clear(); // ids come from the config; this only bounds a misuse
        return resolved.computeIfAbsent(k.provider() + "/" + k.id(), x -> Optional.ofNullable(find(k.provider(), k.id()))).orElse(null);
    }

    /** Catalog ids of models that are neither chat nor embedding models (speech, transcription, images, moderation, rerank). */
    private static final Pattern OTHER_KIND = Pattern.compile("tts|transcribe|whisper|moderation|rerank|gpt-image|dall-e|imagen|sora|veo");

    /**
     * The mode of a deployment's model, in LiteLLM's words ({@code chat}, {@code embedding}, {@code completion},
     * {@code image_generation}, {@code audio_transcription}, {@code rerank}, {@code responses} …): its
     * {@code model_info.mode} when set, else what the catalog says of the model it is priced by; null when unknown.
     * The catalog (genai-prices) has no mode field: see {@link #modeOf}.
     */
    public String mode(String provider, String model, Map<String, Object> modelInfo) {
        if (modelInfo != null && modelInfo.get("mode") instanceof String m && !m.isBlank()) return m.trim().toLowerCase(Locale.ROOT);
        CatalogReader.Entry e = entry(key(provider, model, modelInfo));
        return e == null ? null : modeOf(e);
    }

    /**
     * A catalog model's mode from its id alone: {@code embedding} when it says "embed", {@code chat} otherwise, except
     * models whose id names another kind (speech, transcription, images, moderation, rerank): unknown, never guessed as
     * chat. Until review (2026-12-07) a model billed for input alone (output 0 beside an input price) was an embedding
     * model too: it matched no model "embed" did not, and would have judged an input-only-priced chat model an embedding
     * one at a catalog refresh. PriceCatalogTest walks every bundled entry, so a refresh that changes the set fails.
     */
    static String modeOf(CatalogReader.Entry e) {
        String id = e.id().toLowerCase(Locale.ROOT);
        if (id.contains("embed")) return "embedding";
        if (OTHER_KIND.matcher(id).find()) return null;
        return "chat";
    }

    /** Every bundled entry, by provider: for the test that walks them. */
    Map<String, List<CatalogReader.Entry>> entries() { return providers; }

    private CatalogReader.Entry find(String provider, String id) {
        if (provider.equals(VERTEX)) {
            // Vertex AI lists Claude and Gemini at the first-party prices (LiteLLM prices vertex_ai/ models the same);
            // Claude's ids carry their date after an @ (claude-sonnet-4-5@20250929)
            return id.startsWith("claude") ? find("anthropic", id.replace('@', '-')) : find("gemini", id);
        }
        List<CatalogReader.Entry> entries = providers.get(provider);
        if (entries == null || id.isEmpty()) return null;
        CatalogReader.Entry hit = first(entries, id);
        if (hit != null) return hit;
        String dashed = COMPACT_DATE.matcher(id).replaceAll("-$1-$2-$3");
        return dashed.equals(id) ? null : first(entries, dashed);
    }

    private static CatalogReader.Entry first(List<CatalogReader.Entry> entries, String id) {
        for (CatalogReader.Entry e : entries) {
            Matcher m = e.match().matcher(id);
            if (m.find()) return e;
        }
        return null;
    }

    private String unpricedReason(String provider, String id, ModelInfoPrices info) {
        String fix = "set model_info input_cost_per_token and output_cost_per_token (USD per token) to price it";
        if (info.input() != null || info.output() != null) {
            return "model_info gives only " + (info.input() != null ? "input_cost_per_token" : "output_cost_per_token")
                    + " and " + provider + "/" + id + " has no catalog price to complete it; " + fix;
        }
        if (SELF_HOSTED.contains(provider)) return provider + " models run on your own servers and have no list price; " + fix;
        if (!providers.containsKey(provider) && !provider.equals(VERTEX)) return "no price catalog for provider '" + provider + "'; " + fix;
        return provider + "/" + id + " is not in the price catalog (" + source + "); " + fix;
    }

    private static boolean isAnthropic(String provider, String id) {
        // Claude on Bedrock too (anthropic.claude-…, us.anthropic.claude-…): its catalog rows have no one-hour write price, which
        // the cost calculator charges at twice the input all the same, so /model/info names the rate actually charged
        return provider.equals("anthropic") || provider.equals(VERTEX) && id.startsWith("claude") || provider.equals("openrouter") && id.startsWith("anthropic/")
                || provider.equals("bedrock") && (id.startsWith("anthropic.claude") || id.contains(".anthropic.claude"));
    }

    /** Anthropic's cache multipliers of the input price, for prices that do not give cache prices themselves. */
    private static ModelPrice anthropicDefaults(ModelPrice p) {
        if (p.cacheReadPerToken() != null && p.cacheWrite5mPerToken() != null && p.cacheWrite1hPerToken() != null) return p;
        double in = p.inputPerToken();
        return new ModelPrice(p.source(), in, p.outputPerToken(),
                p.cacheReadPerToken() != null ? p.cacheReadPerToken() : times(in, "0.1"),
                p.cacheWrite5mPerToken() != null ? p.cacheWrite5mPerToken() : times(in, "1.25"),
                p.cacheWrite1hPerToken() != null ? p.cacheWrite1hPerToken() : times(in, "2"),
                p.reasoningPerToken(), p.inputAudioPerToken(), p.outputAudioPerToken(), p.outputImagePerToken(), p.tiers(),
                p.maxOutputTokens(), p.contextWindow());
    }

    /** Decimal multiplication, so 1.25 × 3e-6 is the double nearest 3.75e-6 and not one ulp off. */
    private static double times(double price, String factor) {
        return BigDecimal.valueOf(price).multiply(new BigDecimal(factor)).doubleValue();
    }
}
