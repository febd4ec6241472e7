package dev.switchboard.model;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.time.temporal.TemporalAdjusters;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A LiteLLM duration string ({@code 30s}, {@code 30m}, {@code 30h}, {@code 1d}, {@code 7d}, {@code 2w}, {@code 1mo}, or
 * one of LiteLLM's words {@code hourly}, {@code daily}, {@code weekly}, {@code monthly}):
 * a key's expiry ({@code duration}, a fixed length from now: months are calendar months in UTC) and a budget's period
 * ({@code budget_duration}). A budget resets as LiteLLM resets it: on standard boundaries of the configured time zone
 * ({@link #nextReset}: midnight, Monday, the 1st of the month, the top of the hour), the first period from the budget's
 * creation to the first boundary ({@link #periodStart}). Deployment and provider budgets count rolling windows of the
 * duration's length instead ({@link #rollingStart}), as LiteLLM's router does. It lives in {@code model} because the
 * config loader, governance, routing and the admin API all read it.
 */
public record DurationSpec(String text, long amount, Unit unit) {
    public enum Unit { SECONDS, MINUTES, HOURS, DAYS, WEEKS, MONTHS }

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,6})(s|m|h|d|w|mo)");

    /** What the error messages show as the accepted forms. */
    public static final String FORMS = "a number and a unit: 30s, 30m, 30h, 1d, 7d, 2w or 1mo; or hourly, daily, weekly or monthly";

    /**
     * LiteLLM's words for durations ({@code _BUDGET_DURATION_WORD_ALIASES} in its {@code duration_parser.py}, matched
     * stripped and in any case), read as the forms they stand for wherever LiteLLM reads a duration: a budget's period,
     * a key's expiry, a rotation's grace. {@code daily} is LiteLLM's {@code 24h}, which resets at the next midnight as
     * {@code 1d} does.
     */
    private static final java.util.Map<String, String> WORDS = java.util.Map.of(
            "hourly", "1h", "daily", "24h", "weekly", "7d", "monthly", "30d");

    /**
     * A duration, its {@link #text} trimmed and a word in the form it stands for ({@code monthly} is {@code 30d}): the
     * text is what the stores write, and a gateway from before the words (whose parse refuses them) reads the same
     * database, so a stored word would lose it every key, team, user or customer at its start and every sync. LiteLLM
     * shows the word as it was sent; this shows the form.
     *
     * @throws IllegalArgumentException naming the accepted forms when {@code text} is not one
     */
    public static DurationSpec parse(String text) {
        String form = text == null ? null : WORDS.getOrDefault(text.trim().toLowerCase(java.util.Locale.ROOT), text.trim());
        Matcher m = form == null ? null : FORMAT.matcher(form);
        if (m == null || !m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; expected " + FORMS + ".");
        }
        Unit unit = switch (m.group(2)) {
            case "s" -> Unit.SECONDS;
            case "m" -> Unit.MINUTES;
            case "h" -> Unit.HOURS;
            case "d" -> Unit.DAYS;
            case "w" -> Unit.WEEKS;
            default -> Unit.MONTHS;
        };
        return new DurationSpec(form, Long.parseLong(m.group(1)), unit);
    }

    private static final Pattern ZERO = Pattern.compile("0+(s|m|h|d|w|mo)");

    /**
     * Whether {@code text} is a duration of zero ({@code 0s}, {@code 0h}, …), which {@link #parse} refuses and LiteLLM's
     * {@code grace_period} takes as "none" (the old secret stops at once).
     */
    public static boolean isZero(String text) { return text != null && ZERO.matcher(text.strip()).matches(); }

    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code from} plus this duration, in epoch milliseconds. */
    public long after(long fromMillis) {
        if (unit == Unit.MONTHS) {
            return Instant.ofEpochMilli(fromMillis).atOffset(ZoneOffset.UTC).plusMonths(amount).toInstant().toEpochMilli();
        }
        return fromMillis + fixed().toMillis();
    }

    /**
     * The start of the rolling window that holds {@code nowMillis}, when windows of this length follow each other from
     * {@code anchorMillis}: anchor + k × duration for the largest k with a start ≤ now (k ≥ 0). Months count from the
     * anchor each time (anchor + k months), so a window anchored on the 31st ends on the last day of short months and on
     * the 31st again after them. This is how LiteLLM's router counts a deployment's or a provider's budget (a window of
     * the duration's length), not how it resets a key's, team's, user's or customer's: for those see {@link #nextReset}.
     */
    public long rollingStart(long anchorMillis, long nowMillis) {
        if (nowMillis <= anchorMillis) return anchorMillis;
        if (unit != Unit.MONTHS) {
            long len = fixed().toMillis();
            return anchorMillis + (nowMillis - anchorMillis) / len * len;
        }
        return plusMonths(anchorMillis, monthsToPeriod(anchorMillis, nowMillis));
    }

    /** The end of the rolling window that holds {@code nowMillis} (see {@link #rollingStart}). */
    public long rollingEnd(long anchorMillis, long nowMillis) {
        if (unit != Unit.MONTHS) return rollingStart(anchorMillis, nowMillis) + fixed().toMillis();
        return plusMonths(anchorMillis, monthsToPeriod(anchorMillis, nowMillis) + amount);
    }

    /**
     * LiteLLM's next budget reset after {@code fromMillis} ({@code get_next_standardized_reset_time} in
     * {@code litellm_core_utils/duration_parser.py}), on the wall clock of {@code zone}: {@code 1d} the next midnight,
     * {@code 7d} and {@code 1w} the next Monday 00:00, {@code 30d} and {@code 1mo} the 1st of the next month 00:00, any
     * other number of days (or weeks) midnight that many days on; hours, minutes and seconds the next multiple of the
     * number within the day, the hour or the minute ({@code 5h}: 05:00, 10:00, 15:00, 20:00, then 01:00 the next day,
     * as LiteLLM's arithmetic has it). LiteLLM refuses months other than one; here {@code Nmo} is the 1st of the month N
     * months on.
     */
    public long nextReset(long fromMillis, ZoneId zone) {
        ZonedDateTime now = Instant.ofEpochMilli(fromMillis).atZone(zone);
        boolean fold = laterOffset(now);
        LocalDateTime t = now.toLocalDateTime();
        LocalDate today = t.toLocalDate();
        int v = (int) amount;
        return switch (unit) {
            case DAYS -> days(today, v, zone);
            case WEEKS -> days(today, 7 * v, zone);
            case MONTHS -> startOfDay(today.withDayOfMonth(1).plusMonths(v), zone);
            case HOURS -> {
                long next = t.getHour() + v - (t.getHour() % v);
                if (next >= 24) yield at(today.plusDays(1).atTime((int) (next % 24), 0), zone, fold);
                yield at(today.atTime((int) next, 0), zone, fold);
            }
            case MINUTES -> {
                long nextMinute = t.getMinute() + v - (t.getMinute() % v);
                long nextHour = t.getHour() + nextMinute / 60;
                int minute = (int) (nextMinute % 60);
                if (nextHour >= 24) yield at(today.plusDays(1).atTime((int) (nextHour % 24), minute), zone, fold);
                yield at(today.atTime((int) nextHour, minute), zone, fold);
            }
            case SECONDS -> {
                long nextSecond = t.getSecond() + v - (t.getSecond() % v);
                long nextMinute = t.getMinute() + nextSecond / 60;
                int second = (int) (nextSecond % 60);
                long nextHour = t.getHour() + nextMinute / 60;
                int minute = (int) (nextMinute % 60);
                if (nextHour >= 24) yield at(today.plusDays(1).atTime((int) (nextHour % 24), minute, second), zone, fold);
                yield at(today.atTime((int) nextHour, minute, second), zone, fold);
            }
        };
    }

    /** LiteLLM's day rule: 1 the next midnight, 7 the next Monday, 30 the 1st of the next month, else midnight N days on. */
    private static long days(LocalDate today, int n, ZoneId zone) {
        if (n == 1) return startOfDay(today.plusDays(1), zone);
        if (n == 7) return startOfDay(today.with(TemporalAdjusters.next(DayOfWeek.MONDAY)), zone);
        if (n == 30) return startOfDay(today.withDayOfMonth(1).plusMonths(1), zone);
        return startOfDay(today.plusDays(n), zone);
    }

    /**
     * The start of the budget period that holds {@code nowMillis}, for a budget whose duration was set at
     * {@code setAtMillis} (its creation, or the update that set this duration) and whose first period counts the spend
     * from {@code spendFromMillis} (≤ setAt: the period that was running when the duration changed goes on). The first
     * reset is {@link #nextReset} of setAt; each later one is {@link #nextReset} of the one before — what LiteLLM's reset
     * job computes when it runs on time. A pure function of these facts and now, the same on every gateway.
     */
    public long periodStart(long setAtMillis, long spendFromMillis, long nowMillis, ZoneId zone) {
        long first = nextReset(setAtMillis, zone);
        if (nowMillis < first) return Math.min(spendFromMillis, setAtMillis);
        return lastReset(first, nowMillis, zone);
    }

    /** When the budget period holding {@code nowMillis} ends: the next reset (see {@link #periodStart}). */
    public long periodEnd(long setAtMillis, long nowMillis, ZoneId zone) {
        long first = nextReset(setAtMillis, zone);
        if (nowMillis < first) return first;
        return nextReset(lastReset(first, nowMillis, zone), zone);
    }

    /** The latest reset ≤ now in the chain first, nextReset(first), … (now ≥ first). */
    private long lastReset(long first, long nowMillis, ZoneId zone) {
        ZonedDateTime now = Instant.ofEpochMilli(nowMillis).atZone(zone);
        LocalDate day = now.toLocalDate();
        long candidate;
        switch (unit) {
            case DAYS, WEEKS -> {
                long n = unit == Unit.WEEKS ? 7 * amount : amount;
                if (n == 1) candidate = startOfDay(day, zone);
                else if (n == 7) candidate = startOfDay(day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)), zone);
                else if (n == 30) candidate = startOfDay(day.withDayOfMonth(1), zone);
                else {
                    LocalDate firstDay = skippedDays(Instant.ofEpochMilli(first).atZone(zone).toLocalDate(), n, first, nowMillis, zone);
                    long k = java.time.temporal.ChronoUnit.DAYS.between(firstDay, day) / n;
                    candidate = startOfDay(firstDay.plusDays(k * n), zone);
                }
                return Math.max(first, candidate);
            }
            case MONTHS -> {
                YearMonth firstMonth = YearMonth.from(Instant.ofEpochMilli(first).atZone(zone));
                long k = java.time.temporal.ChronoUnit.MONTHS.between(firstMonth, YearMonth.from(now)) / amount;
                return Math.max(first, startOfDay(firstMonth.plusMonths(k * amount).atDay(1), zone));
            }
            default -> {
                if (unit != Unit.HOURS && amount > 60) return lastStepReset(first, nowMillis, zone);
                // Hours, and minutes and seconds of at most 60: every reset LiteLLM's rule can give is in the chain,
                // so the walk may start from the first one after a point a little before now (at most 72 steps for
                // 1h, 120 for 1m or 1s).
                long window = unit == Unit.HOURS ? 3 * 86_400_000L : unit == Unit.MINUTES ? 2 * 3_600_000L : 2 * 60_000L;
                long p = first;
                // a start just before a repeated hour's second pass can give a first-pass reset after now: start earlier
                for (long from = nowMillis - window; from > first; from -= window) {
                    long start = nextReset(chainPoint(first, from, zone), zone);
                    if (start <= nowMillis) {
                        p = start;
                        break;
                    }
                }
                for (long next = nextReset(p, zone); next <= nowMillis; next = nextReset(p, zone)) p = next;
                return p;
            }
        }
    }

    /**
     * Where a short walk to now may start so that it follows the chain: {@code from}, unless it is in a repeated hour's
     * second pass that the chain is not in. The chain keeps to the second pass only while it has been there since its
     * first reset (Python's fold carries on from a reset in it); otherwise its resets in that hour are first-pass ones,
     * so the walk starts from the first pass's same wall-clock time.
     */
    private static long chainPoint(long first, long from, ZoneId zone) {
        ZonedDateTime z = Instant.ofEpochMilli(from).atZone(zone);
        if (!laterOffset(z)) return from;
        ZonedDateTime f = Instant.ofEpochMilli(first).atZone(zone);
        var rules = zone.getRules();
        if (laterOffset(f) && rules.getTransition(f.toLocalDateTime()).equals(rules.getTransition(z.toLocalDateTime()))) return from;
        return z.withEarlierOffsetAtOverlap().toInstant().toEpochMilli();
    }

    /**
     * The day a chain of resets every {@code n} days counts from: {@code firstDay}, unless one of its resets up to now
     * fell on a day the zone skipped whole (Samoa's 30 December 2011): that reset is the next day's midnight and the
     * chain goes on from it. Only the zone's historical transitions can skip a day; there are a handful in all.
     */
    private static LocalDate skippedDays(LocalDate firstDay, long n, long first, long nowMillis, ZoneId zone) {
        LocalDate base = firstDay;
        for (ZoneOffsetTransition t : zone.getRules().getTransitions()) {
            if (!t.isGap() || t.getDuration().compareTo(Duration.ofDays(1)) < 0) continue;
            long at = t.toEpochSecond() * 1000;
            if (at <= first || at > nowMillis) continue;
            LocalDate from = t.getDateTimeBefore().toLocalDate();
            long k = Math.max(0, Math.ceilDiv(java.time.temporal.ChronoUnit.DAYS.between(base, from), n));
            for (int i = 0; i < 3; i++, k++) { // the skipped days are the first one or two of the chain's days from there
                LocalDate day = base.plusDays(k * n);
                ZonedDateTime start = day.atStartOfDay(zone);
                if (start.toInstant().toEpochMilli() > nowMillis) break;
                if (!start.toLocalDate().equals(day)) {
                    base = start.toLocalDate();
                    break;
                }
            }
        }
        return base;
    }

    private static final long SECOND = 1_000, MINUTE = 60_000, HOUR = 3_600_000, DAY = 86_400_000;

    /**
     * {@link #lastReset} for minutes and seconds over 60 ({@code 61s}, {@code 90m}), without walking every reset since
     * the first: a global budget counts from 1970, where a walk is 29.5 million steps for {@code 61s}. LiteLLM's rule
     * puts the reset after a wall-clock time at that time cut to the hour (minute) plus v minutes (seconds), so after
     * the first reset each one is a fixed floor(v/60) hours (minutes) of wall clock after the one before (past a day,
     * {@code 1500m} or {@code 86460s}: the next day, the time of day moving on by that step modulo a day). Only a reset
     * whose wall-clock time falls in a gap (clocks forward) moves the chain: the time is pushed past the gap and the
     * chain goes on from there. So this jumps in one step to the last reset before now or before the next gap, and
     * takes single steps only into a gap, or through a repeated hour the chain is in the second pass of (Python's
     * fold, which {@link #nextReset} keeps while the wall clock stays in that hour): a few steps for each clock change
     * passed, none in a zone without them. The results are those of the walk ({@code DurationSpecScheduleTest}).
     */
    private long lastStepReset(long first, long nowMillis, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        ZonedDateTime now = Instant.ofEpochMilli(nowMillis).atZone(zone);
        // the latest wall-clock time whose reset (earlier offset in a repeated hour) is at or before now
        long threshold = localMillis(now);
        if (laterOffset(now)) threshold = localMillis(rules.getTransition(now.toLocalDateTime()).getDateTimeBefore()) - 1;
        long p = first;
        while (true) {
            ZonedDateTime at = Instant.ofEpochMilli(p).atZone(zone);
            if (laterOffset(at)) {
                long next = nextReset(p, zone);
                if (next > nowMillis) return p;
                p = next;
                continue;
            }
            long wall = stepAfter(localMillis(at));
            long next = at(wallClock(wall), zone, false); // nextReset(p, zone): p is not in a second pass
            if (next > nowMillis) return p;
            if (localMillis(next, rules) != wall) { // in a gap: the chain goes on from the pushed time
                p = next;
                continue;
            }
            ZoneOffsetTransition gap = rules.nextTransition(Instant.ofEpochMilli(next));
            while (gap != null && !gap.isGap()) gap = rules.nextTransition(gap.getInstant());
            long gapStart = gap == null ? Long.MAX_VALUE : localMillis(gap.getDateTimeBefore());
            p = at(wallClock(lastStepAtOrBefore(wall, Math.min(threshold, gapStart - 1))), zone, false);
            if (threshold < gapStart) return p;
        }
    }

    /** The wall-clock time (local epoch ms) of LiteLLM's next reset after the wall-clock time {@code wall} (v > 60). */
    private long stepAfter(long wall) {
        long unitMillis = unit == Unit.MINUTES ? HOUR : MINUTE;
        long perDay = DAY / unitMillis;
        long total = Math.floorMod(wall, DAY) / unitMillis + amount / 60;
        long day = Math.floorDiv(wall, DAY) + (total < perDay ? 0 : 1);
        return day * DAY + (total % perDay) * unitMillis + (amount % 60) * (unit == Unit.MINUTES ? MINUTE : SECOND);
    }

    /** The last of the resets {@code wall}, {@link #stepAfter}({@code wall}), … at or before {@code limit} (≥ wall), none in a gap. */
    private long lastStepAtOrBefore(long wall, long limit) {
        long unitMillis = unit == Unit.MINUTES ? HOUR : MINUTE;
        long perDay = DAY / unitMillis;
        long q = amount / 60;
        if (q <= perDay) { // each reset a fixed q units after the one before
            long step = q * unitMillis;
            return wall + (limit - wall) / step * step;
        }
        // each the next day, the time of day q mod a day later (wrapping): the k-th is k days on
        long k = Math.floorDiv(limit, DAY) - Math.floorDiv(wall, DAY);
        long time = Math.floorMod(wall, DAY);
        long units = time / unitMillis, rest = time % unitMillis;
        long candidate = (Math.floorDiv(wall, DAY) + k) * DAY + (units + k % perDay * (q % perDay)) % perDay * unitMillis + rest;
        if (candidate <= limit) return candidate;
        k--;
        return (Math.floorDiv(wall, DAY) + k) * DAY + (units + k % perDay * (q % perDay)) % perDay * unitMillis + rest;
    }

    private static long localMillis(ZonedDateTime z) {
        return z.toInstant().toEpochMilli() + z.getOffset().getTotalSeconds() * 1000L;
    }

    private static long localMillis(long instant, ZoneRules rules) {
        return instant + rules.getOffset(Instant.ofEpochMilli(instant)).getTotalSeconds() * 1000L;
    }

    private static long localMillis(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC) * 1000 + t.getNano() / 1_000_000;
    }

    private static LocalDateTime wallClock(long localMillis) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(localMillis, 1000), (int) Math.floorMod(localMillis, 1000) * 1_000_000,
                ZoneOffset.UTC);
    }

    private static long startOfDay(LocalDate day, ZoneId zone) { return day.atStartOfDay(zone).toInstant().toEpochMilli(); }

    /**
     * A wall-clock time in {@code zone} as Python's {@code datetime.replace} on an aware time resolves it: in a gap
     * (the clocks jump forward) the offset from before the jump, which is the instant Java gives; in an overlap the
     * earlier offset unless the time it came from was the repeated hour's second pass ({@code fold}).
     */
    private static long at(LocalDateTime t, ZoneId zone, boolean fold) {
        ZonedDateTime z = ZonedDateTime.of(t, zone);
        return (fold ? z.withLaterOffsetAtOverlap() : z).toInstant().toEpochMilli();
    }

    /** Whether this time is the second pass of a repeated wall-clock hour (Python's {@code fold=1}). */
    private static boolean laterOffset(ZonedDateTime z) {
        var offsets = z.getZone().getRules().getValidOffsets(z.toLocalDateTime());
        return offsets.size() == 2 && z.getOffset().equals(offsets.get(1));
    }

    /** Months from the anchor to the start of the period holding now (a multiple of {@code amount}). */
    private long monthsToPeriod(long anchorMillis, long nowMillis) {
        if (nowMillis <= anchorMillis) return 0;
        var anchor = Instant.ofEpochMilli(anchorMillis).atOffset(ZoneOffset.UTC);
        var now = Instant.ofEpochMilli(nowMillis).atOffset(ZoneOffset.UTC);
        // between() may count one short or long around clamped month ends: start a step early, then walk
        long k = Math.max(0, java.time.temporal.ChronoUnit.MONTHS.between(anchor, now) / amount * amount - amount);
        while (plusMonths(anchorMillis, k + amount) <= nowMillis) k += amount;
        return k;
    }

    private static long plusMonths(long millis, long months) {
        return Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC).plusMonths(months).toInstant().toEpochMilli();
    }

    private Duration fixed() {
        return switch (unit) {
            case SECONDS -> Duration.ofSeconds(amount);
            case MINUTES -> Duration.ofMinutes(amount);
            case HOURS -> Duration.ofHours(amount);
            case DAYS -> Duration.ofDays(amount);
            case WEEKS -> Duration.ofDays(7 * amount);
            case MONTHS -> throw new IllegalStateException("months have no fixed length");
        };
    }

    @Override
    public String toString() { return text; }
}
