package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the request log and traces keep of text a client or a model wrote. */
class SecretScrubberTest {
    @Test
    void configuredAndShortLivedSecretsAreMaskedWhateverTheCase() {
        List<String> minted = new ArrayList<>();
        SecretScrubber s = new SecretScrubber(List.of("configured-key-0123"), () -> List.copyOf(minted));
        assertThat(s.scrub("a CONFIGURED-KEY-0123 and minted-token-abcdef")).isEqualTo("a [REDACTED] and minted-token-abcdef");
        minted.add("minted-token-abcdef"); // read at each use: a token minted after start is masked from then on
        assertThat(s.scrub("a CONFIGURED-KEY-0123 and minted-token-abcdef")).isEqualTo("a [REDACTED] and [REDACTED]");
    }

    /** Credentials of a recognisable shape that are no deployment's: AWS session tokens, Google access tokens. */
    @Test
    void tokenShapesAreMaskedEvenWhenNotConfigured() {
        SecretScrubber s = SecretScrubber.NONE;
        assertThat(s.scrub("sts IQoJb3JpZ2luX2VjEBYaCXVzLWVhc3QtMSJHMEUCIQ+abc/def= end")).isEqualTo("sts [REDACTED] end");
        assertThat(s.scrub("old FwoGZXIvYXdzEBYaDHh4eHh4eHh4eHh4eCKAAQ end")).isEqualTo("old [REDACTED] end");
        assertThat(s.scrub("google ya29.a0AfB_byC-1234567890abcdefghij end")).isEqualTo("google [REDACTED] end");
        // the prefix alone, or words that merely start alike, are not tokens
        assertThat(s.scrub("IQoJb3JpZ2luX2Vj and ya29.short")).isEqualTo("IQoJb3JpZ2luX2Vj and ya29.short");
    }
}
