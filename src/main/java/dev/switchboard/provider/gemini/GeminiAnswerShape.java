package dev.switchboard.provider.gemini;

import static dev.switchboard.provider.AnswerShape.objectOrNull;
import static dev.switchboard.provider.AnswerShape.require;
import static dev.switchboard.provider.AnswerShape.textOrNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.provider.AnswerShape;

/**
 * What the gateway relies on in Gemini's GenerateContentResponse (a whole answer or one stream event), checked in
 * this one place: an object with a {@code candidates} array of objects (absent only for a blocked prompt, or a
 * usage-only stream event), each candidate's {@code content} an object whose {@code parts} are objects with string
 * {@code text}; {@code modelVersion}, {@code responseId} and {@code finishReason} strings when present.
 */
final class GeminiAnswerShape {
    private GeminiAnswerShape() {}

    /** @return {@code n}, checked; @throws AnswerShape.Wrong naming the first thing missing or mistyped */
    static JsonNode response(JsonNode n) throws AnswerShape.Wrong {
        check(n, false);
        for (JsonNode c : n.path("candidates")) {
            if (GeminiResponseDecoder.MALFORMED.equals(c.path("finishReason").asText())) {
                throw new AnswerShape.Wrong(GeminiResponseDecoder.malformed(c)); // see MALFORMED: a 502, retried
            }
        }
        return n;
    }

    /** The problem with one stream event, or null when it is usable. */
    static String event(JsonNode n) {
        try {
            check(n, true);
            return null;
        } catch (AnswerShape.Wrong w) {
            return w.getMessage();
        }
    }

    private static void check(JsonNode n, boolean event) throws AnswerShape.Wrong {
        require(n.isObject(), "not a JSON object");
        require(textOrNull(n, "modelVersion") && textOrNull(n, "responseId"), "`modelVersion` or `responseId` is not a string");
        require(objectOrNull(n, "usageMetadata"), "`usageMetadata` is not an object");
        require(objectOrNull(n, "promptFeedback"), "`promptFeedback` is not an object");
        JsonNode candidates = n.get("candidates");
        if (candidates == null || candidates.isNull() || candidates.isEmpty() && candidates.isArray()) {
            require(GeminiResponseDecoder.promptBlocked(n) || event && n.hasNonNull("usageMetadata"), "no `candidates` array");
            return;
        }
        require(candidates.isArray(), "`candidates` is not an array");
        for (JsonNode c : candidates) {
            require(c.isObject(), "a candidate is not an object");
            require(textOrNull(c, "finishReason"), "a candidate's `finishReason` is not a string");
            require(objectOrNull(c, "content"), "a candidate's `content` is not an object");
            JsonNode parts = c.path("content").get("parts");
            if (parts == null || parts.isNull()) continue;
            require(parts.isArray(), "a candidate's `content.parts` is not an array");
            for (JsonNode p : parts) {
                require(p.isObject(), "a part is not an object");
                require(textOrNull(p, "text"), "a part's `text` is not a string");
                require(objectOrNull(p, "functionCall"), "a part's `functionCall` is not an object");
            }
        }
    }
}
