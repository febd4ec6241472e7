package dev.switchboard.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.GatewayException;
import java.math.BigInteger;

/**
 * The numbers of an OpenAI-dialect request, read so that no value is silently changed. Jackson reads
 * {@code 1e400} as Infinity (which we would forward as "Infinity") and {@code longValue()} wraps an integer
 * that does not fit 64 bits, so every number is checked here: finite, and exactly representable in the type
 * we forward it as. Errors name the field, as OpenAI's {@code param} does.
 */
public final class OpenAiNumbers {
    private static final BigInteger MAX_INT = BigInteger.valueOf(Integer.MAX_VALUE);

    private OpenAiNumbers() {}

    /** A finite number (temperature, top_p), or null when absent. */
    public static Double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber()) throw typeError(field, "a number", v);
        if (!Double.isFinite(v.doubleValue())) throw notFinite(field);
        return v.doubleValue();
    }

    /** An integer between 1 and 2^31-1 (max_tokens, dimensions), or null when absent. */
    public static Integer positiveInt(JsonNode n, String field) {
        return intBetween(n, field, 1);
    }

    /**
     * An integer between {@code least} and 2^31-1, or null when absent; out of range is OpenAI's 400 in its words
     * ({@link #belowMin}): {@code max_output_tokens} takes 16 at least, a limit of 0 is told the same bound as 15.
     */
    public static Integer intBetween(JsonNode n, String field, long least) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        BigInteger i = integer(v, field);
        if (i.compareTo(BigInteger.valueOf(least)) < 0) throw belowMin(field, "integer", Long.toString(least), v);
        if (i.compareTo(MAX_INT) > 0) throw aboveMax(field, "integer", MAX_INT.toString(), v);
        return i.intValue();
    }

    /**
     * A number below OpenAI's minimum for it, in OpenAI's words and code: "Invalid 'n': integer below minimum value.
     * Expected a value >= 1, but got 0 instead." ({@code integer_below_min_value}; {@code decimal_…} for a field the spec
     * types as a number, such as temperature). {@code got} is the value as the client wrote it.
     */
    public static GatewayException belowMin(String field, String kind, String min, JsonNode got) {
        return GatewayException.badRequest("Invalid '" + field + "': " + kind + " below minimum value. Expected a value >= "
                + min + ", but got " + written(got) + " instead.", field, kind + "_below_min_value");
    }

    /** A number above OpenAI's maximum for it, as {@link #belowMin} ({@code decimal_above_max_value}, …). */
    public static GatewayException aboveMax(String field, String kind, String max, JsonNode got) {
        return GatewayException.badRequest("Invalid '" + field + "': " + kind + " above maximum value. Expected a value <= "
                + max + ", but got " + written(got) + " instead.", field, kind + "_above_max_value");
    }

    /** A number as its JSON spelled it (3 stays 3, 2.5 stays 2.5), as OpenAI's messages repeat it. */
    private static String written(JsonNode v) {
        return v.isIntegralNumber() ? v.bigIntegerValue().toString() : v.asText();
    }

    /** An integer that fits 64 bits (seed), or null when absent; a larger one is refused, never wrapped around. */
    public static Long int64(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        BigInteger i = integer(v, field);
        if (i.bitLength() > 63) {
            throw GatewayException.badRequest("Invalid '" + field + "': " + i + " does not fit a 64-bit integer (from "
                    + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ").", field);
        }
        return i.longValue();
    }

    /**
     * The exact integer value: an integer literal of any size, or a float literal with no fraction ({@code 5.0},
     * {@code 1e3}), which clients that only have doubles send and OpenAI accepts.
     */
    public static BigInteger integer(JsonNode v, String field) {
        if (v.isIntegralNumber()) return v.bigIntegerValue();
        if (!v.isNumber()) throw typeError(field, "an integer", v);
        double d = v.doubleValue();
        if (!Double.isFinite(d)) throw notFinite(field);
        if (d != Math.rint(d)) throw typeError(field, "an integer", v);
        return v.decimalValue().toBigInteger();
    }

    public static GatewayException notFinite(String field) {
        return GatewayException.badRequest("Invalid '" + field + "': the number is out of range (it must be finite, "
                + "not Infinity or NaN).", field);
    }

    /**
     * A required field that is absent (or null), in OpenAI's words and code, for every OpenAI-dialect decoder (chat,
     * embeddings, Responses): {@code Missing required parameter: 'messages'.}, code {@code missing_required_parameter}.
     */
    public static GatewayException missing(String path) {
        return GatewayException.badRequest("Missing required parameter: '" + path + "'.", path, "missing_required_parameter");
    }

    /**
     * A required object: {@link #missing} when it is absent or null, {@link #typeError} (OpenAI's {@code invalid_type},
     * "Invalid type for 'tools[0].function': expected an object, but got a string instead.") when it is another type.
     */
    public static JsonNode object(JsonNode v, String path) {
        if (v == null || v.isNull()) throw missing(path);
        if (!v.isObject()) throw typeError(path, "an object", v);
        return v;
    }

    /**
     * A value of the wrong JSON type, in OpenAI's words and code {@code invalid_type}: "Invalid type for
     * 'messages[1].content': expected one of a string or array of objects, but got an object instead." (an OpenAI
     * answer quoted in pydantic/pydantic-ai#2653, code {@code invalid_type}).
     */
    public static GatewayException typeError(String field, String expected, JsonNode v) {
        return invalidType("Invalid type for '" + field + "': expected " + expected + ", but got " + kind(v) + " instead.", field);
    }

    /** An "Invalid type for …" error worded by its caller, with OpenAI's code {@code invalid_type}. */
    public static GatewayException invalidType(String message, String field) {
        return GatewayException.badRequest(message, field, "invalid_type");
    }

    /**
     * A value's JSON type in OpenAI's words: a non-integral number is "a decimal number" ("Invalid type for
     * 'max_tokens': expected an integer, but got a decimal number instead.", code {@code invalid_type}: an OpenAI
     * answer quoted in Jeffser/Alpaca#904).
     */
    public static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> v.isIntegralNumber() ? "an integer" : "a decimal number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> "null";
        };
    }
}
