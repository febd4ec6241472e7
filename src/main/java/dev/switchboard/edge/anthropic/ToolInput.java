package dev.switchboard.edge.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * A translated tool call's arguments as a non-stream Anthropic answer's {@code tool_use.input}, which must be an object.
 * Arguments that are whole JSON are that object. Arguments cut short (a call the output limit stopped mid-way, which
 * OpenAI-style providers send as a JSON prefix) give the members written whole before the cut, as Anthropic's own answer
 * does for a {@code tool_use} that {@code max_tokens} stopped (it holds each parameter back until it is complete); the
 * {@code stop_reason} beside it says {@code max_tokens}. Arguments that are not a JSON object at all give {}: there is no
 * object to give, and an Anthropic client cannot take anything else in that place.
 */
final class ToolInput {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ToolInput() {}

    static ObjectNode of(String arguments) {
        if (arguments == null || arguments.isBlank()) return F.objectNode();
        try {
            JsonNode n = AnthropicRequestDecoder.MAPPER.readTree(arguments);
            return n instanceof ObjectNode o ? o : F.objectNode();
        } catch (IOException e) {
            return wholeMembers(arguments);
        }
    }

    /**
     * The members of a JSON object prefix whose values ended before the text did: a value counts once a comma or the
     * closing brace follows it (a number at the very end might have gone on).
     */
    static ObjectNode wholeMembers(String prefix) {
        ObjectNode out = F.objectNode();
        try (JsonParser p = AnthropicRequestDecoder.MAPPER.createParser(prefix)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return out;
            JsonToken t = p.nextToken();
            while (t == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                JsonNode value = AnthropicRequestDecoder.MAPPER.readTree(p);
                if (!followedByEnd(prefix, (int) p.currentLocation().getCharOffset())) break;
                out.set(name, value);
                t = p.nextToken();
            }
        } catch (IOException | RuntimeException e) {
            // the cut (or the first thing that is not JSON): the members before it are the answer
        }
        return out;
    }

    private static boolean followedByEnd(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '}') return true;
            if (!Character.isWhitespace(c)) return false;
        }
        return false;
    }
}
