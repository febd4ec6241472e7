package dev.switchboard.edge.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.GatewayException;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/responses/{id}?include[]=…}: what the read shows, as OpenAI's retrieve takes {@code include} per read,
 * not from the create. Two values are honoured, the two the gateway itself keeps: {@code reasoning.encrypted_content}
 * (a reasoning item's content, from the stored conversation, which always keeps it: Claude's signed thinking, or
 * OpenAI's own when its create asked for it) and {@code message.output_text.logprobs} (the output_text parts'
 * {@code logprobs} as the create computed them; {@code []} when it asked for none). Without them a read shows neither,
 * as OpenAI's. The other values of the spec's {@code IncludeEnum} are accepted and change nothing (an OpenAI
 * deployment's answer is stored as it came, with what its create included); anything else is OpenAI's 400 naming the
 * entry ({@code include[0]}), as the create's {@code include} is checked.
 */
final class RetrieveIncludes {
    static final String LOGPROBS = "message.output_text.logprobs";

    /** What a read asks for: whether it wants the reasoning's content, and the output_text logprobs. */
    record Wanted(boolean encryptedContent, boolean logprobs) {}

    private RetrieveIncludes() {}

    /**
     * The read's {@code include} query parameters ({@code include[]}, as the SDKs write them, or {@code include}), checked
     * against the spec's values: a {@link GatewayException} 400 for one that is not.
     */
    static Wanted of(HttpServerRequest req) {
        List<String> values = new ArrayList<>(req.params().getAll("include[]"));
        values.addAll(req.params().getAll("include"));
        boolean encrypted = false, logprobs = false;
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            ResponsesRequestDecoder.enumerated(JsonNodeFactory.instance.textNode(v), "include[" + i + "]", ResponsesRequestDecoder.INCLUDABLE);
            encrypted |= v.equals(SignedReasoning.INCLUDE);
            logprobs |= v.equals(LOGPROBS);
        }
        return new Wanted(encrypted, logprobs);
    }

    /**
     * The stored Response object as this read shows it: reasoning items with their content from {@code conversation}
     * (matched by item id) or without it, output_text parts with their logprobs or {@code []}. {@code body} is changed
     * in place and returned: it is the tree just parsed from the stored row for this read, shared with nobody.
     */
    static ObjectNode shown(ObjectNode body, JsonNode conversation, Wanted wanted) {
        ObjectNode shown = body;
        if (!(shown.get("output") instanceof ArrayNode output)) return shown;
        Map<String, JsonNode> contents = wanted.encryptedContent() ? contents(conversation) : Map.of();
        for (JsonNode i : output) {
            if (!(i instanceof ObjectNode item)) continue;
            String type = item.path("type").asText();
            if (type.equals("reasoning")) {
                JsonNode content = contents.get(item.path("id").asText());
                if (content != null) item.set("encrypted_content", content);
                else if (!wanted.encryptedContent()) item.remove("encrypted_content");
            } else if (type.equals("message") && !wanted.logprobs()) {
                for (JsonNode part : item.path("content")) {
                    if (part instanceof ObjectNode p && p.has("logprobs")) p.putArray("logprobs");
                }
            }
        }
        return shown;
    }

    /**
     * A page of {@code GET /v1/responses/{id}/input_items} as a list with {@code wanted} shows it, as OpenAI's
     * input_items takes the same {@code include}: a reasoning item of the chain keeps its {@code encrypted_content}
     * (which the stored conversation always has) only when asked for, an assistant message's output_text parts their
     * {@code logprobs} only when asked for ({@code []} otherwise). The page's items are this read's own copies, changed
     * in place.
     */
    static ObjectNode listed(ObjectNode page, Wanted wanted) {
        for (JsonNode i : page.path("data")) {
            if (!(i instanceof ObjectNode item)) continue;
            String type = item.path("type").asText();
            if (type.equals("reasoning") && !wanted.encryptedContent()) {
                item.remove("encrypted_content");
            } else if (type.equals("message") && !wanted.logprobs()) {
                for (JsonNode part : item.path("content")) {
                    if (part instanceof ObjectNode p && p.has("logprobs")) p.putArray("logprobs");
                }
            }
        }
        return page;
    }

    /** The reasoning items' content the stored conversation keeps, by item id. */
    private static Map<String, JsonNode> contents(JsonNode conversation) {
        Map<String, JsonNode> contents = new HashMap<>();
        if (conversation == null) return contents;
        for (JsonNode i : conversation) {
            JsonNode content = i.get("encrypted_content");
            if ("reasoning".equals(i.path("type").asText()) && i.hasNonNull("id") && content != null && content.isTextual()) {
                contents.put(i.get("id").asText(), content);
            }
        }
        return contents;
    }
}
