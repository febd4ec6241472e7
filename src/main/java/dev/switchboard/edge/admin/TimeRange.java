package dev.switchboard.edge.admin;

import dev.switchboard.model.DurationSpec;
import dev.switchboard.model.GatewayException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The time filters of the spend routes: LiteLLM's {@code start_date} / {@code end_date} (a date, inclusive, or an
 * ISO-8601 instant), or {@code since} (a duration back from now: {@code 30d}, {@code 12h}, {@code 1mo}).
 */
public record TimeRange(Long fromMillis, Long toMillis) {

    public static TimeRange parse(String start, String end, String since, long nowMillis) {
        Long from = start == null ? null : instant(start, "start_date", false);
        Long to = end == null ? null : instant(end, "end_date", true);
        if (since != null) {
            if (from != null) throw GatewayException.badRequest("Give start_date or since, not both.", "since");
            DurationSpec d;
            try {
                d = DurationSpec.parse(since);
            } catch (IllegalArgumentException e) {
                throw GatewayException.badRequest("'since': " + e.getMessage(), "since");
            }
            from = back(d, nowMillis);
        }
        if (from != null && to != null && to <= from) {
            throw GatewayException.badRequest("end_date must be after start_date.", "end_date");
        }
        return new TimeRange(from, to);
    }

    /** {@code now} minus the duration (calendar months for {@code mo}). */
    private static long back(DurationSpec d, long now) {
        if (d.unit() == DurationSpec.Unit.MONTHS) {
            return Instant.ofEpochMilli(now).atOffset(ZoneOffset.UTC).minusMonths(d.amount()).toInstant().toEpochMilli();
        }
        return now - (d.after(0));
    }

    /** An ISO time whose offset's '+' the URL's decoding made a space ({@code 2026-11-30T12:00:00 01:00}). */
    private static final java.util.regex.Pattern PLUS_MADE_SPACE =
            java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)? \\d{2}(:?\\d{2})?");

    /** A date is its day's start (or, for an end, the next day's start: the day is included). */
    private static long instant(String v, String field, boolean end) {
        try {
            if (v.length() == 10) {
                LocalDate day = LocalDate.parse(v);
                return (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            if (v.length() == 19 && v.charAt(10) == ' ') { // LiteLLM's "2026-11-30 12:00:00" (UTC; an end includes its second)
                long at = java.time.LocalDateTime.parse(v.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
                return end ? at + 1_000 : at;
            }
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw GatewayException.badRequest("'" + field + "' must be a date (2026-11-30), an ISO-8601 time "
                    + "(2026-11-30T12:00:00Z) or LiteLLM's UTC time (2026-11-30 12:00:00), found '" + v + "'."
                    + (PLUS_MADE_SPACE.matcher(v).matches() ? " A '+' in a URL's query reads as a space: write the offset's "
                    + "'+' as %2B (2026-11-30T12:00:00%2B01:00), or give the time in UTC with Z." : ""), field);
        }
    }

    String fromIso() { return fromMillis == null ? null : Instant.ofEpochMilli(fromMillis).toString(); }

    String toIso() { return toMillis == null ? null : Instant.ofEpochMilli(toMillis).toString(); }
}
