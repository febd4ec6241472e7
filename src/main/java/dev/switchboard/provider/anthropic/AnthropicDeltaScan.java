package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.provider.Json;
import java.io.IOException;

/**
 * Reads an Anthropic stream event only as far as relaying it as sent needs, for the one event that makes up most of a
 * stream: a {@code content_block_delta} with a {@code text_delta}. It returns the text (for the key-run scan across
 * events and the output estimate) when the event has the shape {@link AnthropicAnswerShape#event} checks (a string
 * {@code type}, a {@code delta} object whose {@code text} is a string) and carries no error; null for every other
 * event, which then goes through the tree (shape check, canonical chunk). One pass of the streaming parser, no tree.
 */
final class AnthropicDeltaScan {
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

    private AnthropicDeltaScan() {}

    /** The text of a well-formed text delta, or null. */
    static String text(byte[] b, int off, int len) {
        try (JsonParser p = FACTORY.createParser(b, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            boolean isDelta = false;
            String text = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                switch (f) {
                    case "type" -> {
                        if (v != JsonToken.VALUE_STRING || !"content_block_delta".equals(p.getText())) return null;
                        isDelta = true;
                    }
                    case "delta" -> {
                        if (v != JsonToken.START_OBJECT) return null;
                        text = delta(p);
                        if (text == null) return null;
                    }
                    case "error" -> { return null; } // an error however labelled: the tree path fails the stream
                    default -> p.skipChildren();
                }
            }
            return isDelta ? text : null;
        } catch (IOException | RuntimeException e) {
            return null; // the tree path says what is wrong with it
        }
    }

    private static String delta(JsonParser p) throws IOException {
        boolean textDelta = false;
        String text = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "type" -> {
                    if (v != JsonToken.VALUE_STRING || !"text_delta".equals(p.getText())) return null;
                    textDelta = true;
                }
                case "text" -> {
                    if (v != JsonToken.VALUE_STRING) return null;
                    text = p.getText();
                }
                default -> p.skipChildren();
            }
        }
        return textDelta ? text : null;
    }
}
