package dev.switchboard.provider;

import io.vertx.core.http.HttpClientResponse;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * An upstream's {@code retry-after} read as what RFC 9110 allows (delta-seconds or an HTTP-date), and its
 * {@code retry-after-ms} (OpenAI's and Azure's finer form, preferred when both are there), clamped to
 * 0–{@value #MAX_SECONDS} s. Anything else is dropped: the value drives our cooldowns and is passed on to clients,
 * so {@code -5} or 10²⁰ must not arrive there as is (the router then backs off on its own).
 */
public final class RetryAfter {
    /** An hour: no provider asks for longer, and a cooldown past it is a deployment taken out by one header. */
    public static final long MAX_SECONDS = 3600;

    private RetryAfter() {}

    /** The response's wait in whole seconds (rounded up), or null when it sent none that can be read. */
    public static Long of(HttpClientResponse resp) {
        return of(resp.getHeader("retry-after-ms"), resp.getHeader("retry-after"), Instant.now());
    }

    /** {@code millis} (retry-after-ms) wins when readable, else {@code value} (retry-after). */
    public static Long of(String millis, String value, Instant now) {
        Long ms = number(millis, 1000);
        if (ms != null) return ms;
        return seconds(value, now);
    }

    /** A retry-after value: delta-seconds (a decimal fraction is tolerated and rounded up) or an HTTP-date. */
    public static Long seconds(String value, Instant now) {
        if (value == null) return null;
        Long n = number(value, 1);
        if (n != null) return n;
        try {
            ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
            long wait = (long) Math.ceil((at.toInstant().toEpochMilli() - now.toEpochMilli()) / 1000.0);
            return Math.clamp(wait, 0, MAX_SECONDS); // a date in the past: retry now
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * A non-negative decimal number of {@code unit}ths of a second, in whole seconds rounded up and clamped; null
     * for anything else (a sign, an exponent, letters, NaN).
     */
    static Long number(String value, int unit) {
        if (value == null) return null;
        String v = value.trim();
        if (v.isEmpty() || v.length() > 64 || !v.matches("\\d+(\\.\\d+)?")) return null;
        int dot = v.indexOf('.');
        String whole = dot < 0 ? v : v.substring(0, dot);
        boolean fraction = dot >= 0 && !v.substring(dot + 1).matches("0+");
        if (whole.replaceFirst("^0+", "").length() > 12) return MAX_SECONDS; // 10^12 ms and more: far past the cap
        long n = Long.parseLong(whole) + (fraction ? 1 : 0);
        long secs = (n + unit - 1) / unit;
        return Math.min(secs, MAX_SECONDS);
    }
}
