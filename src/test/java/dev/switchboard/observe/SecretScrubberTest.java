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

    /**
     * A name the config writes is recorded as written: LM Studio's documented placeholder key {@code lm-studio} inside
     * the alias {@code lm-studio-qwen} must not become {@code [REDACTED]-qwen}; the same text from a client, not
     * configured, is masked as any client text is.
     */
    @Test
    void aConfiguredNameIsRecordedAsWrittenAndAClientsNameIsMasked() {
        SecretScrubber s = new SecretScrubber(List.of("lm-" + "studio"), List::of, java.util.Set.of("lm-studio-qwen", "openai/lm-studio-qwen"));
        assertThat(s.name("lm-studio-qwen")).isEqualTo("lm-studio-qwen");
        assertThat(s.name("openai/lm-studio-qwen")).isEqualTo("openai/lm-studio-qwen");
        assertThat(s.name("lm-studio-other")).isEqualTo("[REDACTED]-other");
        assertThat(s.name(null)).isNull();
    }

    /** A client's name is cut before it is scanned (bounded cost), yet a key straddling the 255th character is still masked. */
    @Test
    void aLongClientNameIsCutWithRoomForAKeyStraddlingTheCut() {
        String key = "sk-" + "provider-secret-0123456789abcdef";
        SecretScrubber s = new SecretScrubber(List.of(key));
        String shown = s.name("m".repeat(250) + key + "tail");
        assertThat(shown).hasSize(255).startsWith("m".repeat(250)).doesNotContain("sk-pr").endsWith("[REDA");
        // a virtual key's shape straddling the cut too
        String virtual = "sk-sb-" + "A".repeat(43);
        assertThat(s.name("m".repeat(250) + virtual)).doesNotContain("sk-sb").hasSize(255);
        // 10 MB: the answer is the first 255 characters
        assertThat(s.name("x".repeat(10_000_000))).isEqualTo("x".repeat(255));
    }

    /** The call's requested model is worked out once: the trace, the log row and the ledger row share one answer. */
    @Test
    void theRequestedModelIsWorkedOutOnceACall() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        SecretScrubber s = new SecretScrubber(List.of(), () -> {
            asked.incrementAndGet();
            return List.of();
        }, java.util.Set.of());
        dev.switchboard.model.CallContext ctx = new dev.switchboard.model.CallContext("r", dev.switchboard.model.Caller.ANONYMOUS, 0, java.util.Map.of());
        String first = s.requestedModel(ctx, "client-model");
        int after = asked.get();
        assertThat(s.requestedModel(ctx, "client-model")).isSameAs(first);
        assertThat(asked.get()).as("no second scrub").isEqualTo(after);
        assertThat(s.requestedModel(ctx, "another")).isEqualTo("another");
    }
}
