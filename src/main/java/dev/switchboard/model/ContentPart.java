package dev.switchboard.model;

/**
 * One piece of a message's content. {@code cacheControl} is the provider prompt-caching marker
 * ({@code {"type":"ephemeral"}}) carried through unchanged; null when the client sent none.
 */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.Image, ContentPart.Other {

    record Text(String text, com.fasterxml.jackson.databind.JsonNode cacheControl) implements ContentPart {
        public static Text of(String text) { return new Text(text, null); }
    }

    /** An image by URL or {@code data:} URL; {@code detail} is OpenAI's low/high/auto or null. */
    record Image(String url, String detail, com.fasterxml.jackson.databind.JsonNode cacheControl) implements ContentPart {}

    /**
     * A part type we do not translate (input_audio, file, …): kept as the client sent it so a provider of
     * the same dialect still receives it.
     */
    record Other(String type, com.fasterxml.jackson.databind.node.ObjectNode raw) implements ContentPart {}
}
