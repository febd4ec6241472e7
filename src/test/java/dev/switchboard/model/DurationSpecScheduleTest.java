package dev.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link DurationSpec#periodStart} and {@link DurationSpec#periodEnd} against the walk they replace: the first reset is
 * {@link DurationSpec#nextReset} of the moment the duration was set, each later one {@code nextReset} of the one before
 * (what the eighteenth session's code did for {@code 61s}-style durations, one step per reset since the first).
 */
class DurationSpecScheduleTest {
    private static final long MINUTE = 60_000, HOUR = 3_600_000, DAY = 86_400_000;
    private static final ZoneId UTC = ZoneOffset.UTC;

    /** The oracle: the period start by walking every reset from the first. */
    static long walkStart(DurationSpec d, long setAt, long spendFrom, long now, ZoneId zone) {
        long first = d.nextReset(setAt, zone);
        if (now < first) return Math.min(spendFrom, setAt);
        long p = first;
        for (long next = d.nextReset(p, zone); next <= now; next = d.nextReset(p, zone)) p = next;
        return p;
    }

    private static final String[] SPECS = {
        "1s", "7s", "30s", "45s", "59s", "60s", "61s", "90s", "119s", "120s", "150s", "3599s", "3600s", "3601s", "7261s",
        "86399s", "86400s", "86460s", "100000s", "999999s",
        "1m", "7m", "45m", "60m", "61m", "90m", "119m", "120m", "150m", "1439m", "1440m", "1441m", "1500m", "2000m",
        "999999m",
        "1h", "5h", "7h", "23h", "24h", "25h", "30h", "48h",
        "1d", "3d", "7d", "10d", "30d", "31d", "1w", "2w", "1mo", "3mo", "12mo"};

    private static final ZoneId[] ZONES = {
        UTC, ZoneId.of("America/New_York"), ZoneId.of("Europe/London"), ZoneId.of("Asia/Kolkata"),
        ZoneId.of("Australia/Lord_Howe"), ZoneId.of("Asia/Kathmandu"), ZoneId.of("Pacific/Apia"),
        ZoneId.of("Antarctica/Troll"), ZoneId.of("America/Sao_Paulo"), ZoneId.of("America/Havana")};

    private static final long Y1970 = 0, Y2035 = Instant.parse("2035-01-01T00:00:00Z").toEpochMilli();

    /** About how long one period of {@code d} is, to keep each walk short. */
    private static long roughStep(DurationSpec d) {
        long v = d.amount();
        return switch (d.unit()) {
            case SECONDS -> v > 60 ? Math.max(MINUTE, v / 60 * MINUTE) : v * 1000;
            case MINUTES -> v > 60 ? Math.max(HOUR, v / 60 * HOUR) : v * MINUTE;
            case HOURS -> Math.min(v, 24) * HOUR;
            case DAYS -> v * DAY;
            case WEEKS -> 7 * v * DAY;
            case MONTHS -> 28 * v * DAY;
        };
    }

    /** Instants near the zone's clock changes (both passes of a repeated hour, the edges of a gap) and month ends. */
    private static List<Long> specialInstants(ZoneId zone) {
        List<Long> out = new ArrayList<>();
        ZoneOffsetTransition t = zone.getRules().nextTransition(Instant.ofEpochMilli(Y1970 - DAY));
        while (t != null && t.getInstant().toEpochMilli() < Y2035) {
            out.add(t.getInstant().toEpochMilli());
            t = zone.getRules().nextTransition(t.getInstant());
        }
        for (int y = 1970; y < 2035; y += 3) {
            for (int m = 1; m <= 12; m++) {
                out.add(java.time.LocalDate.of(y, m, 1).atStartOfDay(zone).toInstant().toEpochMilli());
            }
        }
        return out;
    }

    private static long pick(SplittableRandom r, List<Long> special) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextLong(Y1970, Y2035);
            case 1 -> r.nextLong(Y1970, Y1970 + 400 * DAY);
            default -> special.get(r.nextInt(special.size())) + r.nextLong(-3 * HOUR, 3 * HOUR) / 1000 * 1000
                    + (r.nextBoolean() ? 0 : r.nextInt(1000));
        };
    }

    /** Random instants per spec and zone: 12 × 54 specs × 10 zones = 6,480 checks (25 took ~12 s of the suite). */
    private static final int PER_SPEC = 12;

    @Test
    void everyUnitGivesTheWalksPeriodsAtRandomInstants() {
        SplittableRandom r = new SplittableRandom(20261205);
        int checked = 0;
        for (ZoneId zone : ZONES) {
            List<Long> special = specialInstants(zone);
            for (String text : SPECS) {
                DurationSpec d = DurationSpec.parse(text);
                long step = roughStep(d);
                for (int i = 0; i < PER_SPEC; i++) {
                    long setAt = pick(r, special);
                    long spendFrom = setAt - r.nextLong(0, 10 * DAY);
                    long span = step * (r.nextInt(10) == 0 ? 3000 : 200);
                    long now = r.nextInt(5) == 0
                            ? pick(r, special) + step * r.nextInt(3) // near a clock change after a while
                            : setAt + r.nextLong(-step, span);
                    if (now < setAt - step) now = setAt + r.nextLong(0, span);
                    if ((now - setAt) / step > 3_000) now = setAt + r.nextLong(0, span); // keep the oracle quick (its walk is one reset a step)
                    check(d, setAt, spendFrom, now, zone);
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(ZONES.length * SPECS.length * PER_SPEC);
    }

    @Test
    void longChainsFromTheEpochMatchTheWalkAtEveryHundredthReset() {
        SplittableRandom r = new SplittableRandom(7);
        long end = Instant.parse("2026-12-05T09:00:00Z").toEpochMilli();
        for (ZoneId zone : new ZoneId[] {UTC, ZoneId.of("America/New_York"), ZoneId.of("Australia/Lord_Howe")}) {
            for (String text : new String[] {"61m", "90m", "120m", "150m", "5h", "30h", "3d", "2w", "1mo", "3mo", "1500m"}) {
                chain(DurationSpec.parse(text), 0, end, zone, 97, r);
            }
            // a quarter of a year of 61s, 90s, 119s from the epoch, and one from a recent instant around a clock change
            for (String text : new String[] {"61s", "90s", "119s", "7261s", "100000s"}) {
                chain(DurationSpec.parse(text), 0, 100 * DAY, zone, 997, r);
                long spring = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
                chain(DurationSpec.parse(text), spring, spring + 60 * DAY, zone, 97, r);
                long autumn = Instant.parse("2026-10-01T00:00:00Z").toEpochMilli();
                chain(DurationSpec.parse(text), autumn, autumn + 60 * DAY, zone, 97, r);
            }
        }
    }

    /** Walks the chain from setAt to end and checks, at every {@code every}-th reset, an instant inside its period. */
    private static void chain(DurationSpec d, long setAt, long end, ZoneId zone, int every, SplittableRandom r) {
        long p = d.nextReset(setAt, zone);
        for (long n = 0; p <= end; n++) {
            long next = d.nextReset(p, zone);
            if (n % every == 0 || next - p < 2000) {
                long now = p + r.nextLong(0, next - p);
                assertThat(d.periodStart(setAt, setAt, now, zone)).as("%s %s set %d now %d", d, zone, setAt, now).isEqualTo(p);
                assertThat(d.periodStart(setAt, setAt, next - 1, zone)).as("%s %s set %d now %d", d, zone, setAt, next - 1).isEqualTo(p);
                assertThat(d.periodEnd(setAt, now, zone)).as("%s %s end set %d now %d", d, zone, setAt, now).isEqualTo(next);
            }
            p = next;
        }
    }

    @Test
    void aResetSetInTheSecondPassOfARepeatedHourKeepsItsFold() {
        ZoneId ny = ZoneId.of("America/New_York");
        long secondPass = Instant.parse("2026-11-01T06:10:00Z").toEpochMilli(); // 01:10 EST, the second 01:10
        long firstPass = Instant.parse("2026-11-01T05:10:00Z").toEpochMilli(); // 01:10 EDT
        for (String text : new String[] {"61s", "90s", "119s", "61m", "90m", "5h", "1s", "45m"}) {
            DurationSpec d = DurationSpec.parse(text);
            for (long setAt : new long[] {secondPass, firstPass, secondPass + 45 * MINUTE, firstPass + 45 * MINUTE}) {
                for (long now = setAt; now < setAt + 4 * HOUR; now += 77_777) check(d, setAt, setAt, now, ny);
            }
        }
    }

    /**
     * Both against one walk: the end is the first reset before it, else the reset after the walk's start (the oracle
     * walked the chain twice for them, once for each: the same values, at twice the cost of this class's main work).
     */
    private static void check(DurationSpec d, long setAt, long spendFrom, long now, ZoneId zone) {
        long start = walkStart(d, setAt, spendFrom, now, zone);
        long end = now < d.nextReset(setAt, zone) ? d.nextReset(setAt, zone) : d.nextReset(start, zone);
        assertThat(d.periodStart(setAt, spendFrom, now, zone)).as("%s %s start, set %s, now %s", d, zone,
                Instant.ofEpochMilli(setAt), Instant.ofEpochMilli(now)).isEqualTo(start);
        assertThat(d.periodEnd(setAt, now, zone)).as("%s %s end, set %s, now %s", d, zone,
                Instant.ofEpochMilli(setAt), Instant.ofEpochMilli(now)).isEqualTo(end);
    }

    /**
     * The review's worst case: a global budget (its duration set at the epoch) of 61s, asked in 2026. The walk took
     * 29.5 million steps, seconds per call; 10,000 calls (a start and an end each) now take a few milliseconds in UTC,
     * and 2 s is a bound no loaded machine misses. New York passes about 57 clock-forward changes since 1970, a couple
     * of jumps each (some 50 µs a call): 1,000 calls there.
     */
    @Test
    void theGlobalBudgetsWorstCaseIsQuick() {
        long now = Instant.parse("2026-12-05T09:00:00Z").toEpochMilli();
        for (ZoneId zone : new ZoneId[] {UTC, ZoneId.of("America/New_York")}) {
            int calls = zone == UTC ? 10_000 : 1_000;
            for (String text : new String[] {"61s", "90m", "119s"}) {
                DurationSpec d = DurationSpec.parse(text);
                long started = System.nanoTime();
                long sum = 0;
                for (int i = 0; i < calls; i++) {
                    sum += d.periodStart(0, 0, now + i * 1_000L, zone) + d.periodEnd(0, now + i * 1_000L, zone);
                }
                long took = System.nanoTime() - started;
                assertThat(sum).isNotZero();
                assertThat(took).as("%s in %s: %d calls took %d ms", d, zone, calls, took / 1_000_000).isLessThan(2_000_000_000L);
            }
        }
        DurationSpec d = DurationSpec.parse("61s");
        assertThat(d.periodStart(0, 0, now, UTC)).isEqualTo(Instant.parse("2026-12-05T09:00:01Z").toEpochMilli() - MINUTE);
        assertThat(d.periodEnd(0, now, UTC)).isEqualTo(Instant.parse("2026-12-05T09:00:01Z").toEpochMilli());
    }
}
