package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import java.io.IOException;

/**
 * What every provider's shape check shares. Each provider says in one place what it relies on in a 200 (OpenAI:
 * a {@code choices} array of objects with a {@code message}; Anthropic: a {@code content} array of typed blocks;
 * Gemini: a {@code candidates} array) and throws {@link Wrong} naming the first thing missing or mistyped. The
 * answer is then a 502 naming the deployment: {@link ErrorKind#UPSTREAM}, a transient failure, so retries and
 * fallbacks apply, instead of a 200 with an empty answer (or, in Anthropic pass-through, the raw {@code {}}).
 */
public final class AnswerShape {
    private AnswerShape() {}

    /** A 200's body (or a stream event) that is JSON but not of the shape the gateway relies on. */
    public static final class Wrong extends IOException {
        public Wrong(String what) {
            super(what, null);
        }
    }

    /** The caller-facing failure for a wrong-shaped 200 body. */
    public static GatewayException answer(String deployment, String what) {
        return GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + deployment
                + " answered HTTP 200 with a body the gateway cannot use: " + what + ".");
    }

    /** The caller-facing failure for a wrong-shaped stream event. */
    public static GatewayException event(String deployment, String what) {
        return GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + deployment
                + " sent a stream event the gateway cannot use: " + what + ".");
    }

    /** @throws Wrong with {@code what} unless {@code ok} */
    public static void require(boolean ok, String what) throws Wrong {
        if (!ok) throw new Wrong(what);
    }

    /** Absent, null or a string: the only forms a text field may take. */
    public static boolean textOrNull(JsonNode parent, String field) {
        JsonNode v = parent.get(field);
        return v == null || v.isNull() || v.isTextual();
    }

    /** Absent, null or an object. */
    public static boolean objectOrNull(JsonNode parent, String field) {
        JsonNode v = parent.get(field);
        return v == null || v.isNull() || v.isObject();
    }

    /** Absent, null or a number. */
    public static boolean numberOrNull(JsonNode parent, String field) {
        JsonNode v = parent.get(field);
        return v == null || v.isNull() || v.isNumber();
    }

    /** {@code n} is a JSON object with a non-null {@code error} member: an error sent with status 200. */
    public static boolean isErrorBody(JsonNode n) {
        return n != null && n.isObject() && n.hasNonNull("error") && (n.get("error").isObject() || n.get("error").isTextual());
    }
}
