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

    /** An embeddings call's spans are named by the GenAI conventions' {operation} {model} too, beside chat's of the same names. */
    @Test
    void embeddingsSpansAreNamedByTheirOperation() {
        SpanNames names = new SpanNames();
        for (int i = 0; i < 3; i++) {
            assertThat(names.root("emb")).isEqualTo("chat emb");
            assertThat(names.embeddingsRoot("emb")).isEqualTo("embeddings emb");
            assertThat(names.embeddingsRoot("Aa")).isEqualTo("embeddings Aa");
            assertThat(names.embeddingsRoot("BB")).isEqualTo("embeddings BB");
        }
        SpanNames.Deployment d = names.deployment("openai/text-embedding-3-small");
        assertThat(d.spanName()).isEqualTo("chat text-embedding-3-small");
        assertThat(d.embeddingsSpanName()).isEqualTo("embeddings text-embedding-3-small");
    }
}
