package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceIdsTest {

    @Test
    void aGeneratedTraceIdStartsWithTheEpochSecond() {
        TraceIds ids = new TraceIds(() -> 1_764_590_123_456L);
        String id = ids.generateTraceId();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(Long.parseLong(id.substring(0, 8), 16)).isEqualTo(1_764_590_123L);
    }

    @Test
    void theRestIsRandom() {
        TraceIds ids = new TraceIds(() -> 1_764_590_123_456L);
        Set<String> tails = new HashSet<>();
        Set<String> middles = new HashSet<>();
        Set<String> lasts = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String id = ids.generateTraceId();
            tails.add(id.substring(8));
            middles.add(id.substring(8, 16)); // the random long's high half: a constant there would still leave tails unique
            lasts.add(id.substring(16));
        }
        assertThat(tails).hasSize(1_000);
        assertThat(middles).hasSizeGreaterThan(990); // 32 random bits: a repeat among 1,000 is rare, ~1 in 8,600
        assertThat(lasts).hasSize(1_000);
    }

    @Test
    void aClientsTraceIdIsKeptAsItIs() {
        TraceIds ids = new TraceIds(() -> 1_764_590_123_456L);
        String chosen = "0af7651916cd43dd8448eb211c80319c";
        assertThat(ids.withTraceId(chosen, ids::generateTraceId)).isEqualTo(chosen);
        assertThat(ids.generateTraceId()).startsWith(Long.toHexString(1_764_590_123L));
    }

    @Test
    void theSecondIsItsLowEightHexDigitsZeroPaddedAndTheIdIsValid() {
        String early = new TraceIds(() -> 1_000L).generateTraceId();
        assertThat(early).startsWith("00000001").matches("[0-9a-f]{32}");
        assertThat(io.opentelemetry.api.trace.TraceId.isValid(early)).isTrue();
        // past 32 bits of seconds: the low 32, as 8 digits
        String late = new TraceIds(() -> (0x1_2345_6789L) * 1_000).generateTraceId();
        assertThat(late).startsWith("23456789").hasSize(32);
        assertThat(io.opentelemetry.api.trace.TraceId.isValid(late)).isTrue();
    }
}
