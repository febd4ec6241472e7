package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** retry-after as delta-seconds or an HTTP-date, retry-after-ms, clamped to 0–3600 s; garbage dropped. */
class RetryAfterTest {
    static final Instant NOW = Instant.parse("2026-12-01T03:00:00Z");

    @Test
    void deltaSecondsAreReadAndRoundedUp() {
        assertThat(RetryAfter.seconds("7", NOW)).isEqualTo(7);
        assertThat(RetryAfter.seconds(" 0 ", NOW)).isEqualTo(0);
        assertThat(RetryAfter.seconds("1.2", NOW)).isEqualTo(2);
        assertThat(RetryAfter.seconds("3.0", NOW)).isEqualTo(3);
    }

    @Test
    void hugeValuesAreClampedToAnHour() {
        assertThat(RetryAfter.seconds("3601", NOW)).isEqualTo(3600);
        assertThat(RetryAfter.seconds("100000000000000000000", NOW)).isEqualTo(3600);
        assertThat(RetryAfter.seconds("9".repeat(60), NOW)).isEqualTo(3600);
    }

    @Test
    void anHttpDateIsTheWaitUntilThen() {
        assertThat(RetryAfter.seconds("Tue, 01 Dec 2026 03:00:30 GMT", NOW)).isEqualTo(30);
        assertThat(RetryAfter.seconds("Tue, 01 Dec 2026 02:59:00 GMT", NOW)).isEqualTo(0); // past: now
        assertThat(RetryAfter.seconds("Wed, 02 Dec 2026 03:00:00 GMT", NOW)).isEqualTo(3600); // a day: clamped
    }

    @Test
    void garbageIsDropped() {
        for (String bad : new String[] {"-5", "+5", "1e3", "NaN", "soon", "", "  ", "0x10", "5s", "Tue, 99 Dec 2026", "1.", ".5"}) {
            assertThat(RetryAfter.seconds(bad, NOW)).as(bad).isNull();
        }
        assertThat(RetryAfter.seconds(null, NOW)).isNull();
    }

    @Test
    void retryAfterMsWinsWhenReadableAndIsRoundedUpToSeconds() {
        assertThat(RetryAfter.of("1500", "9", NOW)).isEqualTo(2);
        assertThat(RetryAfter.of("20", null, NOW)).isEqualTo(1);
        assertThat(RetryAfter.of("0", "9", NOW)).isEqualTo(0);
        assertThat(RetryAfter.of("999999999999999", null, NOW)).isEqualTo(3600);
        assertThat(RetryAfter.of("-1", "9", NOW)).isEqualTo(9); // garbage ms: the seconds header decides
        assertThat(RetryAfter.of("junk", "junk", NOW)).isNull();
    }
}
