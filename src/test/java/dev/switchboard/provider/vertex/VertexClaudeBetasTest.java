package dev.switchboard.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The client's anthropic-beta header as Claude on Vertex takes it. */
class VertexClaudeBetasTest {
    @Test
    void theBetasVertexRefusesAndBlankEntriesGoTheRestStaysInOrder() {
        assertThat(VertexClaudeBetas.kept("claude-code-20250219,effort-2025-11-24,interleaved-thinking-2025-05-14"))
                .isEqualTo("claude-code-20250219,interleaved-thinking-2025-05-14");
        assertThat(VertexClaudeBetas.kept("a,, b ,")).isEqualTo("a,b");
        assertThat(VertexClaudeBetas.kept("effort-2025-11-24, structured-outputs-2025-11-13")).isNull();
        assertThat(VertexClaudeBetas.kept(null)).isNull();
    }

    @Test
    void aHeaderWithNothingToDropIsTheClientsOwnString() {
        String header = "claude-code-20250219,context-1m-2025-08-07";
        assertThat(VertexClaudeBetas.kept(header)).isSameAs(header);
    }
}
