package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DurationSpecTest {
    private static long at(String iso) { return Instant.parse(iso).toEpochMilli(); }

    @Test
    void liteLlmsFormsAreRead() {
        assertThat(DurationSpec.parse("30s").after(0)).isEqualTo(30_000);
        assertThat(DurationSpec.parse("30m").after(0)).isEqualTo(30 * 60_000);
        assertThat(DurationSpec.parse("30h").after(0)).isEqualTo(30 * 3_600_000L);
        assertThat(DurationSpec.parse("7d").after(0)).isEqualTo(7 * 86_400_000L);
        assertThat(DurationSpec.parse("2w").after(0)).isEqualTo(14 * 86_400_000L);
        assertThat(DurationSpec.parse(" 1mo ").after(at("2026-01-15T10:00:00Z"))).isEqualTo(at("2026-02-15T10:00:00Z"));
        for (String bad : new String[] {"", "30", "d", "5 days", "0s", "-1d", "1y", "1.5h", "1000000d"}) {
            assertThatThrownBy(() -> DurationSpec.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("30s, 30m, 30h, 1d, 7d, 2w or 1mo");
        }
    }

    @Test
    void fixedPeriodsFollowEachOtherFromTheAnchor() {
        DurationSpec d = DurationSpec.parse("30s");
        long anchor = 1_000;
        assertThat(d.periodStart(anchor, anchor)).isEqualTo(anchor);
        assertThat(d.periodStart(anchor, anchor + 29_999)).isEqualTo(anchor);
        assertThat(d.periodStart(anchor, anchor + 30_000)).isEqualTo(anchor + 30_000);
        assertThat(d.periodEnd(anchor, anchor + 45_000)).isEqualTo(anchor + 60_000);
        // a year later in one step, not a loop of a million periods
        assertThat(d.periodStart(anchor, anchor + 365L * 86_400_000 + 5)).isEqualTo(anchor + 365L * 86_400_000);
    }

    @Test
    void monthsCountFromTheAnchorSoTheDayComesBackAfterShortMonths() {
        DurationSpec m = DurationSpec.parse("1mo");
        long jan31 = at("2026-01-31T12:00:00Z");
        assertThat(m.periodEnd(jan31, at("2026-02-10T00:00:00Z"))).isEqualTo(at("2026-02-28T12:00:00Z"));
        assertThat(m.periodStart(jan31, at("2026-03-01T00:00:00Z"))).isEqualTo(at("2026-02-28T12:00:00Z"));
        assertThat(m.periodEnd(jan31, at("2026-03-01T00:00:00Z"))).isEqualTo(at("2026-03-31T12:00:00Z"));
        assertThat(m.periodStart(jan31, at("2026-03-31T12:00:00Z"))).isEqualTo(at("2026-03-31T12:00:00Z"));
        DurationSpec quarter = DurationSpec.parse("3mo");
        assertThat(quarter.periodStart(at("2026-01-01T00:00:00Z"), at("2026-08-20T00:00:00Z"))).isEqualTo(at("2026-07-01T00:00:00Z"));
        // the global budget's periods count from the epoch: 1mo resets on the 1st of each month at 00:00 UTC
        assertThat(m.periodStart(0, at("2026-11-30T21:00:00Z"))).isEqualTo(at("2026-11-01T00:00:00Z"));
        assertThat(m.periodEnd(0, at("2026-11-30T21:00:00Z"))).isEqualTo(at("2026-12-01T00:00:00Z"));
    }
}
