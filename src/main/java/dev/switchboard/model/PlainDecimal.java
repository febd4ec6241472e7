package dev.switchboard.model;

/**
 * Amounts of US dollars as plain decimal text (0.00000825, never 8.25E-6), the same characters
 * {@link java.math.BigDecimal}'s {@code toPlainString} gives, without making a {@code BigDecimal}: every answer carries
 * its cost, and making the {@code BigDecimal} (a parse of the double's text) and its plain text was measured at 2-3 %
 * of a non-stream request's event-loop time.
 */
public final class PlainDecimal {
    private PlainDecimal() {}

    /** {@code BigDecimal.valueOf(value).toPlainString()}: the shortest text that reads back as this double, unscaled. */
    public static String of(double value) {
        if (!Double.isFinite(value)) return java.math.BigDecimal.valueOf(value).toPlainString(); // throws, as it did
        if (value == 0) return "0.0"; // -0.0 too: a BigDecimal has no negative zero
        String s = Double.toString(value);
        int e = s.indexOf('E');
        if (e < 0) return s; // Double.toString is plain from 10^-3 up to 10^7, and BigDecimal keeps those digits as they are
        // d.dddE±x: one digit before the point, then the fraction; the point moves x places
        boolean negative = s.charAt(0) == '-';
        int from = negative ? 1 : 0;
        String digits = s.charAt(from) + s.substring(from + 2, e);
        int point = 1 + Integer.parseInt(s, e + 1, s.length(), 10); // digits before the point in plain notation
        StringBuilder out = new StringBuilder(digits.length() + Math.abs(point) + 3);
        if (negative) out.append('-');
        if (point <= 0) {
            out.append("0.");
            out.repeat('0', -point);
            out.append(digits);
        } else if (point >= digits.length()) {
            out.append(digits);
            out.repeat('0', point - digits.length());
        } else {
            out.append(digits, 0, point).append('.').append(digits, point, digits.length());
        }
        return out.toString();
    }

    /**
     * {@code BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString()}: billionths of a dollar as dollars, at most
     * nine decimals, no trailing zeros (and no point for whole dollars).
     */
    public static String ofNanos(long nanos) {
        if (nanos == Long.MIN_VALUE) return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
        return appendNanos(new StringBuilder(24), nanos).toString();
    }

    /**
     * Appends {@link #ofNanos}'s text to {@code out}: for text around it ({@code {"total":…}} of a trace's cost), one
     * builder where a string of its own and a concatenation were made. The fraction's digits are written as a number
     * after its leading zeros, not through a string of their own.
     */
    public static StringBuilder appendNanos(StringBuilder out, long nanos) {
        if (nanos == Long.MIN_VALUE) return out.append(ofNanos(nanos));
        long abs = Math.abs(nanos);
        long whole = abs / 1_000_000_000L;
        long frac = abs % 1_000_000_000L;
        if (nanos < 0) out.append('-');
        out.append(whole);
        if (frac != 0) {
            int decimals = 9;
            while (frac % 10 == 0) {
                frac /= 10;
                decimals--;
            }
            int digits = 1;
            for (long f = frac; f >= 10; f /= 10) digits++;
            out.append('.');
            out.repeat('0', decimals - digits);
            out.append(frac);
        }
        return out;
    }
}
