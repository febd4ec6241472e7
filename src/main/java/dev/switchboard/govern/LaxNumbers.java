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
