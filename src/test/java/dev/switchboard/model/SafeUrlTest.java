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

    /** What is left out is what the scrubbers mask: the user part, its password, each query value, raw and decoded. */
    @Test
    void whatIsLeftOutAreTheSecrets() {
        assertThat(SafeUrl.secrets("https://bob:pa%7Ess@gpu-box:8443/v1?api-key=sk-2&key=a%2Bb&flag"))
                .containsExactly("bob:pa%7Ess", "bob:pa~ss", "pa%7Ess", "pa~ss", "sk-2", "a%2Bb", "a+b");
        assertThat(SafeUrl.secrets("http://localhost:11434/v1")).isEmpty();
        assertThat(SafeUrl.secrets(null)).isEmpty();
        assertThat(SafeUrl.secrets("not a url at all")).isEmpty();
    }
}
