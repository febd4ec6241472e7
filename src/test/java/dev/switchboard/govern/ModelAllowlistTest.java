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
}
