package dev.switchboard.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The exact JSON a client or provider sent, in its own dialect, kept beside the canonical form so a request
 * between two ends of the same dialect passes through without a lossy round trip (new fields, thinking
 * signatures, citations survive). Stages still read the canonical fields; only a same-dialect end uses this.
 *
 * @param dialect {@code anthropic}, or {@code openai-responses} (OpenAI's Responses API, passed through to OpenAI)
 * @param body    the request body, response body, or one stream event's data
 * @param headers the dialect's own request headers worth passing on (Anthropic: {@code anthropic-beta});
 *                empty on answers
 */
public record RawJson(String dialect, JsonNode body, Map<String, String> headers) {
    public RawJson {
        headers = headers == null ? Map.of() : headers;
    }

    public RawJson(String dialect, JsonNode body) { this(dialect, body, Map.of()); }

    public static final String ANTHROPIC = "anthropic";
    /** OpenAI's Responses API: an OpenAI deployment receives the body as written; every other provider the translation. */
    public static final String OPENAI_RESPONSES = "openai-responses";

    public boolean is(String d) { return dialect.equals(d); }
}
