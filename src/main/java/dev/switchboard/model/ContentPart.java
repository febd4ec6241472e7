package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One piece of a message's content. {@code cacheControl} is the provider prompt-caching marker
 * ({@code {"type":"ephemeral"}}) carried through unchanged; null when the client sent none.
 *
 * <p>Parts that a provider may have to refuse (a file it cannot read, audio it cannot hear) carry {@code param}:
 * where the part is in the caller's request, in the caller's spelling ({@code messages[2].content[1]} or
 * {@code messages.2.content.1}). Providers refuse them while encoding, long after the request was decoded, and
 * only the decoder knows that location (an Anthropic-dialect request's messages do not map one to one).
 * Null for parts the gateway built itself.
 */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.Image, ContentPart.File, ContentPart.Audio,
        ContentPart.Other {

    /** The part's prompt-caching marker, or null. */
    JsonNode cacheControl();

    /**
     * Text. {@code extra}: the part's fields the gateway does not model, as the client wrote them (an OpenAI-dialect
     * part's), or null (nearly every part): they reach OpenAI-compatible providers unchanged, like a message's.
     */
    record Text(String text, JsonNode cacheControl, ObjectNode extra) implements ContentPart {
        public Text {
            if (extra != null && extra.isEmpty()) extra = null; // none is null: the cache key and the encoder rely on it
        }

        public Text(String text, JsonNode cacheControl) { this(text, cacheControl, null); }

        public static Text of(String text) { return new Text(text, null, null); }

        /** The same part with another prompt-caching marker (its unknown fields kept). */
        public Text withCacheControl(JsonNode marker) { return new Text(text, marker, extra); }
    }

    /**
     * An image by URL or {@code data:} URL; {@code detail} is OpenAI's low/high/auto or null. {@code extra}: the part's
     * unknown fields, as {@link Text#extra()}. {@code param}: where the image's URL is in the caller's request, in its
     * spelling ({@code messages[2].content[1].image_url.url}, or {@code …image_url} for its short form; {@code messages.2.content.1.source},
     * {@code input[0].content[1].image_url}), so a provider that cannot take the image names it; null for an image the
     * gateway built (a refusal then names {@code messages}).
     */
    record Image(String url, String detail, JsonNode cacheControl, ObjectNode extra, String param) implements ContentPart {
        public Image {
            if (extra != null && extra.isEmpty()) extra = null;
        }

        public Image(String url, String detail, JsonNode cacheControl) { this(url, detail, cacheControl, null, null); }

        /** The same part with another prompt-caching marker (its unknown fields and place kept). */
        public Image withCacheControl(JsonNode marker) { return new Image(url, detail, marker, extra, param); }
    }

    /**
     * A document attached to a message (OpenAI's {@code file} part, or an Anthropic {@code document} with its
     * content inline): as a {@code data:} URL in {@code fileData}, or by {@code fileId}, the id of a file uploaded
     * to OpenAI's Files API. Each may be null. {@code raw} is the part exactly as the client wrote it; an
     * OpenAI-dialect one reaches OpenAI-compatible providers unchanged.
     */
    record File(String filename, String fileData, String fileId, String param, ObjectNode raw) implements ContentPart {
        @Override public JsonNode cacheControl() { return marker(raw); }
    }

    /**
     * Audio in a message (OpenAI's {@code input_audio} part): base64 bytes and their format as the client named
     * it ({@code wav}, {@code mp3}). {@code raw} is the part as sent, for OpenAI-compatible providers.
     */
    record Audio(String data, String format, String param, ObjectNode raw) implements ContentPart {
        @Override public JsonNode cacheControl() { return marker(raw); }
    }

    /**
     * A part type we do not translate: kept as the client sent it so a provider of the same dialect still
     * receives it (an Anthropic {@code document} block to Anthropic, a future OpenAI part type to OpenAI).
     */
    record Other(String type, ObjectNode raw, String param) implements ContentPart {
        @Override public JsonNode cacheControl() { return marker(raw); }
    }

    private static JsonNode marker(ObjectNode raw) {
        JsonNode cc = raw == null ? null : raw.get("cache_control");
        return cc == null || cc.isNull() ? null : cc;
    }
}
