package dev.switchboard.model;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A LiteLLM duration string ({@code 30s}, {@code 30m}, {@code 30h}, {@code 1d}, {@code 7d}, {@code 2w}, {@code 1mo}):
 * a key's expiry ({@code duration}) and a budget's period ({@code budget_duration}). Months are calendar months
 * in UTC (a budget created on Jan 31 resets on Feb 28/29, then Mar 31), the rest fixed lengths. It lives in
 * {@code model} because the config loader, governance and the admin API all read it.
 */
public record DurationSpec(String text, long amount, Unit unit) {
    public enum Unit { SECONDS, MINUTES, HOURS, DAYS, WEEKS, MONTHS }

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,6})(s|m|h|d|w|mo)");

    /** What the error messages show as the accepted forms. */
    public static final String FORMS = "a number and a unit: 30s, 30m, 30h, 1d, 7d, 2w or 1mo";

    /** @throws IllegalArgumentException naming the accepted forms when {@code text} is not one */
    public static DurationSpec parse(String text) {
        Matcher m = text == null ? null : FORMAT.matcher(text.trim());
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
        return new DurationSpec(text.trim(), Long.parseLong(m.group(1)), unit);
    }

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
     * The start of the period that holds {@code nowMillis}, when periods of this length follow each other from
     * {@code anchorMillis}: anchor + k × duration for the largest k with a start ≤ now (k ≥ 0). Months count from
     * the anchor each time (anchor + k months), so a budget anchored on the 31st resets on the last day of short
     * months and on the 31st again after them.
     */
    public long periodStart(long anchorMillis, long nowMillis) {
        if (nowMillis <= anchorMillis) return anchorMillis;
        if (unit != Unit.MONTHS) {
            long len = fixed().toMillis();
            return anchorMillis + (nowMillis - anchorMillis) / len * len;
        }
        return plusMonths(anchorMillis, monthsToPeriod(anchorMillis, nowMillis));
    }

    /** The end of the period that holds {@code nowMillis}: when the budget next resets. */
    public long periodEnd(long anchorMillis, long nowMillis) {
        if (unit != Unit.MONTHS) return periodStart(anchorMillis, nowMillis) + fixed().toMillis();
        return plusMonths(anchorMillis, monthsToPeriod(anchorMillis, nowMillis) + amount);
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
