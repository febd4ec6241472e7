package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
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
    void rollingWindowsFollowEachOtherFromTheAnchor() {
        DurationSpec d = DurationSpec.parse("30s");
        long anchor = 1_000;
        assertThat(d.rollingStart(anchor, anchor)).isEqualTo(anchor);
        assertThat(d.rollingStart(anchor, anchor + 29_999)).isEqualTo(anchor);
        assertThat(d.rollingStart(anchor, anchor + 30_000)).isEqualTo(anchor + 30_000);
        assertThat(d.rollingEnd(anchor, anchor + 45_000)).isEqualTo(anchor + 60_000);
        // a year later in one step, not a loop of a million periods
        assertThat(d.rollingStart(anchor, anchor + 365L * 86_400_000 + 5)).isEqualTo(anchor + 365L * 86_400_000);
    }

    @Test
    void rollingMonthsCountFromTheAnchorSoTheDayComesBackAfterShortMonths() {
        DurationSpec m = DurationSpec.parse("1mo");
        long jan31 = at("2026-01-31T12:00:00Z");
        assertThat(m.rollingEnd(jan31, at("2026-02-10T00:00:00Z"))).isEqualTo(at("2026-02-28T12:00:00Z"));
        assertThat(m.rollingStart(jan31, at("2026-03-01T00:00:00Z"))).isEqualTo(at("2026-02-28T12:00:00Z"));
        assertThat(m.rollingEnd(jan31, at("2026-03-01T00:00:00Z"))).isEqualTo(at("2026-03-31T12:00:00Z"));
        assertThat(m.rollingStart(jan31, at("2026-03-31T12:00:00Z"))).isEqualTo(at("2026-03-31T12:00:00Z"));
        DurationSpec quarter = DurationSpec.parse("3mo");
        assertThat(quarter.rollingStart(at("2026-01-01T00:00:00Z"), at("2026-08-20T00:00:00Z"))).isEqualTo(at("2026-07-01T00:00:00Z"));
        // a deployment budget's windows count from the epoch: 1mo windows begin on the 1st of each month at 00:00 UTC
        assertThat(m.rollingStart(0, at("2026-11-30T21:00:00Z"))).isEqualTo(at("2026-11-01T00:00:00Z"));
        assertThat(m.rollingEnd(0, at("2026-11-30T21:00:00Z"))).isEqualTo(at("2026-12-01T00:00:00Z"));
    }

    // ---- LiteLLM's reset schedule (get_next_standardized_reset_time), what keys, teams, users and customers follow ----

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static long next(String d, String from) { return DurationSpec.parse(d).nextReset(at(from), UTC); }

    @Test
    void theQaReportsKeyResetsWhereLiteLlmsWould() {
        // r04_reset_schedule.py: a key made on Saturday 2026-12-05 07:14:19Z
        String made = "2026-12-05T07:14:19.079Z";
        assertThat(next("1h", made)).isEqualTo(at("2026-12-05T08:00:00Z"));
        assertThat(next("1d", made)).as("the next midnight").isEqualTo(at("2026-12-06T00:00:00Z"));
        assertThat(next("7d", made)).as("the next Monday").isEqualTo(at("2026-12-07T00:00:00Z"));
        assertThat(next("1w", made)).as("1w is 7 days").isEqualTo(at("2026-12-07T00:00:00Z"));
        assertThat(next("30d", made)).as("the 1st of the next month").isEqualTo(at("2027-01-01T00:00:00Z"));
        assertThat(next("1mo", made)).isEqualTo(at("2027-01-01T00:00:00Z"));
        assertThat(next("10d", made)).as("other days: midnight that many days on").isEqualTo(at("2026-12-15T00:00:00Z"));
        assertThat(next("2w", made)).as("2w is a custom 14 days").isEqualTo(at("2026-12-19T00:00:00Z"));
        assertThat(next("31d", made)).as("only 30d means a month").isEqualTo(at("2027-01-05T00:00:00Z"));
    }

    @Test
    void liteLlmsWordsAreItsDurationsInTheirCanonicalForm() {
        // LiteLLM's duration_parser: _BUDGET_DURATION_WORD_ALIASES, stripped and lower-cased, then read as these
        String made = "2026-12-05T07:14:19.079Z";
        assertThat(next("hourly", made)).isEqualTo(next("1h", made));
        assertThat(next("daily", made)).as("24h: the next midnight").isEqualTo(at("2026-12-06T00:00:00Z"));
        assertThat(next(" Weekly ", made)).as("7d: the next Monday").isEqualTo(at("2026-12-07T00:00:00Z"));
        assertThat(next("MONTHLY", made)).as("30d: the 1st of the next month").isEqualTo(at("2027-01-01T00:00:00Z"));
        assertThat(DurationSpec.parse("daily").after(0)).as("an expiry of a day").isEqualTo(86_400_000L);
        // stored as the form, which a gateway from before the words still parses (LiteLLM shows the word as sent)
        assertThat(DurationSpec.parse(" Monthly ").text()).isEqualTo("30d");
        assertThat(DurationSpec.parse("daily").text()).isEqualTo("24h");
        assertThat(DurationSpec.parse("weekly").text()).isEqualTo("7d");
        assertThat(DurationSpec.parse("HOURLY").text()).isEqualTo("1h");
        assertThat(DurationSpec.parse(" 2w ").text()).as("a form stays as written, trimmed").isEqualTo("2w");
        assertThat(DurationSpec.parse("monthly")).isEqualTo(new DurationSpec("30d", 30, DurationSpec.Unit.DAYS));
        for (String bad : new String[] {"yearly", "month", "1monthly", "every day"}) {
            assertThatThrownBy(() -> DurationSpec.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("hourly, daily, weekly or monthly");
        }
    }

    @Test
    void mondaysMonthEndsAndLeapYears() {
        assertThat(next("7d", "2026-12-07T00:00:00Z")).as("on Monday 00:00 itself: the Monday after").isEqualTo(at("2026-12-14T00:00:00Z"));
        assertThat(next("7d", "2026-12-06T23:59:59.999Z")).as("Sunday night").isEqualTo(at("2026-12-07T00:00:00Z"));
        assertThat(next("30d", "2027-01-31T23:00:00Z")).isEqualTo(at("2027-02-01T00:00:00Z"));
        assertThat(next("30d", "2028-02-29T12:00:00Z")).as("a leap day").isEqualTo(at("2028-03-01T00:00:00Z"));
        assertThat(next("1d", "2028-02-28T23:59:00Z")).isEqualTo(at("2028-02-29T00:00:00Z"));
        assertThat(next("1mo", "2026-12-31T23:59:59Z")).as("over the year's end").isEqualTo(at("2027-01-01T00:00:00Z"));
        assertThat(next("3mo", "2026-11-15T00:00:00Z")).as("LiteLLM refuses other months; ours: the 1st N months on")
                .isEqualTo(at("2027-02-01T00:00:00Z"));
    }

    @Test
    void hoursMinutesAndSecondsAreMultiplesWithinTheDayHourAndMinute() {
        assertThat(next("1h", "2026-12-05T23:30:00Z")).isEqualTo(at("2026-12-06T00:00:00Z"));
        assertThat(next("6h", "2026-12-05T13:10:00Z")).isEqualTo(at("2026-12-05T18:00:00Z"));
        assertThat(next("5h", "2026-12-05T22:10:00Z")).as("LiteLLM's arithmetic: 25 → 01:00 the next day").isEqualTo(at("2026-12-06T01:00:00Z"));
        assertThat(next("5h", "2026-12-06T01:00:00Z")).isEqualTo(at("2026-12-06T05:00:00Z"));
        assertThat(next("30h", "2026-12-05T03:00:00Z")).as("30h: the next day at 06:00").isEqualTo(at("2026-12-06T06:00:00Z"));
        assertThat(next("15m", "2026-12-05T10:07:30Z")).isEqualTo(at("2026-12-05T10:15:00Z"));
        assertThat(next("7m", "2026-12-05T12:58:00Z")).isEqualTo(at("2026-12-05T13:03:00Z"));
        assertThat(next("30s", "2026-12-05T10:07:30Z")).as("on a boundary: the next one").isEqualTo(at("2026-12-05T10:08:00Z"));
        assertThat(next("15s", "2026-12-05T23:59:59.500Z")).isEqualTo(at("2026-12-06T00:00:00Z"));
    }

    @Test
    void theFirstPeriodRunsFromCreationToTheFirstBoundaryThenBoundaryToBoundary() {
        DurationSpec day = DurationSpec.parse("1d");
        long made = at("2026-12-05T07:14:19Z");
        assertThat(day.periodStart(made, made, at("2026-12-05T20:00:00Z"), UTC)).isEqualTo(made);
        assertThat(day.periodEnd(made, at("2026-12-05T20:00:00Z"), UTC)).isEqualTo(at("2026-12-06T00:00:00Z"));
        assertThat(day.periodStart(made, made, at("2026-12-06T00:00:00Z"), UTC)).as("the boundary begins the next").isEqualTo(at("2026-12-06T00:00:00Z"));
        assertThat(day.periodStart(made, made, at("2027-03-01T05:00:00Z"), UTC)).isEqualTo(at("2027-03-01T00:00:00Z"));
        assertThat(day.periodEnd(made, at("2027-03-01T05:00:00Z"), UTC)).isEqualTo(at("2027-03-02T00:00:00Z"));

        DurationSpec month = DurationSpec.parse("30d");
        assertThat(month.periodStart(made, made, at("2027-03-15T00:00:00Z"), UTC)).isEqualTo(at("2027-03-01T00:00:00Z"));
        assertThat(month.periodEnd(made, at("2027-03-15T00:00:00Z"), UTC)).isEqualTo(at("2027-04-01T00:00:00Z"));

        DurationSpec week = DurationSpec.parse("7d");
        assertThat(week.periodStart(made, made, at("2026-12-16T09:00:00Z"), UTC)).as("Wednesday: since Monday").isEqualTo(at("2026-12-14T00:00:00Z"));

        // custom days: every 10 days from the first midnight, as LiteLLM's job computes it after each reset
        DurationSpec ten = DurationSpec.parse("10d");
        assertThat(ten.periodStart(made, made, at("2027-01-01T12:00:00Z"), UTC)).isEqualTo(at("2026-12-25T00:00:00Z"));
        assertThat(ten.periodEnd(made, at("2027-01-01T12:00:00Z"), UTC)).isEqualTo(at("2027-01-04T00:00:00Z"));

        DurationSpec halfMinute = DurationSpec.parse("30s");
        long t = at("2026-12-05T10:00:10Z");
        assertThat(halfMinute.periodStart(t, t, t + 15_000, UTC)).isEqualTo(t);
        assertThat(halfMinute.periodStart(t, t, t + 25_000, UTC)).isEqualTo(at("2026-12-05T10:00:30Z"));
        // a year later, quickly: the walk starts near now
        long later = at("2027-12-05T10:00:45Z");
        assertThat(halfMinute.periodStart(t, t, later, UTC)).isEqualTo(at("2027-12-05T10:00:30Z"));
        assertThat(halfMinute.periodEnd(t, later, UTC)).isEqualTo(at("2027-12-05T10:01:00Z"));
    }

    @Test
    void aDurationChangedDuringAPeriodKeepsThatPeriodUntilTheNewDurationsFirstReset() {
        DurationSpec day = DurationSpec.parse("1d");
        long changed = at("2026-12-05T10:00:00Z"), running = at("2026-12-01T00:00:00Z"); // a 30d period began on the 1st
        assertThat(day.periodStart(changed, running, at("2026-12-05T23:00:00Z"), UTC)).isEqualTo(running);
        assertThat(day.periodEnd(changed, at("2026-12-05T23:00:00Z"), UTC)).isEqualTo(at("2026-12-06T00:00:00Z"));
        assertThat(day.periodStart(changed, running, at("2026-12-06T01:00:00Z"), UTC)).isEqualTo(at("2026-12-06T00:00:00Z"));
    }

    @Test
    void theConfiguredTimeZonesMidnightAcrossDaylightSavingTime() {
        DurationSpec day = DurationSpec.parse("1d");
        // New York springs forward on Sunday 2026-03-08: that day has 23 hours
        long sat = at("2026-03-07T17:00:00Z"); // 12:00 EST
        assertThat(day.nextReset(sat, NEW_YORK)).isEqualTo(at("2026-03-08T05:00:00Z")); // 00:00 EST
        assertThat(day.periodEnd(sat, at("2026-03-08T12:00:00Z"), NEW_YORK)).isEqualTo(at("2026-03-09T04:00:00Z")); // 00:00 EDT
        assertThat(DurationSpec.parse("7d").nextReset(sat, NEW_YORK)).as("Monday 00:00 EDT").isEqualTo(at("2026-03-09T04:00:00Z"));
        assertThat(DurationSpec.parse("30d").nextReset(at("2026-10-31T12:00:00Z"), NEW_YORK)).as("November 1st 00:00 EDT")
                .isEqualTo(at("2026-11-01T04:00:00Z"));
        // falling back on 2026-11-01, 01:00-02:00 is passed twice; LiteLLM's replace(hour=2) skips the second pass
        DurationSpec hour = DurationSpec.parse("1h");
        assertThat(hour.nextReset(at("2026-11-01T04:30:00Z"), NEW_YORK)).as("00:30 EDT → 01:00 EDT").isEqualTo(at("2026-11-01T05:00:00Z"));
        assertThat(hour.nextReset(at("2026-11-01T05:30:00Z"), NEW_YORK)).as("01:30 EDT → 02:00 EST").isEqualTo(at("2026-11-01T07:00:00Z"));
        assertThat(hour.nextReset(at("2026-11-01T06:30:00Z"), NEW_YORK)).as("01:30 EST → 02:00 EST").isEqualTo(at("2026-11-01T07:00:00Z"));
        // in India a day begins at 18:30 UTC
        assertThat(day.nextReset(at("2026-12-05T19:00:00Z"), ZoneId.of("Asia/Kolkata"))).isEqualTo(at("2026-12-06T18:30:00Z"));
    }
}
