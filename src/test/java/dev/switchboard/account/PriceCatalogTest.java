package dev.switchboard.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real lookups in the bundled catalog; expected numbers are the providers' published prices (USD per million). */
class PriceCatalogTest {

    private static final double M = 1e-6; // per million -> per token; literals like 2.5 * M are compared with a tolerance
    private final PriceCatalog catalog = PriceCatalog.bundled();

    private ModelPrice priced(String provider, String model) {
        PriceLookup l = catalog.lookup(provider, model, null);
        assertThat(l.priced()).as("%s/%s: %s", provider, model, l.unpricedReason()).isTrue();
        return l.price();
    }

    private static void assertPerMillion(Double perToken, double perMillion) {
        assertThat(perToken).isNotNull();
        assertThat(perToken / M).isCloseTo(perMillion, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void sourceNamesPackageVersionLicenseAndDate() {
        assertThat(catalog.source()).matches("@pydantic/genai-prices \\d+\\.\\d+\\.\\d+ \\(MIT\\), refreshed \\d{4}-\\d{2}-\\d{2}");
        assertThat(PriceCatalog.bundled()).isSameAs(catalog);
    }

    /** QA docs LOW-4: a provider wildcard's /v1/models offered the catalog's match patterns as if they were models. */
    @Test
    void modelNamesLeaveOutPatternsLabelsAndOtherProvidersVariants() {
        assertThat(catalog.modelNames("openai")).contains("gpt-4o", "gpt-4o-mini", "gpt-4.1")
                .doesNotContain("ft:gpt-3.5-turbo-", "gpt-4o-mini-2024-07-18.ft-", "gpt-4o:extended", "ft:gpt-4o", "ft:gpt-4o-mini")
                .allSatisfy(id -> assertThat(id).doesNotEndWith("-").doesNotEndWith("."));
        // a Bedrock id's :0 is part of the name; the catalog's regional.* rows are labels of the us./eu. profiles
        assertThat(catalog.modelNames("bedrock")).contains("amazon.nova-lite-v1:0")
                .noneMatch(id -> id.startsWith("regional."));
        // OpenRouter's own variants are its model names
        assertThat(catalog.modelNames("openrouter")).contains("openai/gpt-oss-20b:free");
        // Fireworks' catalog ids are short labels of accounts/fireworks/models/... names: none is listed as a model
        assertThat(catalog.modelNames("fireworks_ai")).doesNotContain("deepseek-r1-0528", "kimi-k3");
        assertThat(catalog.modelNames("nosuch")).isEmpty();
    }

    @Test
    void openAiModelsAndDatedVariants() {
        for (String id : new String[] {"gpt-4o", "gpt-4o-2024-08-06", "GPT-4o"}) {
            ModelPrice p = priced("openai", id);
            assertPerMillion(p.inputPerToken(), 2.50);
            assertPerMillion(p.outputPerToken(), 10.00);
            assertPerMillion(p.cacheReadPerToken(), 1.25);
            assertThat(p.contextWindow()).isEqualTo(128_000);
            assertThat(p.maxOutputTokens()).isEqualTo(16_384);
            assertThat(p.source()).isEqualTo("catalog openai/gpt-4o");
        }
        ModelPrice mini = priced("openai", "gpt-4o-mini");
        assertPerMillion(mini.inputPerToken(), 0.15);
        assertPerMillion(mini.outputPerToken(), 0.60);
        assertPerMillion(mini.cacheReadPerToken(), 0.075);
    }

    @Test
    void vertexAiTakesTheFirstPartyPricesOfClaudeAndGemini() {
        for (String id : new String[] {"claude-sonnet-4-5@20250929", "claude-sonnet-4-5"}) {
            ModelPrice p = priced("vertex_ai", id);
            assertPerMillion(p.inputPerToken(), 3);
            assertPerMillion(p.outputPerToken(), 15);
            assertPerMillion(p.cacheWrite5mPerToken(), 3.75);
        }
        ModelPrice flash = priced("vertex_ai", "gemini-2.5-flash");
        ModelPrice studio = priced("gemini", "gemini-2.5-flash");
        assertThat(flash.inputPerToken()).isEqualTo(studio.inputPerToken());
        assertThat(flash.outputPerToken()).isEqualTo(studio.outputPerToken());
        assertThat(catalog.lookup("vertex_ai", "claude-made-up-9", null).unpricedReason()).contains("not in the price catalog");
    }

    @Test
    void anthropicWithCachePricesAndDatedAndLatestIds() {
        for (String id : new String[] {"claude-sonnet-4-5", "claude-sonnet-4-5-20250929"}) {
            ModelPrice p = priced("anthropic", id);
            assertPerMillion(p.inputPerToken(), 3);
            assertPerMillion(p.outputPerToken(), 15);
            assertPerMillion(p.cacheReadPerToken(), 0.30);
            assertPerMillion(p.cacheWrite5mPerToken(), 3.75);
            assertPerMillion(p.cacheWrite1hPerToken(), 6);
        }
        ModelPrice haiku = priced("anthropic", "claude-haiku-4-5");
        assertPerMillion(haiku.inputPerToken(), 1);
        assertPerMillion(haiku.outputPerToken(), 5);
        assertPerMillion(haiku.cacheReadPerToken(), 0.10);
        assertPerMillion(haiku.cacheWrite5mPerToken(), 1.25);
        assertPerMillion(haiku.cacheWrite1hPerToken(), 2);
        ModelPrice old = priced("anthropic", "claude-3-5-sonnet-latest");
        assertPerMillion(old.inputPerToken(), 3);
        assertPerMillion(old.outputPerToken(), 15);
    }

    @Test
    void geminiFlashWithAudioAndProWithTiers() {
        ModelPrice flash = priced("gemini", "gemini-2.5-flash");
        assertPerMillion(flash.inputPerToken(), 0.30);
        assertPerMillion(flash.outputPerToken(), 2.50);
        assertPerMillion(flash.cacheReadPerToken(), 0.03);
        assertPerMillion(flash.inputAudioPerToken(), 1.00);
        assertThat(flash.tiers()).isEmpty();

        ModelPrice pro = priced("gemini", "gemini-2.5-pro");
        assertPerMillion(pro.inputPerToken(), 1.25);
        assertPerMillion(pro.outputPerToken(), 10);
        assertPerMillion(pro.cacheReadPerToken(), 0.125);
        assertThat(pro.tiers()).hasSize(1);
        ModelPrice.Tier above = pro.tiers().get(0);
        assertThat(above.minPromptTokens()).isEqualTo(200_001); // "prompts longer than 200k tokens"
        assertPerMillion(above.inputPerToken(), 2.50);
        assertPerMillion(above.outputPerToken(), 15);
        assertPerMillion(above.cacheReadPerToken(), 0.25);
        assertThat(pro.tierFor(200_000)).isNull();
        assertThat(pro.tierFor(200_001)).isSameAs(above);
        assertThat(priced("gemini", "gemini-2.5-pro-tts").inputPerToken()).isNotEqualTo(pro.inputPerToken());
    }

    /**
     * Gemini's image models price a generated picture's tokens apart (Google's pricing page): the catalog's
     * output_image_mtok, and LiteLLM's output_cost_per_image_token in a deployment's model_info over it.
     */
    @Test
    void geminiImageModelsPriceImageOutputApart() {
        ModelPrice flashImage = priced("gemini", "gemini-2.5-flash-image");
        assertPerMillion(flashImage.inputPerToken(), 0.30);
        assertPerMillion(flashImage.outputPerToken(), 2.50);
        assertPerMillion(flashImage.outputImagePerToken(), 30);
        assertThat(flashImage.contextWindow()).isEqualTo(1_000_000);
        assertPerMillion(priced("gemini", "gemini-2.5-flash-image-preview").outputImagePerToken(), 30);
        ModelPrice proImage = priced("gemini", "gemini-3-pro-image-preview");
        assertPerMillion(proImage.inputPerToken(), 2);
        assertPerMillion(proImage.outputPerToken(), 12);
        assertPerMillion(proImage.outputImagePerToken(), 120);
        assertPerMillion(priced("vertex_ai", "gemini-3-pro-image-preview").outputImagePerToken(), 120);
        // review: gemini-3.1-flash-image-preview had no image rate, its pictures billed as $3 text; Google's is $60
        ModelPrice flash31Image = priced("gemini", "gemini-3.1-flash-image-preview");
        assertPerMillion(flash31Image.inputPerToken(), 0.5);
        assertPerMillion(flash31Image.outputPerToken(), 3);
        assertPerMillion(flash31Image.outputImagePerToken(), 60);
        assertPerMillion(priced("gemini", "gemini-3.1-flash-image").outputImagePerToken(), 60);
        assertThat(priced("gemini", "gemini-2.5-flash").outputImagePerToken()).isNull();

        ModelPrice negotiated = catalog.lookup("gemini", "gemini-2.5-flash-image", Map.of("output_cost_per_image_token", 2.4e-5)).price();
        assertThat(negotiated.outputImagePerToken()).isEqualTo(2.4e-5);
        assertPerMillion(negotiated.outputPerToken(), 2.50); // kept from the catalog
        ModelPrice own = catalog.lookup("mock", "painter", Map.of("input_cost_per_token", 1e-6, "output_cost_per_token", 2e-6,
                "output_cost_per_image_token", 4e-5)).price();
        assertThat(own.outputImagePerToken()).isEqualTo(4e-5);
        assertThatThrownBy(() -> catalog.lookup("gemini", "gemini-2.5-flash-image", Map.of("output_cost_per_image_token", "dear")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model_info.output_cost_per_image_token");
    }

    @Test
    void deepSeekGroqMistralTogether() {
        ModelPrice ds = priced("deepseek", "deepseek-chat");
        assertPerMillion(ds.inputPerToken(), 0.27); // standard hours; off-peak discounts are not applied (an upper bound)
        assertPerMillion(ds.outputPerToken(), 1.10);
        assertPerMillion(ds.cacheReadPerToken(), 0.07);

        ModelPrice llama = priced("groq", "llama-3.3-70b-versatile");
        assertPerMillion(llama.inputPerToken(), 0.59);
        assertPerMillion(llama.outputPerToken(), 0.79);

        ModelPrice large = priced("mistral", "mistral-large-latest"); // the catalog maps -latest to Mistral Large 2
        assertThat(large.source()).isEqualTo("catalog mistral/mistral-large");
        assertPerMillion(large.inputPerToken(), 2);
        assertPerMillion(large.outputPerToken(), 6);

        ModelPrice together = priced("together_ai", "meta-llama/Llama-3.3-70B-Instruct-Turbo");
        assertPerMillion(together.inputPerToken(), 0.88);
        assertPerMillion(together.outputPerToken(), 0.88);
    }

    @Test
    void openRouterIdsWithAnthropicCacheDefaults() {
        ModelPrice sonnet = priced("openrouter", "anthropic/claude-sonnet-4.5");
        assertPerMillion(sonnet.inputPerToken(), 3);
        assertPerMillion(sonnet.outputPerToken(), 15);
        assertPerMillion(sonnet.cacheReadPerToken(), 0.30);
        assertPerMillion(sonnet.cacheWrite5mPerToken(), 3.75);
        assertPerMillion(sonnet.cacheWrite1hPerToken(), 6); // not in the catalog: Anthropic's 2x input
        ModelPrice gpt = priced("openrouter", "openai/gpt-4o");
        assertPerMillion(gpt.inputPerToken(), 2.5);
        assertThat(gpt.cacheWrite1hPerToken()).isNull(); // the Anthropic default is for Anthropic models only
    }

    @Test
    void selfHostedAndUnknownAreUnpricedWithAReason() {
        // ollama_chat is Ollama too; lm_studio and xinference run on the user's machine as well
        for (String p : new String[] {"ollama", "mock", "hosted_vllm", "openai_compatible", "ollama_chat", "lm_studio", "xinference"}) {
            PriceLookup l = catalog.lookup(p, p.equals("ollama") ? "llama3" : "x", Map.of());
            assertThat(l.priced()).isFalse();
            assertThat(l.price()).isNull();
            assertThat(l.unpricedReason()).contains(p, "own servers", "input_cost_per_token");
        }
        assertThat(catalog.lookup("anthropic", "claude-nonexistent-9", null).unpricedReason())
                .contains("anthropic/claude-nonexistent-9", "not in the price catalog", "@pydantic/genai-prices");
        // bedrock has a catalog now (issue #14); sagemaker endpoints are the customer's own models
        assertThat(catalog.lookup("sagemaker", "x", null).unpricedReason()).contains("no price catalog for provider 'sagemaker'");
    }

    @Test
    void modelInfoWithInputAndOutputPricesASelfHostedModel() {
        PriceLookup l = catalog.lookup("ollama", "llama3", Map.of("input_cost_per_token", 1e-7,
                "output_cost_per_token", "0.0000002", "max_tokens", 4096L, "max_input_tokens", 8192L));
        assertThat(l.priced()).isTrue();
        ModelPrice p = l.price();
        assertThat(p.source()).isEqualTo("model_info");
        assertThat(p.inputPerToken()).isEqualTo(1e-7);
        assertThat(p.outputPerToken()).isEqualTo(2e-7);
        assertThat(p.cacheReadPerToken()).isNull();
        assertThat(p.maxOutputTokens()).isEqualTo(4096);
        assertThat(p.contextWindow()).isEqualTo(8192);
    }

    @Test
    void partialModelInfoOverridesTheCatalog() {
        ModelPrice p = catalog.lookup("anthropic", "claude-sonnet-4-5",
                Map.of("input_cost_per_token", 2e-6, "max_output_tokens", 64000L)).price();
        assertThat(p.source()).isEqualTo("catalog anthropic/claude-sonnet-4-5 + model_info");
        assertThat(p.inputPerToken()).isEqualTo(2e-6);
        assertPerMillion(p.outputPerToken(), 15);           // kept from the catalog
        assertPerMillion(p.cacheWrite5mPerToken(), 3.75);   // kept from the catalog
        assertThat(p.tiers()).isEmpty();                    // a flat override drops list-price tiers
        assertThat(p.maxOutputTokens()).isEqualTo(64000);

        ModelPrice cacheOnly = catalog.lookup("openai", "gpt-4o", Map.of("cache_read_input_token_cost", 5e-7)).price();
        assertThat(cacheOnly.cacheReadPerToken()).isEqualTo(5e-7);
        assertPerMillion(cacheOnly.inputPerToken(), 2.5);

        ModelPrice unrelated = catalog.lookup("openai", "gpt-4o", Map.of("id", "my-deployment", "mode", "chat")).price();
        assertThat(unrelated.source()).isEqualTo("catalog openai/gpt-4o");
    }

    @Test
    void modelInfoTiersInLiteLlmKeys() {
        ModelPrice p = catalog.lookup("gemini", "gemini-2.5-pro", Map.of("input_cost_per_token", 1e-6,
                "output_cost_per_token", 8e-6, "input_cost_per_token_above_200k_tokens", 2e-6)).price();
        assertThat(p.tiers()).containsExactly(new ModelPrice.Tier(200_001, 2e-6, 8e-6, null));
    }

    @Test
    void modelInfoWithOnlyOnePriceDoesNotPriceAnUnknownModel() {
        PriceLookup l = catalog.lookup("mock", "x", Map.of("input_cost_per_token", 1e-6));
        assertThat(l.priced()).isFalse();
        assertThat(l.unpricedReason()).contains("only input_cost_per_token");
    }

    @Test
    void invalidModelInfoValuesAreConfigErrors() {
        assertThatThrownBy(() -> catalog.lookup("mock", "x", Map.of("input_cost_per_token", "cheap", "output_cost_per_token", 1e-6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model_info.input_cost_per_token");
        assertThatThrownBy(() -> catalog.lookup("openai", "gpt-4o", Map.of("output_cost_per_token", -1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> catalog.lookup("openai", "gpt-4o", Map.of("max_tokens", "lots")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model_info.max_tokens");
    }

    @Test
    void everyBundledPriceIsValidAndTheMainProvidersAreCovered() {
        // Loading already compiled every match regex and validated every price (ModelPrice refuses negatives).
        for (String[] pm : new String[][] {{"openai", "gpt-5"}, {"openai", "o3"}, {"anthropic", "claude-opus-4-1"},
                {"gemini", "gemini-2.0-flash"}, {"deepseek", "deepseek-reasoner"}, {"groq", "llama-3.1-8b-instant"},
                {"mistral", "mistral-small-latest"}, {"openrouter", "google/gemini-2.5-pro"}}) {
            assertThat(catalog.lookup(pm[0], pm[1], null).priced()).as(pm[0] + "/" + pm[1]).isTrue();
        }
    }

    /**
     * As LiteLLM, an Azure deployment named as the model it runs (azure/gpt-4o) is priced by that name when no
     * base_model says otherwise; base_model keeps its precedence, and a name the catalog does not know stays unpriced
     * with a reason that says to set base_model (cloud QA F4: azure/gpt-4o was "no price catalog for provider 'azure'",
     * $0, and a key's budget never bound).
     */
    @Test
    void anAzureDeploymentNamedAsItsModelIsPricedByThatName() {
        ModelPrice named = priced("azure", "gpt-4o");
        assertPerMillion(named.inputPerToken(), 2.5);
        assertPerMillion(named.outputPerToken(), 10);
        assertPerMillion(priced("azure", "o_series/o3-mini").inputPerToken(), catalog.lookup("openai", "o3-mini", null).price()
                .inputPerToken() / M);
        // base_model wins over the name
        PriceLookup based = catalog.lookup("azure", "gpt-4o", Map.of("base_model", "azure/gpt-4o-mini"));
        assertPerMillion(based.price().inputPerToken(), 0.15);
        PriceLookup unknown = catalog.lookup("azure", "my-prod-deployment", null);
        assertThat(unknown.priced()).isFalse();
        assertThat(unknown.unpricedReason()).contains("azure/my-prod-deployment").contains("base_model")
                .doesNotContain("no price catalog for provider");
        // model_info prices still price it
        assertThat(catalog.lookup("azure", "my-prod-deployment", Map.of("input_cost_per_token", 1e-6, "output_cost_per_token", 2e-6))
                .priced()).isTrue();
    }

    /** The mode a fallback is judged by: model_info.mode first, else what the catalog says of the model; else unknown. */
    @Test
    void aModelsModeIsModelInfosElseTheCatalogsElseUnknown() {
        assertThat(catalog.mode("openai", "gpt-4o-mini", Map.of())).isEqualTo("chat");
        assertThat(catalog.mode("openai", "text-embedding-3-small", Map.of())).isEqualTo("embedding");
        assertThat(catalog.mode("gemini", "gemini-embedding-001", Map.of())).isEqualTo("embedding");
        assertThat(catalog.mode("mistral", "mistral-embed", Map.of())).isEqualTo("embedding"); // priced with an output price
        assertThat(catalog.mode("azure", "my-emb", Map.of("base_model", "azure/text-embedding-3-large"))).isEqualTo("embedding");
        assertThat(catalog.mode("openai", "gpt-4o-mini-tts", Map.of())).isNull(); // speech: not guessed as chat
        assertThat(catalog.mode("openai", "gpt-image-1", Map.of())).isNull();
        assertThat(catalog.mode("hosted_vllm", "my-model", Map.of())).isNull();
        assertThat(catalog.mode("hosted_vllm", "my-model", Map.of("mode", "embedding"))).isEqualTo("embedding");
        assertThat(catalog.mode("openai", "gpt-4o-mini", Map.of("mode", "Responses"))).isEqualTo("responses");
    }

    /**
     * Review (2026-12-07): the embedding models the bundled catalog is judged to list, every entry walked, so a refresh
     * that adds or changes one fails here and the list is looked at (a chat model judged an embedding one would make a chat
     * call pass it over as a fallback).
     */
    @Test
    void theBundledCatalogsEmbeddingModelsAreExactlyThese() {
        java.util.Set<String> judged = new java.util.TreeSet<>();
        catalog.entries().forEach((provider, entries) -> {
            for (CatalogReader.Entry e : entries) if ("embedding".equals(PriceCatalog.modeOf(e))) judged.add(provider + "/" + e.id());
        });
        assertThat(judged).containsExactlyInAnyOrder("openai/text-embedding-3-large", "openai/text-embedding-3-small",
                "openai/text-embedding-ada-002", "gemini/gemini-embedding-001", "gemini/gemini-embedding-2",
                "mistral/mistral-embed", "mistralai/mistral-embed", "codestral/mistral-embed", "cohere/embed-v4.0",
                "bedrock/amazon.titan-embed-text-v2:0", "bedrock/amazon.titan-embed-text-v1");
    }

    /** Review (2026-12-07): a chat model billed for input alone (output 0) is a chat model, not an embedding one. */
    @Test
    void aModelBilledForInputAloneIsNotJudgedAnEmbeddingModel() {
        CatalogReader.Entry inputOnly = new CatalogReader.Entry("some-chat-model", java.util.regex.Pattern.compile("^some-chat-model$"),
                ModelPrice.of("catalog test/some-chat-model", 1e-6, 0));
        assertThat(PriceCatalog.modeOf(inputOnly)).isEqualTo("chat");
    }
}
