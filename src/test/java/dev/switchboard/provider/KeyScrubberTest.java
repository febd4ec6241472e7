package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.GatewayException;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class KeyScrubberTest {
    static final String KEY = "sk-leak-0123456789abcdef";

    @Test
    void everyOccurrenceInAnyCaseIsMasked() {
        assertThat(KeyScrubber.text("a " + KEY + " b " + KEY.toUpperCase() + " c", KEY)).isEqualTo("a **** b **** c");
        assertThat(KeyScrubber.text("nothing here", KEY)).isEqualTo("nothing here");
    }

    @Test
    void aKeyPrefixEndingTheTextIsMaskedButShortOnesAreLeft() {
        assertThat(KeyScrubber.text("bad key sk-leak-0123", KEY)).isEqualTo("bad key ****");
        assertThat(KeyScrubber.text("use sk-le", KEY)).isEqualTo("use sk-le"); // 5 chars: the public format, not a secret
    }

    @Test
    void cutScrubsBeforeItCuts() {
        String text = "x".repeat(490) + KEY + " tail";
        String cut = KeyScrubber.cut(text, KEY, 500);
        assertThat(cut).doesNotContain(KEY.substring(0, 6)).startsWith("x".repeat(490)).hasSizeLessThanOrEqualTo(500);
        // a text that already ends in a piece of the key (an upstream cut it): the piece is masked
        assertThat(KeyScrubber.cut("y".repeat(480) + KEY.substring(0, 12), KEY, 490)).isEqualTo("y".repeat(480) + "****");
    }

    @Test
    void jsonIsScrubbedInValuesAndNamesAndUntouchedWithoutTheKey() throws Exception {
        JsonNode clean = Json.read(Buffer.buffer("{\"type\":\"ping\",\"a\":[1,\"x\"]}"));
        assertThat(KeyScrubber.json(clean, KEY)).isSameAs(clean);
        JsonNode dirty = Json.read(Buffer.buffer("{\"type\":\"x\",\"" + KEY + "\":[1,{\"k\":\"mid " + KEY.toUpperCase() + "\"}]}"));
        assertThat(KeyScrubber.json(dirty, KEY).toString()).isEqualTo("{\"type\":\"x\",\"****\":[1,{\"k\":\"mid ****\"}]}");
    }

    @Test
    void everyFieldOfAnUpstreamErrorIsScrubbed() {
        GatewayException e = UpstreamErrors.fromStatus(400, "bad " + KEY, KEY, KEY.toUpperCase(), "x" + KEY, null, "d1", KEY);
        assertThat(e.getMessage()).isEqualTo("bad ****");
        assertThat(e.upstreamType()).isEqualTo("****");
        assertThat(e.param()).isEqualTo("****");
        assertThat(e.code()).isEqualTo("x****");
    }

    @Test
    void aPlainBodyIsScrubbedThenCut() {
        GatewayException e = UpstreamErrors.fromPlainBody(500, Buffer.buffer("z".repeat(495) + KEY + " more"), null, "d1", KEY);
        assertThat(e.getMessage()).contains("z".repeat(495)).doesNotContain("sk-le").contains("z****");
    }
}
