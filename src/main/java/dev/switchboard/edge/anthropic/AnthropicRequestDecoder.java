package dev.switchboard.edge.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.DocumentText;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.ToolChoice;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Anthropic Messages request → canonical, validating the fields the API requires. A user turn's
 * {@code tool_result} blocks become canonical tool messages (placed before the turn's other content, as
 * OpenAI-style providers need them right after the assistant's tool calls). The body itself is kept raw so
 * an Anthropic deployment receives it unchanged.
 */
public final class AnthropicRequestDecoder {
    private static final com.fasterxml.jackson.databind.node.JsonNodeFactory F = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    static final ObjectMapper MAPPER = new ObjectMapper();

    public ChatRequest messages(Buffer body, Map<String, String> dialectHeaders) {
        return decode(body, dialectHeaders, true);
    }

    /** A {@code count_tokens} body: the Messages fields without {@code max_tokens}, which that endpoint does not take. */
    public ChatRequest countTokens(Buffer body, Map<String, String> dialectHeaders) {
        return decode(body, dialectHeaders, false);
    }

    private ChatRequest decode(Buffer body, Map<String, String> dialectHeaders, boolean needsMaxTokens) {
        ObjectNode n = object(body);
        String model = requiredString(n, "model", "model");
        JsonNode maxTokens = n.get("max_tokens");
        if (needsMaxTokens && (maxTokens == null || maxTokens.isNull())) throw bad("max_tokens: Field required", "max_tokens");
        if (maxTokens != null && !maxTokens.isNull()
                && (!maxTokens.canConvertToInt() || !maxTokens.isIntegralNumber() || maxTokens.intValue() < 1)) {
            throw bad("max_tokens: Input should be a positive integer", "max_tokens");
        }
        // Anthropic's max_tokens limits the output only: OpenAI's max_completion_tokens, not its deprecated
        // max_tokens, which o-series and newer OpenAI models reject.
        Integer outputLimit = maxTokens == null || maxTokens.isNull() ? null : maxTokens.intValue();
        AnthropicParams.check(n, outputLimit, AnthropicParams.interleavedThinking(dialectHeaders.get("anthropic-beta")));
        JsonNode msgs = n.get("messages");
        if (msgs == null || !msgs.isArray() || msgs.isEmpty()) throw bad("messages: Field required (a non-empty list)", "messages");
        List<Message> messages = new ArrayList<>();
        system(n.get("system"), messages);
        for (int i = 0; i < msgs.size(); i++) message(msgs.get(i), "messages." + i, messages, i == msgs.size() - 1);
        JsonNode stream = n.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) throw bad("stream: Input should be a valid boolean", "stream");
        List<Tool> tools = tools(n.get("tools"));
        ToolChoice choice = toolChoice(n.get("tool_choice"));
        checkToolChoice(n, tools, choice);
        Boolean parallel = parallel(n.get("tool_choice"));
        if (tools.isEmpty() && choice != null && (choice.mode() == ToolChoice.Mode.AUTO || choice.mode() == ToolChoice.Mode.NONE)) {
            // Anthropic takes auto or none without tools, and they ask for nothing then; OpenAI refuses tool_choice and
            // parallel_tool_calls without tools, so the translation leaves both out (an Anthropic alias gets the raw body)
            choice = null;
            parallel = null;
        }
        return new ChatRequest(model, messages, tools, choice,
                parallel, AnthropicOutputFormat.from(n),
                number(n, "temperature"), number(n, "top_p"), null, outputLimit,
                AnthropicParams.stopSequences(n.get("stop_sequences")), null, n.path("metadata").path("user_id").isTextual()
                        ? n.path("metadata").path("user_id").asText() : null,
                gatewayMetadata(n), stream != null && stream.asBoolean(), true, routingControls(n),
                new RawJson(RawJson.ANTHROPIC, n, dialectHeaders));
    }

    /**
     * The gateway's own metadata keys ({@link dev.switchboard.model.GatewayMetadata}): LiteLLM's {@code tags} (a list, or
     * text separated by commas) and the tracing keys ({@code trace_id}, {@code session_id}, {@code generation_name},
     * {@code trace_name}), read as in an OpenAI-dialect body and taken out of the body (its own JSON, not the client's
     * bytes) since Anthropic's API refuses metadata fields other than {@code user_id} and the raw body is what an
     * Anthropic provider is sent. {@code guardrails} stays for the guardrail stage, which reads and removes it.
     */
    private static Map<String, String> gatewayMetadata(ObjectNode n) {
        if (!(n.get("metadata") instanceof ObjectNode m)) return Map.of();
        Map<String, String> out = new java.util.HashMap<>();
        for (String key : dev.switchboard.model.GatewayMetadata.KEYS) {
            if (key.equals("guardrails") || !m.has(key)) continue;
            JsonNode v = m.remove(key);
            if (!v.isNull()) out.put(key, v.isTextual() ? v.textValue() : v.toString());
        }
        if (m.isEmpty()) n.remove("metadata");
        return out.isEmpty() ? Map.of() : Map.copyOf(out);
    }

    /**
     * Only the gateway's routing controls (models, fallbacks, num_retries, timeout) go to {@code extra}: other
     * Anthropic-only fields must not reach an OpenAI-style provider, and the raw body carries them to Anthropic.
     */
    private static Map<String, JsonNode> routingControls(ObjectNode n) {
        Map<String, JsonNode> out = new java.util.HashMap<>();
        for (String f : ChatRequest.ROUTING_CONTROL_FIELDS) if (n.has(f)) out.put(f, n.get(f));
        return out;
    }

    private static ObjectNode object(Buffer body) {
        JsonNode n;
        try {
            n = dev.switchboard.edge.JsonBody.read(body.getBytes());
        } catch (JsonProcessingException e) {
            throw bad("There was an issue with your request body: invalid JSON: " + dev.switchboard.edge.JsonSyntax.describe(e), null);
        } catch (IOException e) {
            throw bad("Could not read the request body.", null);
        }
        if (!(n instanceof ObjectNode o)) throw bad("The request body must be a JSON object.", null);
        return o;
    }

    private static void system(JsonNode s, List<Message> out) {
        if (s == null || s.isNull()) return;
        if (s.isTextual()) {
            out.add(Message.text(Role.SYSTEM, s.textValue()));
            return;
        }
        if (!s.isArray()) throw bad("system: Input should be a string or a list of text blocks", "system");
        List<ContentPart> parts = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) parts.add(new ContentPart.Text(requiredString(s.get(i), "text", "system." + i + ".text"),
                s.get(i).get("cache_control")));
        out.add(new Message(Role.SYSTEM, parts, null, null, null, null, null));
    }

    /** @param last whether this is the conversation's last message (an assistant one may be empty: a prefill of nothing) */
    private static void message(JsonNode m, String path, List<Message> out, boolean last) {
        if (!m.isObject()) throw bad(path + ": Input should be an object", path);
        String role = requiredString(m, "role", path + ".role");
        if (role.equals("system")) {
            out.add(midConversationSystem(m, path));
            return;
        }
        if (!role.equals("user") && !role.equals("assistant")) throw bad(path + ".role: Input should be 'user', 'assistant' or 'system'", path + ".role");
        JsonNode c = m.get("content");
        if (c == null || c.isNull()) throw bad(path + ".content: Field required", path + ".content");
        if (!c.isTextual() && !c.isArray()) throw bad(path + ".content: Input should be a string or a list of content blocks", path + ".content");
        if (c.isTextual() ? c.textValue().isEmpty() : c.isEmpty()) { // "" or []: Anthropic's 400, else the turn would be dropped or sent empty in translation
            if (last && role.equals("assistant")) return; // it prefills nothing: served without it
            throw bad(path + ": all messages must have non-empty content except for the optional final assistant message", path);
        }
        if (c.isTextual()) {
            out.add(Message.text(role.equals("user") ? Role.USER : Role.ASSISTANT, c.textValue()));
            return;
        }
        List<ContentPart> parts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        StringBuilder thinking = new StringBuilder();
        // Claude's signed thinking and redacted blocks, as LiteLLM's thinking_blocks: Claude served in another wire
        // format (Bedrock) wants them back in a tool loop with thinking on
        com.fasterxml.jackson.databind.node.ArrayNode signed = null;
        String blank = null; // the first whitespace-only text block's path
        boolean realText = false;
        for (int i = 0; i < c.size(); i++) {
            JsonNode b = c.get(i);
            String bp = path + ".content." + i;
            String type = requiredString(b, "type", bp + ".type");
            switch (type) {
                case "text" -> {
                    // a whitespace-only block beside real text is Anthropic-valid: left out of the translation (the raw
                    // body an Anthropic alias gets keeps it, as the client wrote it)
                    String text = nonEmptyText(b, bp);
                    if (text.isBlank()) blank = blank == null ? bp : blank;
                    else {
                        realText = true;
                        parts.add(new ContentPart.Text(text, b.get("cache_control")));
                    }
                }
                case "image" -> parts.add(image(b, bp));
                case "document" -> document((ObjectNode) b, bp, parts);
                case "tool_use" -> calls.add(new ToolCall(requiredString(b, "id", bp + ".id"), requiredString(b, "name", bp + ".name"),
                        toolInput(b, bp)));
                case "tool_result" -> out.add(toolResult(b, bp));
                case "thinking" -> {
                    thinking.append(b.path("thinking").asText());
                    if (b.path("signature").isTextual() && !b.get("signature").textValue().isEmpty()) {
                        signed = signed(signed).add(F.objectNode().put("type", "thinking")
                                .put("thinking", b.path("thinking").asText()).put("signature", b.get("signature").textValue()));
                    }
                }
                // Encrypted reasoning only Claude can read: an Anthropic deployment gets the raw body with it, Claude on
                // Bedrock gets it back from the assistant turn's thinking_blocks; any other provider goes without, as
                // it goes without a thinking block's signature (refusing it would turn a fallback from Claude into a 400).
                case "redacted_thinking" -> {
                    if (b.path("data").isTextual()) {
                        signed = signed(signed).add(F.objectNode().put("type", "redacted_thinking").put("data", b.get("data").textValue()));
                    }
                }
                default -> parts.add(new ContentPart.Other(type, (ObjectNode) b, bp));
            }
        }
        if (blank != null && !realText) {
            // Anthropic refuses whitespace-only text only when the message has no other text (LibreChat-AI/agents#124)
            throw bad("messages: text content blocks must contain non-whitespace text", blank + ".text");
        }
        if (!parts.isEmpty() || !calls.isEmpty()) {
            ObjectNode extra = signed == null || role.equals("user") ? null : F.objectNode().set("thinking_blocks", signed);
            out.add(new Message(role.equals("user") ? Role.USER : Role.ASSISTANT, parts, null, calls, null,
                    thinking.length() > 0 ? thinking.toString() : null, null, extra));
        }
    }

    /**
     * A mid-conversation system message ({@code {"role": "system"}}: Anthropic's Messages API since Claude Opus 4.8;
     * Claude Code sends one on every request to a model name it does not know, such as a gateway alias, and falls back to
     * a {@code <system-reminder>} in the user turn only on the 400 an older Claude answers). It stays a system message at
     * its place: an Anthropic deployment gets the raw body (the model decides, and its refusal reaches the client as it
     * wrote it), an OpenAI-style provider a {@code system} message there where its flavor takes one (else the text in the
     * user turn before it, OpenAiRequestEncoder), and the encoders that take one system prompt (Gemini, Bedrock) join it
     * to theirs. No stricter than the API, which the raw body reaches unchanged: it may be the first message, and its
     * blocks other than text (the beta's {@code tool_addition} / {@code tool_removal}) and the directive-only form
     * ({@code content: []} with {@code output_config}) are kept as {@link ContentPart.Other}, which only a translation
     * for another provider refuses, naming the field.
     */
    private static Message midConversationSystem(JsonNode m, String path) {
        JsonNode c = m.get("content");
        if (c == null || c.isNull()) throw bad(path + ".content: Field required", path + ".content");
        if (c.isTextual()) {
            if (c.textValue().isBlank()) throw bad(path + ": a system message must have non-empty text", path + ".content");
            return Message.text(Role.SYSTEM, c.textValue());
        }
        if (!c.isArray()) throw bad(path + ".content: Input should be a string or a list of content blocks", path + ".content");
        List<ContentPart> parts = new ArrayList<>();
        if (c.isEmpty()) parts.add(new ContentPart.Other(DIRECTIVE, (ObjectNode) m, path + ".content"));
        for (int i = 0; i < c.size(); i++) {
            String bp = path + ".content." + i;
            if (!c.get(i).isObject()) throw bad(bp + ": Input should be a valid dictionary", bp);
            String type = c.get(i).path("type").asText("");
            if (type.equals("text")) parts.add(new ContentPart.Text(nonEmptyText(c.get(i), bp), c.get(i).get("cache_control")));
            else parts.add(new ContentPart.Other(type.isEmpty() ? "unknown" : type, (ObjectNode) c.get(i), bp));
        }
        return new Message(Role.SYSTEM, parts, null, null, null, null, null);
    }

    /** The type a directive-only system message ({@code content: []}) is kept as: the API's meaning, nothing to translate. */
    private static final String DIRECTIVE = "system directive (content: [])";

    /**
     * A message's text block, refused in Anthropic's words when empty (anywhere in the message). One of only whitespace
     * is the caller's to judge: Anthropic refuses it only when no other text block of the message has real text.
     */
    private static String nonEmptyText(JsonNode b, String path) {
        String text = requiredString(b, "text", path + ".text");
        if (text.isEmpty()) throw bad("messages: text content blocks must be non-empty", path + ".text");
        return text;
    }

    private static com.fasterxml.jackson.databind.node.ArrayNode signed(com.fasterxml.jackson.databind.node.ArrayNode so) {
        return so != null ? so : F.arrayNode();
    }

    /** A tool_use block's input is a required object; a missing or other one is not sent on as {@code {}}. */
    private static String toolInput(JsonNode b, String path) {
        JsonNode input = b.get("input");
        if (input == null || input.isNull()) throw bad(path + ".tool_use.input: Field required", path + ".input");
        if (!input.isObject()) throw bad(path + ".tool_use.input: Input should be a valid dictionary", path + ".input");
        return input.toString();
    }

    private static Message toolResult(JsonNode b, String path) {
        String id = requiredString(b, "tool_use_id", path + ".tool_use_id");
        JsonNode content = b.get("content");
        List<ContentPart> parts = new ArrayList<>();
        if (content != null && content.isTextual()) parts.add(ContentPart.Text.of(content.textValue()));
        else if (content != null && content.isArray()) {
            // text, and the images and documents a tool returned (a screenshot, a file it read): each provider's
            // encoder puts them where it can take them (see the README, "images in a tool result")
            for (int i = 0; i < content.size(); i++) {
                JsonNode x = content.get(i);
                String xp = path + ".content." + i;
                switch (x.path("type").asText()) {
                    case "text" -> parts.add(new ContentPart.Text(x.path("text").asText(), x.get("cache_control")));
                    case "image" -> parts.add(image(x, xp));
                    case "document" -> document((ObjectNode) x, xp, parts);
                    // a search result a tool returned (Anthropic's search_result, which Claude cites as search_result_location):
                    // the block as written, so Claude gets it on every host whose request is built from the canonical one,
                    // and a translating provider refuses it naming it (it was dropped, and the model never saw the result)
                    case "search_result" -> parts.add(new ContentPart.Other("search_result", (ObjectNode) x, xp));
                    default -> { } // newer blocks: Anthropic's own (an Anthropic deployment gets the raw body)
                }
            }
        }
        if (b.path("is_error").asBoolean(false)) { // the prefix on the result's first text, not a text of its own
            if (!parts.isEmpty() && parts.get(0) instanceof ContentPart.Text t) parts.set(0, new ContentPart.Text("Error: " + t.text(), t.cacheControl()));
            else parts.add(0, ContentPart.Text.of("Error: "));
        }
        // the block's own breakpoint (Claude Code marks each turn's last block, often a tool_result) on its last part, where
        // a translation and prompt-cache affinity see it: it was dropped, so Bedrock cached nothing there
        JsonNode marker = b.get("cache_control");
        if (marker != null && marker.isObject() && !parts.isEmpty()) {
            int last = parts.size() - 1;
            switch (parts.get(last)) {
                case ContentPart.Text t when t.cacheControl() == null -> parts.set(last, t.withCacheControl(marker));
                case ContentPart.Image i when i.cacheControl() == null -> parts.set(last, i.withCacheControl(marker));
                // a document or search result kept as written: the marker on a copy of its block (never the client's)
                case ContentPart.File f when f.raw() != null && f.cacheControl() == null ->
                        parts.set(last, new ContentPart.File(f.filename(), f.fileData(), f.fileId(), f.param(), marked(f.raw(), marker)));
                case ContentPart.Other o when o.raw() != null && o.cacheControl() == null ->
                        parts.set(last, new ContentPart.Other(o.type(), marked(o.raw(), marker), o.param()));
                default -> { }
            }
        }
        return new Message(Role.TOOL, parts, null, null, id, null, null);
    }

    private static ObjectNode marked(ObjectNode block, JsonNode marker) {
        ObjectNode copy = block.deepCopy();
        copy.set("cache_control", marker);
        return copy;
    }

    /**
     * An image by base64 data or URL is a canonical image; one by {@code file_id} (Anthropic's Files API, {@code source.type:
     * "file"}) stays the block as written: Anthropic's own API reads it; Claude on Vertex AI (no Files API there) and a
     * translating provider refuse it naming the part.
     */
    private static ContentPart image(JsonNode b, String path) {
        JsonNode s = b.path("source");
        String type = s.path("type").asText();
        if (type.equals("file") && b instanceof ObjectNode block) return new ContentPart.Other("image", block, path);
        String url = switch (type) {
            case "base64" -> "data:" + requiredString(s, "media_type", path + ".source.media_type") + ";base64,"
                    + requiredString(s, "data", path + ".source.data");
            case "url" -> requiredString(s, "url", path + ".source.url");
            default -> throw bad(path + ".source.type: Input should be 'base64', 'url' or 'file'", path + ".source.type");
        };
        return new ContentPart.Image(url, null, b.get("cache_control"), null, path + ".source");
    }

    /**
     * A document with its content inline (a base64 PDF, plain text) is a canonical file, so a provider of another
     * dialect can be given it (Gemini as inlineData; an OpenAI-style provider a PDF as a file part, plain text as text);
     * one built of content blocks is those blocks ({@link #contentDocument}); one by URL or file id stays raw.
     */
    private static void document(ObjectNode b, String path, List<ContentPart> out) {
        JsonNode s = b.path("source");
        if (s.path("type").asText().equals("content")) {
            contentDocument(b, path, out);
            return;
        }
        String data = s.path("data").isTextual() ? s.get("data").textValue() : null;
        String url = data == null ? null : switch (s.path("type").asText()) {
            case "base64" -> "data:" + s.path("media_type").asText("application/pdf") + ";base64," + data;
            case "text" -> "data:text/plain;base64," + java.util.Base64.getEncoder().encodeToString(
                    data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            default -> null;
        };
        if (url == null) {
            out.add(new ContentPart.Other("document", b, path));
            return;
        }
        out.add(new ContentPart.File(b.path("title").isTextual() ? b.get("title").textValue() : null, url, null, path, b));
    }

    /**
     * A custom-content document ({@code source.type: "content"}, a string or a list of text and image blocks) is what it
     * holds: its text blocks as text parts, the first under the document's header line ({@link DocumentText}), its images
     * as images, which every provider takes, so OpenAI-style providers and Gemini (which have no such document) are given
     * it. Citations are Anthropic's alone. A block of another type is a part no translation takes, refused naming it.
     */
    private static void contentDocument(ObjectNode b, String path, List<ContentPart> out) {
        String title = b.path("title").isTextual() ? b.get("title").textValue() : null;
        String context = b.path("context").isTextual() ? b.get("context").textValue() : null;
        JsonNode content = b.path("source").path("content");
        List<ContentPart> parts = new ArrayList<>();
        if (content.isTextual()) parts.add(ContentPart.Text.of(DocumentText.of(title, context, content.textValue())));
        for (int j = 0; j < content.size(); j++) {
            String at = path + ".source.content." + j;
            if (!(content.get(j) instanceof ObjectNode block)) throw bad(at + ": Input should be a valid dictionary", at);
            String type = block.path("type").asText();
            switch (type) {
                case "text" -> {
                    String text = requiredString(block, "text", at + ".text");
                    parts.add(ContentPart.Text.of(parts.stream().anyMatch(p -> p instanceof ContentPart.Text) ? text
                            : DocumentText.of(title, context, text)));
                }
                case "image" -> parts.add(image(block, at));
                default -> parts.add(new ContentPart.Other(type, block, at));
            }
        }
        if (parts.stream().noneMatch(p -> p instanceof ContentPart.Text)) parts.add(0, ContentPart.Text.of(DocumentText.header(title, context)));
        JsonNode cc = b.get("cache_control"); // the document's breakpoint, on its last part
        if (cc != null && !cc.isNull() && parts.get(parts.size() - 1) instanceof ContentPart.Text t) {
            parts.set(parts.size() - 1, new ContentPart.Text(t.text(), cc));
        } else if (cc != null && !cc.isNull() && parts.get(parts.size() - 1) instanceof ContentPart.Image i) {
            parts.set(parts.size() - 1, i.withCacheControl(cc));
        }
        out.addAll(parts);
    }

    private static List<Tool> tools(JsonNode t) {
        if (t == null || t.isNull()) return List.of();
        if (!t.isArray()) throw bad("tools: Input should be a valid list", "tools");
        List<Tool> out = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            JsonNode x = t.get(i);
            JsonNode schema = x.get("input_schema");
            if (x.has("type") && !x.path("type").asText().equals("custom") && schema == null) {
                continue; // Anthropic server tools (web_search, bash, …) only work on Anthropic: kept in the raw body only
            }
            if (schema == null || !schema.isObject()) throw bad("tools." + i + ".input_schema: Field required", "tools." + i + ".input_schema");
            String name = requiredString(x, "name", "tools." + i + ".name");
            if (name.isEmpty()) throw bad("tools." + i + ".name: String should have at least 1 character", "tools." + i + ".name");
            out.add(new Tool(name,
                    x.path("description").isTextual() ? x.get("description").asText() : null, schema, null, x.get("cache_control")));
        }
        return out;
    }

    private static ToolChoice toolChoice(JsonNode c) {
        if (c == null || c.isNull()) return null;
        return switch (c.path("type").asText()) {
            case "auto" -> ToolChoice.of(ToolChoice.Mode.AUTO);
            case "any" -> ToolChoice.of(ToolChoice.Mode.REQUIRED);
            case "none" -> ToolChoice.of(ToolChoice.Mode.NONE);
            case "tool" -> ToolChoice.function(requiredString(c, "name", "tool_choice.name"));
            default -> throw bad("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'", "tool_choice.type");
        };
    }

    /**
     * A forced {@code tool_choice} needs tools, as Anthropic checks it (a live probe of its API: {@code auto} and
     * {@code none} without tools are taken, {@code any} and {@code tool} refused in these words), so the answer is the
     * same whichever provider serves the alias; served otherwise, another provider would be told to call a tool it was
     * not given. {@code {"type":"tool","name"}} must name one of the request's tools. Left to Anthropic when the request
     * has server tools or MCP servers (whose tools' names only Anthropic knows).
     */
    private static void checkToolChoice(ObjectNode n, List<Tool> tools, ToolChoice choice) {
        if (choice == null || n.has("mcp_servers")) return;
        if (n.get("tools") instanceof com.fasterxml.jackson.databind.node.ArrayNode all && all.size() != tools.size()) return;
        if (choice.mode() == ToolChoice.Mode.REQUIRED && tools.isEmpty()) {
            throw bad("tool_choice.any may only be specified while providing tools", "tool_choice");
        }
        if (choice.mode() != ToolChoice.Mode.FUNCTION) return;
        for (Tool t : tools) if (t.name().equals(choice.functionName())) return;
        throw bad("Tool '" + choice.functionName() + "' not found in provided tools", "tool_choice.name");
    }

    private static Boolean parallel(JsonNode c) {
        return c != null && c.path("disable_parallel_tool_use").asBoolean(false) ? Boolean.FALSE : null;
    }

    private static Double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber()) throw bad(field + ": Input should be a valid number", field);
        return v.doubleValue();
    }

    private static String requiredString(JsonNode n, String field, String path) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || v.isNull()) throw bad(path + ": Field required", path);
        if (!v.isTextual()) throw bad(path + ": Input should be a valid string", path);
        return v.textValue();
    }

    private static GatewayException bad(String message, String param) {
        return GatewayException.badRequest(message, param);
    }
}
