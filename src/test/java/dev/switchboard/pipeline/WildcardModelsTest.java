package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.account.PriceCatalog;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WildcardModelsTest {

    /**
     * QA docs LOW-4: with model: "openai/*" /v1/models listed ft:gpt-3.5-turbo-, gpt-4o-mini-2024-07-18.ft- and
     * gpt-4o:extended, the price catalog's match patterns, which a client's model picker would offer and no upstream serves.
     */
    @Test
    void aProviderWildcardListsModelNamesNotCatalogPatterns() {
        Set<String> listed = WildcardModels.listed(Map.of("*", List.of("openai/*")), PriceCatalog.bundled());
        assertThat(listed).contains("*", "gpt-4o", "gpt-4o-mini")
                .doesNotContain("ft:gpt-3.5-turbo-", "gpt-4o-mini-2024-07-18.ft-", "gpt-4o:extended");
        Set<String> prefixed = WildcardModels.listed(Map.of("openai/*", List.of("openai/*")), PriceCatalog.bundled());
        assertThat(prefixed).contains("openai/gpt-4o").doesNotContain("openai/gpt-4o:extended", "openai/ft:gpt-3.5-turbo-");
        // check's description takes its examples from the same list
        assertThat(WildcardModels.described(Map.of("*", List.of("openai/*")), PriceCatalog.bundled()).get("*"))
                .noneMatch(l -> l.contains("ft:") || l.contains(":extended"));
    }
}
