package dev.switchboard.provider.anthropic;

import static dev.switchboard.provider.AnswerShape.numberOrNull;
import static dev.switchboard.provider.AnswerShape.objectOrNull;
import static dev.switchboard.provider.AnswerShape.require;
import static dev.switchboard.provider.AnswerShape.textOrNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.provider.AnswerShape;

/**
 * What the gateway relies on in Anthropic's answers, checked in this one place before anything is decoded or relayed:
 * a message is an object with a {@code content} array of objects, each with a string {@code type} and the typed
 * fields its type needs; {@code model}, {@code id} and {@code stop_reason} are strings when present; {@code usage}
 * an object with numbers. Anthropic-dialect clients get the raw body, so a {@code {}} passed here would reach them
 * as is. Stream events are checked for the same things in {@link #event}.
 */
final class AnthropicAnswerShape {
    private AnthropicAnswerShape() {}

    /** @return {@code n}, checked; @throws AnswerShape.Wrong naming the first thing missing or mistyped */
    static JsonNode message(JsonNode n) throws AnswerShape.Wrong {
        require(n.isObject(), "not a JSON object");
        require(n.has("content"), "no `content` array");
        require(n.get("content").isArray(), "`content` is not an array");
        for (JsonNode b : n.get("content")) block(b, "a `content` block");
        require(textOrNull(n, "type") && textOrNull(n, "id") && textOrNull(n, "model") && textOrNull(n, "stop_reason"),
                "`type`, `id`, `model` or `stop_reason` is not a string");
        usage(n);
        return n;
    }

    /** The problem with one stream event, or null when it is usable (event types we do not read are not judged). */
    static String event(JsonNode n, String type) {
        try {
            require(n.isObject(), "not a JSON object");
            switch (type) {
                case "message_start" -> {
                    require(n.path("message").isObject(), "message_start without a `message` object");
                    JsonNode m = n.get("message");
                    require(textOrNull(m, "id") && textOrNull(m, "model"), "message_start's `id` or `model` is not a string");
                    usage(m);
                }
                case "content_block_start" -> {
                    require(n.path("content_block").isObject(), "content_block_start without a `content_block` object");
                    block(n.get("content_block"), "content_block_start's block");
                }
                case "content_block_delta" -> {
                    JsonNode d = n.path("delta");
                    require(d.isObject() && d.path("type").isTextual(), "content_block_delta without a typed `delta`");
                    switch (d.get("type").textValue()) {
                        case "text_delta" -> require(d.path("text").isTextual(), "a text_delta without a string `text`");
                        case "thinking_delta" -> require(d.path("thinking").isTextual(), "a thinking_delta without a string `thinking`");
                        case "input_json_delta" -> require(d.path("partial_json").isTextual(),
                                "an input_json_delta without a string `partial_json`");
                        default -> { }
                    }
                }
                case "message_delta" -> {
                    require(objectOrNull(n, "delta") && (!n.has("delta") || textOrNull(n.get("delta"), "stop_reason")),
                            "message_delta's `delta.stop_reason` is not a string");
                    usage(n);
                }
                case "" -> throw new AnswerShape.Wrong("an event with no type");
                default -> { }
            }
            return null;
        } catch (AnswerShape.Wrong w) {
            return w.getMessage();
        }
    }

    private static void block(JsonNode b, String what) throws AnswerShape.Wrong {
        require(b.isObject() && b.path("type").isTextual(), what + " without a string `type`");
        switch (b.get("type").textValue()) {
            case "text" -> require(b.path("text").isTextual(), what + " of type text without a string `text`");
            case "thinking" -> require(textOrNull(b, "thinking"), what + " of type thinking whose `thinking` is not a string");
            case "tool_use" -> require(b.path("name").isTextual() && textOrNull(b, "id") && objectOrNull(b, "input"),
                    what + " of type tool_use without a string `name` and an object `input`");
            default -> { }
        }
    }

    private static void usage(JsonNode parent) throws AnswerShape.Wrong {
        require(objectOrNull(parent, "usage"), "`usage` is not an object");
        JsonNode u = parent.get("usage");
        if (u == null || u.isNull()) return;
        require(numberOrNull(u, "input_tokens") && numberOrNull(u, "output_tokens")
                && numberOrNull(u, "cache_read_input_tokens") && numberOrNull(u, "cache_creation_input_tokens"),
                "a `usage` token count is not a number");
    }
}
