package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A cached answer keeps whether its provider said the cache writes' lifetimes ({@link Usage#writeLifetimesSaid}), so a
 * hit answers an Anthropic client with the same {@code cache_creation} as the live answer; an entry without it (all
 * others, and those written before) keeps its bytes and reads as not said.
 */
class CachedWriteLifetimesTest {

    private static CachedAnswer answer(Usage u) {
        Message m = new Message(Role.ASSISTANT, List.of(ContentPart.Text.of("Hi")), null, List.of(), null, null, null, null);
        return new CachedAnswer("e".repeat(64), "ns", 1, 2, "bedrock/claude",
                new ChatResponse("c1", 1, "claude", List.of(new Choice(0, m, FinishReason.STOP, null, null, null)), u, null, null));
    }

    @Test
    void theProvidersWordOnLifetimesIsStoredOnlyWhenSaid() {
        Usage said = new Usage(4000, 5, 0, 3000, 0, 0).withWriteLifetimesSaid(true);
        CachedAnswer a = answer(said);
        CachedAnswer back = CachedAnswerCodec.decode(CachedAnswerCodec.encode(a));
        assertThat(back.response().usage().writeLifetimesSaid()).isTrue();
        assertThat(back).isEqualTo(a);
        byte[] unsaid = CachedAnswerCodec.encode(answer(said.withWriteLifetimesSaid(false)));
        assertThat(new String(unsaid, StandardCharsets.ISO_8859_1)).doesNotContain("write_lifetimes_said");
        assertThat(CachedAnswerCodec.decode(unsaid).response().usage().writeLifetimesSaid()).isFalse();
    }
}
