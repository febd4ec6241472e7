package dev.switchboard.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.math.BigDecimal;

/**
 * A number in an admin body as LiteLLM's pydantic models read one in their default (lax) mode: a JSON number, or a
 * string that holds one ({@code "5"}, {@code "2.5"}), which LiteLLM's UI and form-built scripts send. Anything else
 * (a word, a boolean, a list) is no number, and stays the 400 it was.
 */
final class LaxNumbers {
    private LaxNumbers() {}

    /**
     * {@code v} as a whole number, as pydantic's lax {@code int} reads one: a JSON integer; a JSON float with no fraction
     * ({@code 60.0}, {@code 1e2}: what Python's {@code json.dumps} writes for a computed limit); a string of digits, or of
     * digits followed by a point and zeros ({@code "60"}, {@code "60.0"}). Null for anything else, a fraction
     * ({@code 60.5}, {@code "60.5"}) and a string in exponent form ({@code "1e2"}) included, as pydantic refuses them,
     * and for a number outside a long.
     */
    static Long whole(JsonNode v) {
        if (v == null) return null;
        if (v.isIntegralNumber()) return v.canConvertToLong() ? v.longValue() : null;
        // a float past a double's range (1e400) is read as Infinity, which has no decimal value: no whole number
        if (v.isNumber()) return v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue()) ? null : exact(v.decimalValue());
        if (!v.isTextual()) return null;
        String s = v.textValue().strip();
        int point = s.indexOf('.');
        String digits = point < 0 ? s : s.substring(0, point);
        if (point >= 0 && !s.substring(point + 1).chars().allMatch(c -> c == '0')) return null;
        if (digits.isEmpty() || digits.length() > 64 || !digits.matches("[+-]?[0-9]+")) return null;
        return exact(new BigDecimal(digits));
    }

    private static Long exact(BigDecimal d) {
        try {
            return d.longValueExact(); // a fraction or a number past a long is none
        } catch (ArithmeticException notWhole) {
            return null;
        }
    }

    /** {@code v} as a number node (a whole number stays integral), or null when it holds none. */
    static JsonNode of(JsonNode v) {
        if (v == null || v.isNumber()) return v;
        if (!v.isTextual()) return null;
        String s = v.textValue().strip();
        if (s.isEmpty() || s.length() > 64) return null;
        try {
            BigDecimal d = new BigDecimal(s);
            if (s.chars().allMatch(c -> Character.isDigit(c) || c == '-' || c == '+')) { // as pydantic's int: digits only
                try {
                    return LongNode.valueOf(d.longValueExact());
                } catch (ArithmeticException tooLarge) {
                    return DecimalNode.valueOf(d);
                }
            }
            return DecimalNode.valueOf(d);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
