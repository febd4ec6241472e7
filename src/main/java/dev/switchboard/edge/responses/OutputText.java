package dev.switchboard.edge.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A chat answer's log probabilities and url citations in the Responses API's shapes, for an {@code output_text} part
 * and its stream events. A translated answer used to leave both out ({@code "logprobs": []}, {@code "annotations": []})
 * though the upstream sent them and chat clients of the same deployment got them.
 */
final class OutputText {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private OutputText() {}

    /**
     * Chat's {@code logprobs} object ({@code {"content": [{token, logprob, bytes, top_logprobs}]}}) → the part's
     * {@code logprobs} (the spec's LogProb: the same members, {@code bytes} and {@code top_logprobs} always there);
     * empty when there are none.
     */
    static ArrayNode logprobs(JsonNode chat) {
        ArrayNode out = F.arrayNode();
        if (chat == null) return out;
        for (JsonNode t : chat.path("content")) {
            ObjectNode e = token(t, true);
            ArrayNode top = e.putArray("top_logprobs");
            for (JsonNode alt : t.path("top_logprobs")) top.add(token(alt, true));
            out.add(e);
        }
        return out;
    }

    /**
     * A part's log probabilities as the delta and done events carry them (the spec's ResponseLogProb: token, logprob,
     * and top_logprobs of token and logprob, without bytes).
     */
    static ArrayNode eventLogprobs(ArrayNode part) {
        ArrayNode out = F.arrayNode();
        for (JsonNode t : part) {
            ObjectNode e = token(t, false);
            ArrayNode top = e.putArray("top_logprobs");
            for (JsonNode alt : t.path("top_logprobs")) top.add(token(alt, false));
            out.add(e);
        }
        return out;
    }

    private static ObjectNode token(JsonNode t, boolean bytes) {
        ObjectNode e = F.objectNode().put("token", t.path("token").asText()).put("logprob", t.path("logprob").asDouble());
        if (bytes) e.set("bytes", t.path("bytes").isArray() ? t.get("bytes").deepCopy() : F.arrayNode());
        return e;
    }

    /**
     * Chat's {@code annotations} ({@code [{"type":"url_citation","url_citation":{start_index, end_index, url, title}}]})
     * → the Responses API's, whose members are flat ({@code {"type":"url_citation", start_index, end_index, url, title}});
     * indexes count characters of the same text. Chat has no other kind; one that is not a url citation is left out.
     */
    static ArrayNode annotations(JsonNode chat) {
        ArrayNode out = F.arrayNode();
        if (chat == null) return out;
        for (JsonNode a : chat) {
            JsonNode c = a.path("url_citation");
            if (!"url_citation".equals(a.path("type").asText()) || !c.isObject()) continue;
            out.addObject().put("type", "url_citation").put("start_index", c.path("start_index").asInt())
                    .put("end_index", c.path("end_index").asInt()).put("url", c.path("url").asText())
                    .put("title", c.path("title").asText());
        }
        return out;
    }
}
