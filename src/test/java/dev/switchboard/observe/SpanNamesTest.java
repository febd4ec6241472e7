package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpanNamesTest {

    @Test
    void aDeploymentSplitsAtItsFirstSlash() {
        SpanNames names = new SpanNames();
        SpanNames.Deployment d = names.deployment("openai/gpt-4o-mini");
        assertThat(d.provider()).isEqualTo("openai");
        assertThat(d.model()).isEqualTo("gpt-4o-mini");
        assertThat(d.spanName()).isEqualTo("chat gpt-4o-mini");
        assertThat(names.deployment("openai/gpt-4o-mini")).isSameAs(d);
        SpanNames.Deployment nested = names.deployment("openrouter/meta/llama");
        assertThat(nested.provider()).isEqualTo("openrouter");
        assertThat(nested.model()).isEqualTo("meta/llama");
        SpanNames.Deployment bare = names.deployment("mock");
        assertThat(bare.provider()).isEqualTo("mock");
        assertThat(bare.model()).isEqualTo("mock");
        assertThat(bare.spanName()).isEqualTo("chat mock");
        SpanNames.Deployment leading = names.deployment("/x");
        assertThat(leading.provider()).isEqualTo("/x");
        assertThat(leading.model()).isEqualTo("/x");
    }

    @Test
    void namesThatShareASlotEachGetTheirOwnText() {
        SpanNames names = new SpanNames();
        // "Aa" and "BB" have the same hash: the second replaces the first in its slot, and both still read right
        for (int i = 0; i < 3; i++) {
            assertThat(names.root("Aa")).isEqualTo("chat Aa");
            assertThat(names.root("BB")).isEqualTo("chat BB");
            assertThat(names.deployment("p/Aa").model()).isEqualTo("Aa");
            assertThat(names.deployment("p/BB").model()).isEqualTo("BB");
        }
        for (int i = 0; i < 1_000; i++) assertThat(names.root("m" + i)).isEqualTo("chat m" + i);
    }
}
