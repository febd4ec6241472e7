package dev.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which Anthropic events the relay passes as sent (well-formed text deltas), and the text it reads from them. */
class AnthropicDeltaScanTest {
    private static String scan(String json) {
        byte[] b = ("event: x\n" + json + "\n").getBytes(StandardCharsets.UTF_8);
        return AnthropicDeltaScan.text(b, 9, json.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aTextDeltaGivesItsText() {
        assertThat(scan("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi \\u00e9\"}}"))
                .isEqualTo("Hi é");
    }

    @Test
    void everythingElseGoesThroughTheTree() {
        for (String json : new String[] {
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":5}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"text\":\"no type\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":\"text\"}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\"},\"error\":{\"type\":\"x\"}}",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":3}}",
                "{\"type\":\"ping\"}",
                "{\"delta\":{\"type\":\"text_delta\",\"text\":\"untyped event\"}}",
                "not json",
        }) {
            assertThat(scan(json)).as(json).isNull();
        }
    }
}
