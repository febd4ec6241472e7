package dev.switchboard.edge.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.edge.openai.OpenAiNumbers;
import dev.switchboard.model.GatewayException;

/** Typed reads of request fields, each error naming the field as OpenAI's {@code param} does. */
final class Fields {
    private Fields() {}

    /** A required field that is absent (or null), in OpenAI's words and code. */
    static GatewayException missing(String path) {
        return OpenAiNumbers.missing(path);
    }

    static String requiredString(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw missing(path);
        if (!v.isTextual()) throw OpenAiNumbers.typeError(path, "a string", v);
        return v.textValue();
    }

    static String optionalString(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw OpenAiNumbers.typeError(path, "a string", v);
        return v.textValue();
    }

    static Boolean optionalBool(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) throw OpenAiNumbers.typeError(path, "a boolean", v);
        return v.booleanValue();
    }

    static JsonNode optionalObject(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) throw OpenAiNumbers.typeError(path, "an object", v);
        return v;
    }
}
