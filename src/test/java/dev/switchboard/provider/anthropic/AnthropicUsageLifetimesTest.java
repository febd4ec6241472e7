package dev.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.Usage;
import dev.switchboard.provider.Json;
import org.junit.jupiter.api.Test;

/** Claude's {@code usage.cache_creation} says its writes' lifetimes, a one-hour part of 0 included; message_delta keeps the word. */
class AnthropicUsageLifetimesTest {

    @Test
    void cacheCreationSaysTheLifetimesAndMessageDeltaKeepsIt() throws Exception {
        Usage start = AnthropicResponseDecoder.usage(Json.read("""
                {"input_tokens":10,"cache_creation_input_tokens":3000,"cache_read_input_tokens":0,
                 "cache_creation":{"ephemeral_5m_input_tokens":3000,"ephemeral_1h_input_tokens":0},"output_tokens":1}"""), null);
        assertThat(start.cacheWrite1hTokens()).isZero();
        assertThat(start.writeLifetimesSaid()).isTrue();
        Usage delta = AnthropicResponseDecoder.usage(Json.read("{\"output_tokens\":7}"), start);
        assertThat(delta.writeLifetimesSaid()).isTrue();
        assertThat(delta.cacheWriteTokens()).isEqualTo(3000);
        assertThat(AnthropicResponseDecoder.usage(Json.read("{\"input_tokens\":10,\"cache_creation_input_tokens\":3000,\"output_tokens\":1}"),
                null).writeLifetimesSaid()).as("an older count without cache_creation").isFalse();
    }

    /** The decoded usage is built once (no second record for the lifetimes flag) and says every count it said before. */
    @Test
    void theDecodedUsageIsTheWholeRecordWithItsFlag() throws Exception {
        Usage u = AnthropicResponseDecoder.usage(Json.read("""
                {"input_tokens":10,"cache_creation_input_tokens":3000,"cache_read_input_tokens":500,
                 "cache_creation":{"ephemeral_5m_input_tokens":2000,"ephemeral_1h_input_tokens":1000},"output_tokens":7,
                 "server_tool_use":{"web_search_requests":2}}"""), null);
        assertThat(u).isEqualTo(new Usage(3510, 7, 500, 3000, 0, 1000, new Usage.Details(0, 0, 0, 0, 0, 2), null, null, null, true));
        Usage delta = AnthropicResponseDecoder.usage(Json.read("{\"output_tokens\":9}"), u);
        assertThat(delta).isEqualTo(new Usage(3510, 9, 500, 3000, 0, 1000, new Usage.Details(0, 0, 0, 0, 0, 2), null, null, null, true));
    }
}
