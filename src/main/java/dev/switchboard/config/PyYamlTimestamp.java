package dev.switchboard.config;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain scalar YAML 1.1 resolves as a timestamp ({@code 2026-12-05}, {@code 2026-12-05 10:00:00}), written as Python's
 * {@code str()} of what PyYAML's {@code construct_yaml_timestamp} makes of it: a {@code date} without a time
 * ({@code 2026-12-05}), else a {@code datetime}, {@code isoformat(" ")}: {@code 2026-12-05 10:00:00}, the microseconds
 * ({@code .500000}) only when not 0, the offset ({@code +00:00} for {@code Z}) only when one was written. LiteLLM
 * exports {@code environment_variables} as {@code str(value)}, so this is the text a variable gets there.
 */
final class PyYamlTimestamp {
    private PyYamlTimestamp() {}

    /** PyYAML's own constructor pattern (the resolver that tagged the scalar is narrower: two-digit month and day when no time). */
    private static final Pattern FORM = Pattern.compile(
            "(\\d{4})-(\\d{1,2})-(\\d{1,2})"
                    + "(?:(?:[Tt]|[ \\t]+)(\\d{1,2}):(\\d{2}):(\\d{2})(?:\\.(\\d*))?"
                    + "(?:[ \\t]*(Z|([-+])(\\d{1,2})(?::(\\d{2}))?))?)?");

    /**
     * @param text a plain scalar SnakeYAML tagged as a timestamp (same YAML 1.1 resolver as PyYAML's)
     * @throws IllegalArgumentException when Python's {@code date} / {@code datetime} refuses it (month 13, hour 24, an
     *     offset of a day or more), as PyYAML then fails to load the file; the message says what is out of range
     */
    static String pythonStr(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) throw new IllegalArgumentException("not a YAML timestamp");
        int year = Integer.parseInt(m.group(1));
        if (year < 1) throw new IllegalArgumentException("year 0 is out of Python's range (1 to 9999)");
        LocalDate date;
        try {
            date = LocalDate.of(year, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        String day = date.toString(); // yyyy-MM-dd for years 1 to 9999, as Python's date
        if (m.group(4) == null) return day;
        LocalTime time;
        try {
            time = LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        StringBuilder out = new StringBuilder(day).append(' ')
                .append(String.format("%02d:%02d:%02d", time.getHour(), time.getMinute(), time.getSecond()));
        // PyYAML keeps six digits of the fraction (cut, or padded with zeros); Python shows them only when not all 0
        String fraction = m.group(7) == null ? "" : m.group(7);
        fraction = (fraction.length() > 6 ? fraction.substring(0, 6) : fraction + "000000".substring(fraction.length()));
        if (!fraction.equals("000000")) out.append('.').append(fraction);
        if (m.group(8) != null) out.append(offset(m.group(9), m.group(10), m.group(11)));
        return out.toString();
    }

    /** {@code +HH:MM} of {@code timezone(timedelta(hours=h, minutes=m))}: the minutes may carry into the hours. */
    private static String offset(String sign, String hours, String minutes) {
        if (sign == null) return "+00:00"; // Z: timezone.utc
        int total = Integer.parseInt(hours) * 60 + (minutes == null ? 0 : Integer.parseInt(minutes));
        if (total >= 24 * 60) throw new IllegalArgumentException("the offset " + sign + hours + (minutes == null ? "" : ":" + minutes)
                + " is a day or more (Python's timezone takes less than 24 hours)");
        String shownSign = total == 0 ? "+" : sign; // timedelta(0) negated is still 0: "+00:00"
        return shownSign + String.format("%02d:%02d", total / 60, total % 60);
    }
}
