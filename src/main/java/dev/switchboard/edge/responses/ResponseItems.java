package dev.switchboard.edge.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import java.util.ArrayList;
import java.util.List;

/**
 * Responses items → canonical messages. Items are a flat list where chat has nested messages: an assistant's
 * text and the function calls that follow it become one assistant message with tool calls (Anthropic and
 * Gemini want them in one turn), a {@code function_call_output} becomes a tool message; a custom tool's
 * {@code custom_tool_call} and {@code custom_tool_call_output} likewise. The calls of OpenAI's built-in tools
 * ({@code web_search_call}, …) are accepted and left out. A {@code reasoning} item's text (its summary, else its
 * reasoning_text content) becomes the reasoning of the assistant turn that follows it, as an OpenAI client's
 * {@code reasoning_content} does: only OpenAI-compatible services that take reasoning back are sent it (DeepSeek's
 * thinking mode refuses a tool loop without it, see {@code provider.openai.WireRules}); the other providers cannot take
 * back unsigned reasoning and leave it out. A reasoning item whose {@code encrypted_content} holds Claude's signed
 * thinking ({@link SignedReasoning}) also gives its blocks to the next assistant turn's {@code thinking_blocks}, which
 * the Anthropic encoder sends back first in that turn.
 * Each error names the item in the caller's spelling ({@code input[2].content[0].image_url}).
 */
final class ResponseItems {
    private ResponseItems() {}

    static List<Message> toMessages(ArrayNode items, String path) {
        List<Message> out = new ArrayList<>(items.size());
        // Claude's signed thinking from a reasoning item, for the assistant turn that follows it (SignedReasoning)
        ArrayNode signed = null;
        // the text of the reasoning items before the next assistant turn, for its reasoning
        StringBuilder thought = null;
        for (int i = 0; i < items.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode item = items.get(i);
            if (!item.isObject()) throw GatewayException.badRequest("'" + p + "' must be an object (an input item).", p);
            String type = Fields.optionalString(item, "type", p + ".type");
            if (type == null || type.equals("message")) {
                Message m = message(item, p);
                if (signed != null && m.role() == Role.ASSISTANT) m = withThinking(m, signed);
                if (thought != null && m.role() == Role.ASSISTANT) m = withReasoning(m, thought.toString());
                signed = null; // they belong to the assistant turn right after them, or to none
                thought = null;
                out.add(m);
                continue;
            }
            switch (type) {
                case "function_call", "custom_tool_call" -> {
                    String name = Fields.requiredString(item, "name", p + ".name");
                    String namespace = Fields.optionalString(item, "namespace", p + ".namespace");
                    if (namespace != null) name = ResponsesRequest.flatName(namespace, name);
                    boolean custom = type.equals("custom_tool_call"); // a custom tool's call: its input is text
                    // the arguments (a custom call's input) are required, as OpenAI requires them: a call without them
                    // reached Claude as a tool call with empty input, a call the model never made
                    ToolCall call = new ToolCall(Fields.requiredString(item, "call_id", p + ".call_id"), name,
                            Fields.requiredString(item, custom ? "input" : "arguments", p + (custom ? ".input" : ".arguments")), custom);
                    Message last = out.isEmpty() ? null : out.get(out.size() - 1);
                    Message turn;
                    if (last != null && last.role() == Role.ASSISTANT) {
                        List<ToolCall> calls = new ArrayList<>(last.toolCalls());
                        calls.add(call);
                        turn = new Message(Role.ASSISTANT, last.content(), null, calls, null, last.reasoning(), last.refusal(),
                                last.extra());
                        out.remove(out.size() - 1);
                    } else {
                        turn = new Message(Role.ASSISTANT, List.of(), null, List.of(call), null, null, null);
                    }
                    if (signed != null) {
                        turn = withThinking(turn, signed);
                        signed = null;
                    }
                    if (thought != null) {
                        turn = withReasoning(turn, thought.toString());
                        thought = null;
                    }
                    out.add(turn);
                }
                case "function_call_output", "custom_tool_call_output" -> {
                    String callId = Fields.requiredString(item, "call_id", p + ".call_id");
                    JsonNode output = item.get("output");
                    List<ContentPart> content;
                    if (output == null || output.isNull()) {
                        throw Fields.missing(p + ".output");
                    } else if (output.isTextual()) {
                        content = List.of(ContentPart.Text.of(output.textValue()));
                    } else if (output.isArray()) {
                        content = parts(output, p + ".output");
                    } else {
                        throw GatewayException.badRequest("'" + p + ".output' must be a string or an array of content parts.", p + ".output");
                    }
                    out.add(new Message(Role.TOOL, content, null, null, callId, null, null));
                    signed = null;
                    thought = null;
                }
                case "reasoning" -> {
                    String text = reasoningText(item);
                    if (text != null) thought = (thought == null ? new StringBuilder() : thought).append(text);
                    ArrayNode blocks = SignedReasoning.decode(item.get("encrypted_content"));
                    if (blocks != null) {
                        if (signed == null) signed = JsonNodeFactory.instance.arrayNode();
                        signed.addAll(blocks);
                    }
                }
                // resolved before decoding (ResponsesRoutes): one left here was not found in time, or is not the input's
                case "item_reference" -> throw GatewayException.badRequest("'" + p + "': an item reference here cannot be "
                        + "resolved; send the item itself, or continue with previous_response_id.", p + ".type");
                default -> {
                    // A built-in tool's call or result (web_search_call, file_search_call, …) from an earlier turn that
                    // OpenAI served: the request as written still reaches OpenAI; a translation leaves it out, as the
                    // answer that used it is in the conversation's messages.
                    if (!type.endsWith("_call") && !type.endsWith("_call_output")) {
                        throw GatewayException.badRequest("Input item type '" + type + "' (" + p + ") is not supported. "
                                + "Supported: message, function_call, function_call_output, reasoning, and built-in tool calls.",
                                p + ".type");
                    }
                }
            }
        }
        return out;
    }

    /** A reasoning item's summary texts joined, else its reasoning_text content joined; null when it has neither. */
    private static String reasoningText(JsonNode item) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode s : item.path("summary")) if (s.path("text").isTextual()) sb.append(s.get("text").textValue());
        if (sb.isEmpty()) {
            for (JsonNode c : item.path("content")) {
                if ("reasoning_text".equals(c.path("type").textValue()) && c.path("text").isTextual()) sb.append(c.get("text").textValue());
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    /** The assistant turn with this reasoning text before its own (a turn may already have some). */
    private static Message withReasoning(Message m, String reasoning) {
        String all = m.reasoning() == null ? reasoning : reasoning + m.reasoning();
        return new Message(m.role(), m.content(), m.name(), m.toolCalls(), m.toolCallId(), all, m.refusal(), m.extra());
    }

    /** The assistant turn with these signed blocks first among its {@code thinking_blocks} (Anthropic wants them first). */
    private static Message withThinking(Message m, ArrayNode blocks) {
        ObjectNode extra = m.extra() == null ? JsonNodeFactory.instance.objectNode() : m.extra().deepCopy();
        ArrayNode all = blocks.deepCopy();
        if (extra.get("thinking_blocks") instanceof ArrayNode given) all.addAll(given);
        extra.set("thinking_blocks", all);
        return new Message(m.role(), m.content(), m.name(), m.toolCalls(), m.toolCallId(), m.reasoning(), m.refusal(), extra);
    }

    private static Message message(JsonNode item, String p) {
        String roleName = Fields.requiredString(item, "role", p + ".role");
        Role role = switch (roleName) {
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "system" -> Role.SYSTEM;
            case "developer" -> Role.DEVELOPER;
            default -> throw GatewayException.badRequest("Invalid value for '" + p + ".role': '" + roleName
                    + "'. Supported values are: 'user', 'assistant', 'system' and 'developer'.", p + ".role");
        };
        JsonNode c = item.get("content");
        if (c == null || c.isNull()) throw Fields.missing(p + ".content");
        if (c.isTextual()) return new Message(role, List.of(ContentPart.Text.of(c.textValue())), null, null, null, null, null);
        if (!c.isArray()) {
            throw GatewayException.badRequest("'" + p + ".content' must be a string or an array of content parts.", p + ".content");
        }
        String refusal = null;
        List<JsonNode> rest = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            JsonNode part = c.get(i);
            if (part.isObject() && "refusal".equals(part.path("type").asText(null))) {
                refusal = Fields.requiredString(part, "refusal", p + ".content[" + i + "].refusal");
            } else {
                rest.add(part);
            }
        }
        ArrayNode kept = JsonNodeFactory.instance.arrayNode().addAll(rest);
        return new Message(role, parts(kept, p + ".content"), null, null, null, null, refusal);
    }

    /** A part's {@code cache_control}, checked in Anthropic's words as chat's is; null when it has none. */
    private static JsonNode cacheControl(JsonNode part, String p) {
        JsonNode cc = part.get("cache_control");
        if (cc == null || cc.isNull()) return null;
        dev.switchboard.model.CacheInjectionPoint.checkControl(cc, p + ".cache_control");
        return cc;
    }

    /** Content parts: input_text / output_text, input_image, input_file, input_audio. */
    private static List<ContentPart> parts(JsonNode arr, String path) {
        List<ContentPart> out = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode part = arr.get(i);
            if (!part.isObject()) throw GatewayException.badRequest("'" + p + "' must be an object with a 'type'.", p);
            String type = Fields.requiredString(part, "type", p + ".type");
            switch (type) {
                case "input_text", "output_text", "text" -> {
                    ContentPart.Text t = ContentPart.Text.of(Fields.requiredString(part, "text", p + ".text"));
                    // a prompt-cache breakpoint, as on a chat content part (LiteLLM's clients send it on the Responses API
                    // too): carried to Claude by the chat path's own code and to a flavor that forwards cache_control; left
                    // out for the others, OpenAI's /responses included (ResponsesPassThrough takes it off the passed body)
                    JsonNode cc = cacheControl(part, p);
                    out.add(cc == null ? t : t.withCacheControl(cc));
                }
                case "input_image" -> {
                    String url = Fields.optionalString(part, "image_url", p + ".image_url");
                    if (url == null) {
                        throw GatewayException.badRequest("'" + p + "' needs an 'image_url' (an http(s) or data: URL); images by "
                                + "file_id are not supported by this gateway.", p + ".image_url");
                    }
                    if (!url.startsWith("http://") && !url.startsWith("https://") && !url.startsWith("data:")) {
                        throw GatewayException.badRequest("'" + p + ".image_url' must be an http(s) URL or a data: URL.", p + ".image_url");
                    }
                    out.add(new ContentPart.Image(url, Fields.optionalString(part, "detail", p + ".detail"), cacheControl(part, p), null,
                            p + ".image_url"));
                }
                case "input_file" -> {
                    if (part.hasNonNull("file_url")) {
                        throw GatewayException.badRequest("'" + p + ".file_url' is not supported by this gateway; send the file "
                                + "inline as file_data (a data: URL).", p + ".file_url");
                    }
                    String filename = Fields.optionalString(part, "filename", p + ".filename");
                    String data = Fields.optionalString(part, "file_data", p + ".file_data");
                    // OpenAI's chat refuses file_data without a filename (its 400 names file_id): a PDF gets a name
                    if ((filename == null || filename.isBlank()) && data != null && data.startsWith("data:application/pdf")) {
                        filename = "document.pdf";
                    }
                    String fileId = Fields.optionalString(part, "file_id", p + ".file_id");
                    // The part as chat's `file` part, which is what OpenAI-compatible providers receive unchanged.
                    ObjectNode raw = JsonNodeFactory.instance.objectNode().put("type", "file");
                    ObjectNode f = raw.putObject("file");
                    if (filename != null) f.put("filename", filename);
                    if (data != null) f.put("file_data", data);
                    if (fileId != null) f.put("file_id", fileId);
                    JsonNode cc = cacheControl(part, p);
                    if (cc != null) raw.set("cache_control", cc); // a breakpoint on a document, as on the other parts
                    out.add(new ContentPart.File(filename, data, fileId, p, raw));
                }
                case "input_audio" -> {
                    JsonNode a = part.get("input_audio");
                    if (a == null || !a.isObject()) {
                        throw Fields.missing(p + ".input_audio");
                    }
                    ObjectNode raw = JsonNodeFactory.instance.objectNode().put("type", "input_audio");
                    raw.set("input_audio", a);
                    out.add(new ContentPart.Audio(Fields.requiredString(a, "data", p + ".input_audio.data"),
                            Fields.requiredString(a, "format", p + ".input_audio.format"), p, raw));
                }
                default -> throw GatewayException.badRequest("Invalid value for '" + p + ".type': '" + type
                        + "'. Supported: 'input_text', 'output_text', 'input_image', 'input_file', 'input_audio', 'refusal'.", p + ".type");
            }
        }
        return out;
    }
}
