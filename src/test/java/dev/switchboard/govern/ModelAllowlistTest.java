package dev.switchboard.govern;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelAllowlistTest {
    @Test
    void exactNamesWildcardsAndEverything() {
        ModelAllowlist l = new ModelAllowlist(List.of("gpt-*", "openai/*", "auto", "claude"));
        assertThat(l.allows("gpt-4o")).isTrue();
        assertThat(l.allows("openai/gpt-4o")).isTrue();
        assertThat(l.allows("auto")).isTrue();
        assertThat(l.allows("claude")).isTrue();
        assertThat(l.allows("claude-opus")).isFalse();
        assertThat(l.allows("my-gpt-4o")).isFalse();
        assertThat(new ModelAllowlist(List.of("a.b")).allows("axb")).as("dots are literal").isFalse();
        assertThat(new ModelAllowlist(List.of()).allows("anything")).isTrue();
        assertThat(new ModelAllowlist(List.of("*")).allows("anything")).isTrue();
    }

    @Test
    void anAccessGroupOpensItsModelsWildcardsIncluded() {
        java.util.Map<String, List<String>> groups = java.util.Map.of("beta", List.of("b1", "b2"), "vendors", List.of("anthropic/*"));
        ModelAllowlist l = new ModelAllowlist(List.of("beta", "vendors", "solo"), java.util.Map.of(), groups);
        assertThat(l.allows("b1")).isTrue();
        assertThat(l.allows("b2")).isTrue();
        assertThat(l.allows("anthropic/claude-haiku-4-5")).isTrue();
        assertThat(l.allows("solo")).isTrue();
        assertThat(l.allows("b3")).isFalse();
        assertThat(l.entries()).as("the list as the key has it").containsExactly("beta", "vendors", "solo");
        assertThat(new ModelAllowlist(List.of("solo"), java.util.Map.of(), groups).allows("b1")).isFalse();
    }

    @Test
    void anExactEntryMatchesItsOwnTextOnly() {
        ModelAllowlist l = new ModelAllowlist(List.of("a.b", "x\\Ey", "Claude", "c(1)+", "gpt-*"));
        assertThat(l.allows("a.b")).isTrue();
        assertThat(l.allows("x\\Ey")).isTrue();
        assertThat(l.allows("c(1)+")).isTrue();
        assertThat(l.allows("claude")).as("case counts").isFalse();
        assertThat(l.allows("a.b ")).isFalse();
        assertThat(l.allows("c1")).isFalse();
        assertThat(l.allows("gpt-")).as("a wildcard matches nothing too").isTrue();
        assertThat(new ModelAllowlist(List.of("gpt-*")).allows("gpt-\nx")).as("as the pattern did: no line ends").isFalse();
    }

    @Test
    void aKeysAliasOpensItsTargetOnlyWhenTheListNamesTheAliasAndNeverByAChain() {
        java.util.Map<String, String> aliases = new java.util.LinkedHashMap<>();
        aliases.put("gpt-4", "cheap");     // named by the list: its target is allowed
        aliases.put("gpt-3*x", "never");   // a name that is not listed
        aliases.put("cheap", "smart");     // 'cheap' is allowed only as another alias's target: no chain to 'smart'
        aliases.put("gpt-9", "big");       // named by a wildcard entry
        ModelAllowlist l = new ModelAllowlist(List.of("gpt-4", "gpt-9*", "claude"), aliases);
        assertThat(l.allows("cheap")).isTrue();
        assertThat(l.allows("big")).isTrue();
        assertThat(l.allows("never")).isFalse();
        assertThat(l.allows("smart")).isFalse();
        assertThat(l.allows("gpt-4")).as("listed only to allow its alias: not the model of that name (a fallback to it)").isFalse();
        assertThat(l.allows("claude")).as("the rest of the list holds").isTrue();
        assertThat(l.allows("cheap")).as("a name that is also a target stays").isTrue();
        assertThat(new ModelAllowlist(List.of(), aliases).allows("anything")).isTrue();
    }
}
