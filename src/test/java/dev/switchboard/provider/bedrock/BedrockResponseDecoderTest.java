package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.FinishReason;
import dev.switchboard.provider.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Converse answer read as the stream reads the same answer. */
class BedrockResponseDecoderTest {
    private static FinishReason finish(String stopReason, String block) throws Exception {
        String answer = "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[" + block + "]}},\"stopReason\":\""
                + stopReason + "\",\"usage\":{\"inputTokens\":5,\"outputTokens\":3}}";
        return BedrockResponseDecoder.response(Json.read(answer), "m", List.of()).choices().get(0).finishReason();
    }

    /** Some models say end_turn after calling a tool; the client runs tools on tool_calls, streamed or not. */
    @Test
    void aToolCallEndingTheTurnIsToolCalls() throws Exception {
        String use = "{\"toolUse\":{\"toolUseId\":\"t1\",\"name\":\"get_time\",\"input\":{}}}";
        assertThat(finish("end_turn", use)).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(finish("tool_use", use)).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(finish("max_tokens", use)).isEqualTo(FinishReason.LENGTH);
        assertThat(finish("end_turn", "{\"text\":\"hi\"}")).isEqualTo(FinishReason.STOP);
    }
    /**
     * Converse's cacheDetails says the writes' lifetimes, a list of 5-minute writes only included: the usage says so
     * (its one-hour part a known 0); a write count without cacheDetails leaves them unknown.
     */
    @Test
    void cacheDetailsSayTheWritesLifetimesEvenWhenNoneIsAnHour() throws Exception {
        dev.switchboard.model.Usage fiveOnly = BedrockResponseDecoder.usage(Json.read("""
                {"inputTokens":10,"outputTokens":5,"cacheReadInputTokens":0,"cacheWriteInputTokens":3000,
                 "cacheDetails":[{"ttl":"5m","inputTokens":3000}]}"""));
        assertThat(fiveOnly.cacheWriteTokens()).isEqualTo(3000);
        assertThat(fiveOnly.cacheWrite1hTokens()).isZero();
        assertThat(fiveOnly.writeLifetimesSaid()).isTrue();
        dev.switchboard.model.Usage split = BedrockResponseDecoder.usage(Json.read("""
                {"inputTokens":10,"outputTokens":5,"cacheWriteInputTokens":3000,
                 "cacheDetails":[{"ttl":"1h","inputTokens":1000},{"ttl":"5m","inputTokens":2000}]}"""));
        assertThat(split.cacheWrite1hTokens()).isEqualTo(1000);
        assertThat(split.writeLifetimesSaid()).isTrue();
        assertThat(BedrockResponseDecoder.usage(Json.read("{\"inputTokens\":10,\"outputTokens\":5,\"cacheWriteInputTokens\":3000}"))
                .writeLifetimesSaid()).isFalse();
    }

    /** The decoded usage is one record with the lifetimes flag in it, every count as before. */
    @Test
    void theDecodedUsageIsTheWholeRecordWithItsFlag() throws Exception {
        assertThat(BedrockResponseDecoder.usage(Json.read("""
                {"inputTokens":10,"outputTokens":5,"cacheReadInputTokens":400,"cacheWriteInputTokens":3000,
                 "cacheDetails":[{"ttl":"1h","inputTokens":1000},{"ttl":"5m","inputTokens":2000}]}""")))
                .isEqualTo(new dev.switchboard.model.Usage(3410, 5, 400, 3000, 0, 1000, dev.switchboard.model.Usage.Details.NONE,
                        null, null, null, true));
    }
}
