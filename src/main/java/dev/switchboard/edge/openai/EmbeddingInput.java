package dev.switchboard.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.GatewayException;

/**
 * OpenAI's four shapes of embeddings {@code input} (CreateEmbeddingRequest): a non-empty string, or an array of
 * 1 to 2048 items that are all strings, all token ids, or all non-empty arrays of token ids. Anything else is a
 * 400 naming the item ({@code input[3]}): forwarded, {@code [null]} or {@code [1.5]} would be embedded as the
 * text "null" by some providers or fail upstream with an error that does not say which item was wrong.
 */
final class EmbeddingInput {
    /** OpenAI's maxItems for each array form. */
    static final int MAX_ITEMS = 2048;

    private EmbeddingInput() {}

    static void check(JsonNode input) {
        if (input == null || input.isNull()) throw OpenAiNumbers.missing("input");
        if (input.isTextual()) {
            if (input.textValue().isEmpty()) throw bad("'input' cannot be an empty string.", "input");
            return;
        }
        if (!input.isArray()) throw bad("'input' must be a string, an array of strings, an array of token ids (integers) "
                + "or an array of token-id arrays, but got " + OpenAiNumbers.kind(input) + ".", "input");
        if (input.isEmpty()) throw bad("'input' cannot be an empty array.", "input");
        if (input.size() > MAX_ITEMS) throw bad("'input' has " + input.size() + " items; the maximum is " + MAX_ITEMS + ".", "input");
        // the first item decides which of the three array forms this is; every item must then be of that form
        JsonNode first = input.get(0);
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String at = "input[" + i + "]";
            if (first.isTextual()) {
                if (!item.isTextual()) throw mixed(at, "a string", item);
                if (item.textValue().isEmpty()) throw bad("'" + at + "' cannot be an empty string.", at);
            } else if (first.isArray()) {
                if (!item.isArray()) throw mixed(at, "an array of token ids", item);
                if (item.isEmpty()) throw bad("'" + at + "' cannot be an empty array.", at);
                for (int j = 0; j < item.size(); j++) token(item.get(j), at + "[" + j + "]");
            } else if (first.isNumber()) {
                token(item, at);
            } else {
                throw OpenAiNumbers.typeError(at, "a string, a token id (integer) or an array of token ids", item);
            }
        }
    }

    /** A token id: a non-negative integer that fits 32 bits (a vocabulary index, never a float). */
    private static void token(JsonNode t, String at) {
        if (!t.isIntegralNumber()) {
            throw OpenAiNumbers.typeError(at, "a token id (integer)", t);
        }
        if (!t.canConvertToInt() || t.intValue() < 0) {
            throw bad("Invalid '" + at + "': " + t.asText() + " is not a token id (from 0 to " + Integer.MAX_VALUE + ").", at);
        }
    }

    private static GatewayException mixed(String at, String expected, JsonNode item) {
        return OpenAiNumbers.invalidType("Invalid type for '" + at + "': expected " + expected + " like the first item, but got "
                + OpenAiNumbers.kind(item) + " instead.", at);
    }

    private static GatewayException bad(String message, String param) {
        return GatewayException.badRequest(message, param);
    }
}
