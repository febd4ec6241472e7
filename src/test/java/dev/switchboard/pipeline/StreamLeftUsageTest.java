package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.Usage;
import org.junit.jupiter.api.Test;

/** What a stream its client left is recorded on: the provider's counts so far where it gave them, else the estimate. */
class StreamLeftUsageTest {
    private static final Usage ESTIMATE = new Usage(900, 40, 0, 0, 0);

    @Test
    void withoutReportedCountsTheEstimateStands() {
        assertThat(MeteredStream.withReported(ESTIMATE, null)).isSameAs(ESTIMATE);
        assertThat(MeteredStream.withReported(ESTIMATE, Usage.ZERO)).as("a report without a prompt count").isSameAs(ESTIMATE);
    }

    @Test
    void anthropicsMessageStartGivesThePromptAndItsCacheReads() {
        // message_start: 12 fresh + 5,000 read from the cache (prompt_tokens counts both), output 1 so far
        Usage reported = new Usage(5_012, 1, 5_000, 0, 0);
        Usage u = MeteredStream.withReported(ESTIMATE, reported);
        assertThat(u.promptTokens()).isEqualTo(5_012);
        assertThat(u.cacheReadTokens()).isEqualTo(5_000);
        assertThat(u.completionTokens()).as("the characters streamed say more than message_start's 1").isEqualTo(40);
    }

    @Test
    void geminisCountsSoFarKeepTheLargerOutput() {
        Usage reported = new Usage(300, 75, 0, 0, 10);
        Usage u = MeteredStream.withReported(ESTIMATE, reported);
        assertThat(u.promptTokens()).isEqualTo(300);
        assertThat(u.completionTokens()).isEqualTo(75);
        assertThat(u.reasoningTokens()).isEqualTo(10);
    }

    @Test
    void theReportedCountsKeepTheirLifetimesWord() {
        Usage reported = new Usage(4_012, 1, 1_000, 3_000, 0, 1_000, new Usage.Details(0, 0, 0, 0, 0, 1), null, null, null, true);
        assertThat(MeteredStream.withReported(ESTIMATE, reported))
                .isEqualTo(new Usage(4_012, 40, 1_000, 3_000, 0, 1_000, new Usage.Details(0, 0, 0, 0, 0, 1), null, null, null, true));
    }
}
