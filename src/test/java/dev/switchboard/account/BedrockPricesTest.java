package dev.switchboard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bundled catalog prices Bedrock's common model ids, cross-region prefixes and LiteLLM's route prefixes included. */
class BedrockPricesTest {
    private static ModelPrice price(String model) {
        PriceLookup l = PriceCatalog.bundled().lookup("bedrock", model, Map.of());
        assertThat(l.priced()).as(model + ": " + l.unpricedReason()).isTrue();
        return l.price();
    }

    @Test
    void commonBedrockModels() {
        assertThat(price("us.anthropic.claude-3-5-sonnet-20241022-v2:0").inputPerToken()).isEqualTo(3e-6);
        assertThat(price("anthropic.claude-3-7-sonnet-20250219-v1:0").cacheReadPerToken()).isEqualTo(0.3e-6);
        assertThat(price("converse/anthropic.claude-3-7-sonnet-20250219-v1:0").outputPerToken()).isEqualTo(15e-6);
        assertThat(price("meta.llama3-1-70b-instruct-v1:0").inputPerToken()).isEqualTo(0.72e-6);
        assertThat(price("us.amazon.nova-pro-v1:0").outputPerToken()).isEqualTo(3.2e-6);
        assertThat(price("amazon.titan-embed-text-v2:0").inputPerToken()).isPositive();
    }

    /** Titan Text Embeddings V2 is $0.00002 per 1,000 tokens (AWS's price list), V1 five times that. */
    @Test
    void titanEmbeddingsV2IsNotPricedAsV1() {
        assertThat(price("amazon.titan-embed-text-v2:0").inputPerToken()).isEqualTo(0.02e-6);
        assertThat(price("amazon.titan-embed-text-v1").inputPerToken()).isEqualTo(0.1e-6);
    }
}
