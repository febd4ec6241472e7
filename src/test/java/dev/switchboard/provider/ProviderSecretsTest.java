package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Tokens minted at run time: masked with the configured keys while they live, dropped when expired, bounded. */
class ProviderSecretsTest {
    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final ProviderSecrets secrets = new ProviderSecrets(KeyScrubber.of(List.of("configured-key-0123")), now::get);

    @Test
    void aMintedTokenIsMaskedWithTheConfiguredKeys() {
        assertThat(secrets.scrubber().text("saw ya29.token-one-abcdef")).isEqualTo("saw ya29.token-one-abcdef");
        secrets.add("ya29.token-one-abcdef", now.get() + 3_600_000);
        assertThat(secrets.scrubber().text("saw ya29.token-one-abcdef and configured-key-0123")).doesNotContain("token-one")
                .doesNotContain("configured-key");
        assertThat(secrets.shortLivedScrubber().text("configured-key-0123")).isEqualTo("configured-key-0123"); // the layout's own
        assertThat(secrets.shortLived()).containsExactly("ya29.token-one-abcdef");
    }

    @Test
    void expiredTokensAreDroppedAtTheNextMintAndShortOrConfiguredOnesNeverKept() {
        secrets.add("first-token-abcdefgh", now.get() + 1_000);
        now.addAndGet(2_000);
        secrets.add("second-token-abcdefgh", now.get() + 1_000);
        assertThat(secrets.shortLived()).containsExactly("second-token-abcdefgh");
        secrets.add("short", now.get() + 1_000);
        secrets.add("configured-key-0123", now.get() + 1_000);
        assertThat(secrets.shortLived()).containsExactly("second-token-abcdefgh");
    }

    /** An upstream that refuses every token makes the gateway mint one per request: the set stays bounded. */
    @Test
    void atMostTheBoundAreKeptTheSoonestToExpireGoingFirst() {
        for (int i = 0; i < ProviderSecrets.MAX_SHORT_LIVED + 10; i++) secrets.add("minted-token-" + (1000 + i), now.get() + 10_000 + i);
        assertThat(secrets.shortLived()).hasSize(ProviderSecrets.MAX_SHORT_LIVED)
                .doesNotContain("minted-token-1000").contains("minted-token-" + (1000 + ProviderSecrets.MAX_SHORT_LIVED + 9));
    }
}
