package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** URLs as the gateway shows them: no user part, no query, where keys ride. */
class SafeUrlTest {
    @Test
    void theUserPartAndTheQueryAreLeftOut() {
        assertThat(SafeUrl.withoutSecrets("https://user:sk-secret@gpu-box:8443/v1?api-key=sk-2&x=1")).isEqualTo("https://gpu-box:8443/v1");
        assertThat(SafeUrl.withoutSecrets("http://localhost:11434")).isEqualTo("http://localhost:11434");
        assertThat(SafeUrl.withoutSecrets("not a url at all")).isEqualTo("(not shown)");
        assertThat(SafeUrl.withoutSecrets(null)).isNull();
    }
}
