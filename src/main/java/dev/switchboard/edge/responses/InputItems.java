package dev.switchboard.edge.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.GatewayException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code GET /v1/responses/{id}/input_items}: the items a stored response was generated from, as OpenAI lists them.
 *
 * <p>Those are the conversation before its output: the items of the {@code previous_response_id} chain, then the
 * request's own input ({@code instructions} are not items, as at OpenAI). Each is an item resource: it has an id
 * (given to an input item without one when the response is stored, {@link #identified}, so that the id is the same in
 * every later response of the chain and in an {@code item_reference}), a {@code type}, message content as a list of
 * parts, and a {@code status}. Pages are cut by item id ({@code after}), newest first unless {@code order=asc}.
 */
final class InputItems {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private InputItems() {}

    /** The input with an id on every item (a copy of each item that had none, its id first); items with one are kept. */
    static ArrayNode identified(ArrayNode input) {
        ArrayNode out = F.arrayNode(input.size());
        for (JsonNode item : input) {
            if (!item.isObject() || item.hasNonNull("id")) {
                out.add(item);
                continue;
            }
            ObjectNode copy = F.objectNode().put("id", ResponseObject.itemId(prefix(item.path("type").asText("message"))));
            item.properties().forEach(e -> {
                if (!e.getKey().equals("id")) copy.set(e.getKey(), e.getValue()); // an "id": null is replaced, not kept
            });
            out.add(copy);
        }
        return out;
    }

    private static String prefix(String type) {
        return switch (type) {
            case "message" -> "msg_";
            case "function_call" -> "fc_";
            case "function_call_output" -> "fco_";
            case "custom_tool_call" -> "ctc_";
            case "custom_tool_call_output" -> "ctco_";
            case "reasoning" -> "rs_";
            default -> "item_";
        };
    }

    /**
     * The part of a stored conversation that came before the response's {@code output}: the conversation's last items
     * that are the output's (by id) are left off. Not simply as many as the output has: the conversation keeps only
     * the output items a next turn continues from ({@link ContinuedOutput}), and a record stored before that kept all.
     */
    static ArrayNode before(ArrayNode conversation, JsonNode output) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (JsonNode item : output) {
            if (item.path("id").isTextual()) ids.add(item.path("id").textValue());
        }
        int outputs = 0;
        for (int i = conversation.size() - 1; i >= 0 && outputs < output.size(); i--) {
            if (!ids.contains(conversation.get(i).path("id").asText(null))) break;
            outputs++;
        }
        return before(conversation, outputs);
    }

    /** The part of a stored conversation that came before the response's output ({@code outputCount} items at its end). */
    static ArrayNode before(ArrayNode conversation, int outputCount) {
        ArrayNode out = F.arrayNode();
        for (int i = 0; i < conversation.size() - outputCount; i++) out.add(conversation.get(i));
        return out;
    }

    /**
     * One page of the list ({@code object: "list"}, {@code data}, {@code first_id}, {@code last_id}, {@code has_more}).
     *
     * @param items  the input items, oldest first
     * @param after  an item id: the page starts after it (in the page's order); null for the first page
     */
    static ObjectNode page(String responseId, ArrayNode items, boolean ascending, int limit, String after) {
        int n = items.size();
        ObjectNode[] ordered = new ObjectNode[n];
        for (int i = 0; i < n; i++) {
            int at = ascending ? i : n - 1 - i;
            ordered[i] = resource(items.get(at), responseId, at);
        }
        int start = 0;
        if (after != null) {
            start = -1;
            for (int i = 0; i < n; i++) {
                if (after.equals(ordered[i].path("id").asText())) {
                    start = i + 1;
                    break;
                }
            }
            if (start < 0) {
                throw GatewayException.badRequest("Invalid 'after': no input item with id '" + after + "' in response '"
                        + responseId + "'.", "after");
            }
        }
        int end = Math.min(n, start + limit);
        ObjectNode page = F.objectNode().put("object", "list");
        ArrayNode data = page.putArray("data");
        for (int i = start; i < end; i++) data.add(ordered[i]);
        if (data.isEmpty()) {
            page.putNull("first_id").putNull("last_id");
        } else {
            page.put("first_id", data.get(0).path("id").asText()).put("last_id", data.get(data.size() - 1).path("id").asText());
        }
        return page.put("has_more", end < n);
    }

    /**
     * An input item as OpenAI returns it: with an id (one derived from the response and the position when the item was
     * stored without one, by a gateway older than {@link #identified}), {@code type}, message content as parts, and a
     * {@code status}.
     */
    static ObjectNode resource(JsonNode given, String responseId, int position) {
        ObjectNode item = F.objectNode();
        String type = given.path("type").asText("message");
        item.put("id", given.hasNonNull("id") ? given.get("id").asText() : derivedId(responseId, position, type));
        item.put("type", type);
        given.properties().forEach(e -> {
            if (!e.getKey().equals("id") && !e.getKey().equals("type")) item.set(e.getKey(), e.getValue());
        });
        if (type.equals("message")) {
            boolean assistant = "assistant".equals(item.path("role").asText());
            JsonNode content = item.get("content");
            if (content != null && content.isTextual()) {
                ObjectNode part = F.objectNode().put("type", assistant ? "output_text" : "input_text").put("text", content.textValue());
                item.putArray("content").add(part);
            }
            if (assistant && item.get("content") instanceof ArrayNode parts) {
                for (JsonNode p : parts) { // an output text part lists its annotations (none), as an output message's does
                    if (p instanceof ObjectNode o && "output_text".equals(o.path("type").asText()) && !o.has("annotations")) {
                        o.set("annotations", F.arrayNode());
                    }
                }
            }
        }
        if (!item.hasNonNull("status") && !type.equals("reasoning") && !type.equals("item_reference")) item.put("status", "completed");
        return item;
    }

    /** A stable id for an item stored without one: the same on every read of the same response. */
    private static String derivedId(String responseId, int position, String type) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((responseId + "#" + position).getBytes(StandardCharsets.UTF_8));
            return prefix(type) + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
