package dev.switchboard.edge.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.ToolChoice;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI chat/completions and embeddings JSON → canonical, validating as it goes: every wrong type is a 400
 * whose {@code param} names the exact field (e.g. {@code messages[2].content}). Fields we do not model are
 * kept in {@code extra} and reach OpenAI-compatible providers unchanged.
 */
public final class OpenAiRequestDecoder {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Set<String> CHAT_FIELDS = Set.of("model", "messages", "tools", "tool_choice",
            "parallel_tool_calls", "response_format", "temperature", "top_p", "max_tokens",
            "max_completion_tokens", "stop", "seed", "user", "metadata", "stream", "stream_options");
    private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content", "name", "tool_calls", "tool_call_id",
            "reasoning_content", "refusal");
    /** The largest {@code dimensions} an embeddings request may ask for. */
    static final int MAX_DIMENSIONS = 65_536;
    private static final Set<String> EMBEDDING_FIELDS = Set.of("model", "input", "encoding_format", "dimensions", "user", "metadata");

    public ChatRequest chat(Buffer body) {
        return chatCall(body).request();
    }

    /**
     * A decoded chat request, and whether its client asked with the deprecated {@code functions} (its answer then goes
     * back in that shape, see {@link LegacyFunctions}).
     */
    public record Chat(ChatRequest request, boolean legacyFunctions) {}

    public Chat chatCall(Buffer body) {
        byte[] bytes = dev.switchboard.edge.BodyReader.bytes(body); // the relay keeps them: no one writes to the body after
        int[] fields = new int[1];
        ObjectNode n = object(bytes, fields);
        boolean rewritten = LegacyFunctions.present(n);
        boolean legacyFunctions = rewritten && LegacyFunctions.rewrite(n);
        String model = model(n);
        JsonNode msgs = n.get("messages");
        if (msgs == null || msgs.isNull()) throw OpenAiNumbers.missing("messages");
        // OpenAI's words and codes: "Invalid type for 'messages': expected an array of objects, but got a string
        // instead." (invalid_type; quoted as the OpenAI API's in portkey.ai/error-library/type-validation-error-10531,
        // and with param messages and code invalid_type in public logs of OpenAI answers); an empty array,
        // CopilotKit/CopilotKit#529's quoted answer (empty_array)
        if (!msgs.isArray()) throw OpenAiNumbers.typeError("messages", "an array of objects", msgs);
        if (msgs.isEmpty()) {
            throw GatewayException.badRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, "
                    + "but got an empty array instead.", "messages", "empty_array");
        }
        List<Message> messages = new ArrayList<>(msgs.size());
        for (int i = 0; i < msgs.size(); i++) messages.add(message(msgs.get(i), "messages[" + i + "]"));

        JsonNode streamOptions = n.get("stream_options");
        boolean stream = bool(n, "stream", false);
        if (streamOptions != null && !streamOptions.isNull() && !streamOptions.isObject()) {
            throw GatewayException.badRequest("'stream_options' must be an object.", "stream_options");
        }
        combinations(n, streamOptions, stream);
        OpenAiRanges.chat(n);
        // Anthropic's automatic caching, carried to Claude hosts (as LiteLLM does): its shape in Anthropic's words
        dev.switchboard.model.CacheInjectionPoint.checkControl(n.get("cache_control"), "cache_control");
        boolean effortRewritten = OpenAiRanges.disableAsNone(n);
        boolean includeUsage = streamOptions != null && bool(streamOptions, "include_usage", "stream_options.include_usage", false);
        List<Tool> tools = tools(n.get("tools"));
        ToolChoice toolChoice = checkedToolChoice(toolChoice(n.get("tool_choice")), tools);
        checkToolKinds(n.get("tool_choice"), tools);

        Chat chat = new Chat(new ChatRequest(
                model,
                messages,
                tools,
                toolChoice,
                optionalBool(n, "parallel_tool_calls"),
                responseFormat(n.get("response_format")),
                OpenAiNumbers.number(n, "temperature"),
                OpenAiNumbers.number(n, "top_p"),
                OpenAiNumbers.positiveInt(n, "max_tokens"),
                OpenAiNumbers.positiveInt(n, "max_completion_tokens"),
                stop(n.get("stop")),
                OpenAiNumbers.int64(n, "seed"),
                optionalString(n, "user"),
                metadata(n.get("metadata")),
                stream,
                includeUsage,
                extra(n, CHAT_FIELDS),
                null,
                rewritten || effortRewritten ? null : RequestRelayShape.of(bytes, n, fields[0])), legacyFunctions); // rewritten: not the client's bytes
        // Anthropic's edge cases of automatic caching (another ttl on the last part, no slot left), as on the Anthropic edge
        dev.switchboard.model.CacheInjectionPoint.checkAutomatic(chat.request());
        return chat;
    }

    /**
     * Fields OpenAI refuses together, refused here too before any provider sees them (they used to be dropped unsaid:
     * {@code stream_options} on a plain call, {@code max_tokens} beside {@code max_completion_tokens}, which won), so a
     * client's bug shows through the gateway as it would at OpenAI. In OpenAI's words, code and param; its code for
     * the first is null. A null field counts as absent.
     */
    private static void combinations(JsonNode n, JsonNode streamOptions, boolean stream) {
        if (streamOptions != null && !streamOptions.isNull() && !stream) {
            throw GatewayException.badRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                    "stream_options");
        }
        if (n.hasNonNull("max_tokens") && n.hasNonNull("max_completion_tokens")) {
            throw GatewayException.badRequest("Setting 'max_tokens' and 'max_completion_tokens' at the same time is not "
                    + "supported.", "max_tokens", "invalid_parameter_combination");
        }
    }

    /** The top-level chat fields the decoder reads into the canonical record. */
    static Set<String> chatFields() { return CHAT_FIELDS; }

    /** A top-level chat field the decoder reads into the canonical record (the rest go to {@code extra}). */
    static boolean isModelled(String field) {
        return CHAT_FIELDS.contains(field);
    }

    public EmbeddingRequest embeddings(Buffer body) {
        ObjectNode n = object(body);
        String model = model(n);
        JsonNode input = n.get("input");
        EmbeddingInput.check(input);
        String format = optionalString(n, "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw GatewayException.badRequest("'encoding_format' must be 'float' or 'base64'.", "encoding_format");
        }
        Integer dimensions = OpenAiNumbers.positiveInt(n, "dimensions");
        if (dimensions != null && dimensions > MAX_DIMENSIONS) {
            // no embedding model has more (OpenAI's largest: 3072); 2^31-1 made the mock provider allocate gigabytes
            throw GatewayException.badRequest("Invalid 'dimensions': " + dimensions + " is too large; the maximum is "
                    + MAX_DIMENSIONS + ".", "dimensions");
        }
        return new EmbeddingRequest(model, input, format, dimensions, optionalString(n, "user"),
                metadata(n.get("metadata")), extra(n, EMBEDDING_FIELDS));
    }

    private static ObjectNode object(Buffer body) {
        return object(body.getBytes(), null);
    }

    /** The body as an object; {@code fields[0]} gets the number of object members in the whole tree when given. */
    private static ObjectNode object(byte[] body, int[] fields) {
        JsonNode n;
        try {
            n = dev.switchboard.edge.JsonBody.read(body);
        } catch (JsonProcessingException e) {
            throw GatewayException.badRequest("We could not parse the JSON body of your request: "
                    + dev.switchboard.edge.JsonSyntax.describe(e) + ". The API expects a JSON object.", null);
        } catch (IOException e) {
            throw GatewayException.badRequest("We could not read the body of your request.", null);
        }
        if (n == null || n.isMissingNode()) throw GatewayException.badRequest("The request body is empty; the API expects a JSON object.", null);
        if (!(n instanceof ObjectNode o)) throw GatewayException.badRequest("The request body must be a JSON object.", null);
        List<Object> nonFinite = dev.switchboard.edge.JsonBody.nonFinitePath(o, fields);
        if (nonFinite != null) throw OpenAiNumbers.notFinite(param(nonFinite));
        return o;
    }

    /** A location in OpenAI's spelling of {@code param}: {@code messages[2].content}. */
    private static String param(List<Object> path) {
        StringBuilder sb = new StringBuilder();
        for (Object step : path) {
            if (step instanceof Integer i) sb.append('[').append(i).append(']');
            else sb.append(sb.isEmpty() ? "" : ".").append(step);
        }
        return sb.toString();
    }

    private static Message message(JsonNode m, String path) {
        if (!m.isObject()) throw GatewayException.badRequest(path + " must be an object with a 'role'.", path);
        String roleName = requiredString(m, "role", path, ".role");
        Role role = Role.fromWire(roleName);
        if (role == null) {
            throw GatewayException.badRequest("Invalid value for '" + path + ".role': '" + roleName
                    + "'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.", path + ".role");
        }
        JsonNode calls = m.get("tool_calls");
        List<ToolCall> toolCalls = calls == null || calls.isNull() ? List.of() : toolCalls(calls, path + ".tool_calls");
        JsonNode c = m.get("content");
        List<ContentPart> content;
        if (c == null || c.isNull()) {
            if (role != Role.ASSISTANT) {
                throw OpenAiNumbers.missing(path + ".content");
            }
            content = List.of();
        } else if (c.isTextual()) {
            content = List.of(ContentPart.Text.of(c.textValue()));
        } else if (c.isArray()) {
            content = new ArrayList<>(c.size());
            for (int i = 0; i < c.size(); i++) content.add(part(c.get(i), path + ".content[" + i + "]"));
        } else {
            throw GatewayException.badRequest("'" + path + ".content' must be a string or an array of content parts.",
                    path + ".content");
        }
        String toolCallId = optionalString(m, "tool_call_id", path, ".tool_call_id");
        if (role == Role.TOOL && toolCallId == null) {
            throw OpenAiNumbers.missing(path + ".tool_call_id");
        }
        ObjectNode extra = null;
        for (Map.Entry<String, JsonNode> f : m.properties()) {
            if (MESSAGE_FIELDS.contains(f.getKey())) continue;
            if (f.getKey().equals("cache_control") && f.getValue().isObject()) {
                List<ContentPart> marked = withMessageCacheControl(content, f.getValue());
                if (marked != null) {
                    content = marked;
                    continue;
                }
            }
            if (extra == null) extra = MAPPER.createObjectNode();
            extra.set(f.getKey(), f.getValue());
        }
        return new Message(role, content, optionalString(m, "name", path, ".name"), toolCalls, toolCallId,
                optionalString(m, "reasoning_content", path, ".reasoning_content"),
                optionalString(m, "refusal", path, ".refusal"), extra);
    }

    /**
     * A {@code cache_control} on the message itself (LiteLLM accepts it there, e.g. on a system message whose
     * content is a plain string) marks the message's last text or image part, which is where Anthropic and
     * OpenRouter expect the breakpoint; the cached prefix is the same. Null when there is no such part, or it
     * already carries its own marker (the message's field is then kept as an unknown field).
     */
    private static List<ContentPart> withMessageCacheControl(List<ContentPart> content, JsonNode cacheControl) {
        if (content.isEmpty()) return null;
        ContentPart last = content.get(content.size() - 1);
        ContentPart marked = switch (last) {
            case ContentPart.Text t when t.cacheControl() == null -> t.withCacheControl(cacheControl);
            case ContentPart.Image i when i.cacheControl() == null -> i.withCacheControl(cacheControl);
            default -> null;
        };
        if (marked == null) return null;
        List<ContentPart> out = new ArrayList<>(content);
        out.set(out.size() - 1, marked);
        return out;
    }

    private static ContentPart part(JsonNode p, String path) {
        if (!p.isObject()) throw GatewayException.badRequest("'" + path + "' must be an object with a 'type'.", path);
        String type = requiredString(p, "type", path, ".type");
        JsonNode cache = p.get("cache_control");
        switch (type) {
            case "text" -> {
                return new ContentPart.Text(requiredString(p, "text", path, ".text"), cache, partExtra(p, TEXT_PART_FIELDS));
            }
            case "image_url" -> {
                JsonNode iu = p.get("image_url");
                String url;
                String detail = null;
                if (iu != null && iu.isTextual()) {
                    url = iu.textValue(); // LiteLLM accepts the short form; so do we
                } else if (iu != null && iu.isObject()) {
                    url = requiredString(iu, "url", path + ".image_url.url");
                    detail = optionalString(iu, "detail", path + ".image_url.detail");
                } else {
                    throw OpenAiNumbers.missing(path + ".image_url");
                }
                // s3:// for Bedrock, which reads the image from the bucket (s3Location); another provider refuses it
                if (!url.startsWith("http://") && !url.startsWith("https://") && !url.startsWith("data:") && !url.startsWith("s3://")) {
                    throw GatewayException.badRequest("'" + path + ".image_url.url' must be an http(s) URL, a data: URL or "
                            + "(for Bedrock) an s3:// URL.", path + ".image_url.url");
                }
                return new ContentPart.Image(url, detail, cache, partExtra(p, IMAGE_PART_FIELDS),
                        iu.isTextual() ? path + ".image_url" : path + ".image_url.url"); // where the URL is, as the refusal above names it
            }
            case "file" -> {
                JsonNode f = p.get("file");
                OpenAiNumbers.object(f, path + ".file");
                return new ContentPart.File(optionalString(f, "filename", path + ".file.filename"),
                        optionalString(f, "file_data", path + ".file.file_data"),
                        optionalString(f, "file_id", path + ".file.file_id"), path, (ObjectNode) p);
            }
            case "input_audio" -> {
                JsonNode a = p.get("input_audio");
                OpenAiNumbers.object(a, path + ".input_audio");
                return new ContentPart.Audio(requiredString(a, "data", path + ".input_audio.data"),
                        requiredString(a, "format", path + ".input_audio.format"), path, (ObjectNode) p);
            }
            default -> {
                return new ContentPart.Other(type, (ObjectNode) p, path);
            }
        }
    }

    private static final Set<String> TEXT_PART_FIELDS = Set.of("type", "text", "cache_control");
    private static final Set<String> IMAGE_PART_FIELDS = Set.of("type", "image_url", "cache_control");

    /**
     * A text or image part's fields the gateway does not model (a provider's own, a new one of OpenAI's), or null: they
     * reach OpenAI-compatible providers as written, and the exact cache's key (what is sent) includes them. Most parts
     * have none: a look at each field name, and nothing is allocated.
     */
    private static ObjectNode partExtra(JsonNode p, Set<String> known) {
        if (p.size() <= 2) return null; // type and text (or image_url): nothing else
        ObjectNode extra = null;
        for (Map.Entry<String, JsonNode> f : p.properties()) {
            if (known.contains(f.getKey())) continue;
            if (extra == null) extra = MAPPER.createObjectNode();
            extra.set(f.getKey(), f.getValue());
        }
        return extra;
    }

    private static List<ToolCall> toolCalls(JsonNode arr, String path) {
        if (arr == null || arr.isNull()) return List.of();
        if (!arr.isArray()) throw GatewayException.badRequest("'" + path + "' must be an array.", path);
        List<ToolCall> out = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) {
            JsonNode t = arr.get(i);
            String p = path + "[" + i + "]";
            if (!t.isObject()) throw GatewayException.badRequest("'" + p + "' must be an object.", p);
            if ("custom".equals(t.path("type").textValue())) { // a custom (free-form) tool's call: its input is text
                JsonNode c = t.get("custom");
                OpenAiNumbers.object(c, p + ".custom");
                out.add(new ToolCall(requiredString(t, "id", p, ".id"), requiredString(c, "name", p, ".custom.name"),
                        optionalString(c, "input", p, ".custom.input"), true));
                continue;
            }
            JsonNode f = t.get("function");
            OpenAiNumbers.object(f, p + ".function");
            out.add(new ToolCall(requiredString(t, "id", p, ".id"), requiredString(f, "name", p, ".function.name"),
                    optionalString(f, "arguments", p, ".function.arguments")));
        }
        return out;
    }

    private static List<Tool> tools(JsonNode arr) {
        if (arr == null || arr.isNull()) return List.of();
        if (!arr.isArray()) throw GatewayException.badRequest("'tools' must be an array of tool objects.", "tools");
        List<Tool> out = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) {
            String p = "tools[" + i + "]";
            JsonNode t = arr.get(i);
            if (!t.isObject()) throw GatewayException.badRequest("'" + p + "' must be an object.", p);
            String type = optionalString(t, "type", p + ".type");
            if ("custom".equals(type)) {
                out.add(customTool(t, p));
                continue;
            }
            if (type != null && !type.equals("function")) {
                throw GatewayException.badRequest("Invalid value for '" + p + ".type': '" + type + "'. Supported: 'function' and 'custom'.", p + ".type");
            }
            JsonNode f = t.get("function");
            OpenAiNumbers.object(f, p + ".function");
            JsonNode params = f.get("parameters");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw GatewayException.badRequest("'" + p + ".function.parameters' must be a JSON Schema object.", p + ".function.parameters");
            }
            out.add(new Tool(nonEmptyName(f, p + ".function.name"),
                    optionalString(f, "description", p + ".function.description"),
                    params == null || params.isNull() ? null : params,
                    optionalBool(f, "strict", p + ".function.strict"), t.get("cache_control")));
        }
        return out;
    }

    /**
     * OpenAI's custom (free-form) tool, {@code {"type":"custom","custom":{"name","description","format"}}}: the model
     * answers it with text, unconstrained ({@code format} {@code {"type":"text"}}, the default) or following a Lark or
     * regex grammar ({@code {"type":"grammar","grammar":{"definition","syntax"}}}).
     */
    private static Tool customTool(JsonNode t, String p) {
        JsonNode c = t.get("custom");
        OpenAiNumbers.object(c, p + ".custom");
        String name = nonEmptyName(c, p + ".custom.name");
        JsonNode format = c.get("format");
        if (format == null || format.isNull()) {
            format = JsonNodeFactory.instance.objectNode().put("type", "text");
        } else {
            String fp = p + ".custom.format";
            if (!format.isObject()) throw GatewayException.badRequest("'" + fp + "' must be an object.", fp);
            String type = requiredString(format, "type", fp + ".type");
            if (type.equals("grammar")) {
                JsonNode g = format.get("grammar");
                OpenAiNumbers.object(g, fp + ".grammar");
                requiredString(g, "definition", fp + ".grammar.definition");
                String syntax = requiredString(g, "syntax", fp + ".grammar.syntax");
                if (!syntax.equals("lark") && !syntax.equals("regex")) {
                    throw GatewayException.badRequest("Invalid value for '" + fp + ".grammar.syntax': '" + syntax
                            + "'. Supported values are: 'lark' and 'regex'.", fp + ".grammar.syntax");
                }
            } else if (!type.equals("text")) {
                throw GatewayException.badRequest("Invalid value for '" + fp + ".type': '" + type
                        + "'. Supported values are: 'text' and 'grammar'.", fp + ".type");
            }
        }
        return new Tool(name, optionalString(c, "description", p + ".custom.description"), null, null, t.get("cache_control"), format);
    }

    /** A tool's name: required, and not empty. */
    private static String nonEmptyName(JsonNode holder, String path) {
        return dev.switchboard.edge.ToolNames.nonEmpty(requiredString(holder, "name", path), path);
    }

    /**
     * A tool choice naming a tool by its kind ({@code {"type":"function",…}} or {@code {"type":"custom",…}}, also in
     * {@code allowed_tools}) must name a tool of that kind ({@link dev.switchboard.edge.ToolNames#checkKind}).
     */
    private static void checkToolKinds(JsonNode choice, List<Tool> tools) {
        if (choice == null || !choice.isObject()) return;
        if ("allowed_tools".equals(choice.path("type").textValue())) {
            JsonNode list = choice.path("allowed_tools").path("tools");
            for (int i = 0; i < list.size(); i++) {
                String kind = list.get(i).path("type").textValue();
                String name = list.get(i).path(kind == null ? "" : kind).path("name").textValue();
                dev.switchboard.edge.ToolNames.checkKind(kind, name, tools, "tool_choice.allowed_tools.tools[" + i + "]",
                        "{\"type\":\"%kind\",\"%kind\":{\"name\":\"" + name + "\"}}");
            }
            return;
        }
        String kind = choice.path("function").isObject() ? "function" : choice.path("type").textValue();
        String name = choice.path(kind == null ? "" : kind).path("name").textValue();
        dev.switchboard.edge.ToolNames.checkKind(kind, name, tools, "tool_choice",
                "{\"type\":\"%kind\",\"%kind\":{\"name\":\"" + name + "\"}}");
    }

    /**
     * A tool choice that cannot be honoured is OpenAI's 400, before any provider sees it (Anthropic and Gemini would
     * answer in their own words, or not at all): a tool required, or one named, without tools, or a name that is not
     * among them. {@code auto} and {@code none} without tools ask for what happens anyway and pass.
     */
    private static ToolChoice checkedToolChoice(ToolChoice c, List<Tool> tools) {
        if (c == null || (c.mode() == ToolChoice.Mode.AUTO || c.mode() == ToolChoice.Mode.NONE) && c.allowed() == null) return c;
        if (tools.isEmpty()) {
            throw GatewayException.badRequest("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are "
                    + "specified.", "tool_choice");
        }
        if (c.mode() == ToolChoice.Mode.FUNCTION && tools.stream().noneMatch(t -> t.name().equals(c.functionName()))) {
            throw GatewayException.badRequest("Invalid value for 'tool_choice': no function named '" + c.functionName()
                    + "' in 'tools'.", "tool_choice");
        }
        if (c.allowed() != null) {
            for (String name : c.allowed()) {
                if (tools.stream().noneMatch(t -> t.name().equals(name))) {
                    throw GatewayException.badRequest("Invalid value for 'tool_choice.allowed_tools': no function named '" + name
                            + "' in 'tools'.", "tool_choice.allowed_tools.tools");
                }
            }
        }
        return c;
    }

    private static ToolChoice toolChoice(JsonNode c) {
        if (c == null || c.isNull()) return null;
        if (c.isTextual()) {
            ToolChoice named = ToolChoice.named(c.textValue());
            if (named != null) return named;
            throw GatewayException.badRequest("Invalid value for 'tool_choice': '" + c.textValue()
                    + "'. Supported: 'auto', 'none', 'required' or {\"type\":\"function\",\"function\":{\"name\":…}}.", "tool_choice");
        }
        if (c.isObject() && c.path("function").isObject()) {
            return ToolChoice.function(requiredString(c.get("function"), "name", "tool_choice.function.name"));
        }
        if (c.isObject() && "custom".equals(c.path("type").textValue())) { // {"type":"custom","custom":{"name"}}
            JsonNode named = c.get("custom");
            OpenAiNumbers.object(named, "tool_choice.custom");
            return ToolChoice.function(requiredString(named, "name", "tool_choice.custom.name"));
        }
        if (c.isObject() && "allowed_tools".equals(c.path("type").textValue())) {
            // {"type":"allowed_tools","allowed_tools":{"mode":"auto"|"required","tools":[{"type":"function","function":{"name"}}]}}
            JsonNode a = c.get("allowed_tools");
            OpenAiNumbers.object(a, "tool_choice.allowed_tools");
            String mode = requiredString(a, "mode", "tool_choice.allowed_tools.mode");
            ToolChoice.Mode m = ToolChoice.allowedMode(mode, "tool_choice.allowed_tools.mode");
            JsonNode list = a.get("tools");
            if (list == null || !list.isArray() || list.isEmpty()) {
                throw GatewayException.badRequest("'tool_choice.allowed_tools.tools' must be a non-empty array of tools.", "tool_choice.allowed_tools.tools");
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String p = "tool_choice.allowed_tools.tools[" + i + "]";
                String type = list.get(i).path("type").textValue();
                JsonNode f = list.get(i).get("custom".equals(type) ? "custom" : "function");
                if (!("function".equals(type) || "custom".equals(type)) || f == null || !f.isObject()) {
                    throw GatewayException.badRequest("'" + p + "' must be {\"type\":\"function\",\"function\":{\"name\":…}} or "
                            + "{\"type\":\"custom\",\"custom\":{\"name\":…}}.", p);
                }
                names.add(requiredString(f, "name", p + "." + type + ".name"));
            }
            return ToolChoice.allowedTools(m, names);
        }
        throw GatewayException.badRequest("'tool_choice' must be 'auto', 'none', 'required' or a function object.", "tool_choice");
    }

    private static ResponseFormat responseFormat(JsonNode f) {
        if (f == null || f.isNull()) return null;
        if (!f.isObject()) throw GatewayException.badRequest("'response_format' must be an object.", "response_format");
        String type = requiredString(f, "type", "response_format.type");
        switch (type) {
            case "text", "json_object" -> { return new ResponseFormat(type, null); }
            case "json_schema" -> {
                JsonNode js = f.get("json_schema");
                OpenAiNumbers.object(js, "response_format.json_schema");
                requiredString(js, "name", "response_format.json_schema.name");
                return new ResponseFormat(type, js);
            }
            default -> throw GatewayException.badRequest("Invalid value for 'response_format.type': '" + type
                    + "'. Supported: 'text', 'json_object', 'json_schema'.", "response_format.type");
        }
    }

    private static List<String> stop(JsonNode s) {
        if (s == null || s.isNull()) return List.of();
        if (s.isTextual()) return List.of(s.textValue());
        if (s.isArray()) {
            List<String> out = new ArrayList<>(s.size());
            for (JsonNode x : s) {
                if (!x.isTextual()) throw GatewayException.badRequest("'stop' must be a string or an array of strings.", "stop");
                out.add(x.textValue());
            }
            return out;
        }
        throw GatewayException.badRequest("'stop' must be a string or an array of strings.", "stop");
    }

    private static Map<String, String> metadata(JsonNode m) {
        if (m == null || m.isNull()) return Map.of();
        if (!m.isObject()) throw GatewayException.badRequest("'metadata' must be an object of string values.", "metadata");
        Map<String, String> out = new LinkedHashMap<>();
        m.properties().forEach(e -> out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString()));
        return out;
    }

    private static Map<String, JsonNode> extra(ObjectNode n, Set<String> known) {
        Map<String, JsonNode> out = null;
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (known.contains(e.getKey())) continue;
            if (out == null) out = new HashMap<>();
            out.put(e.getKey(), e.getValue());
        }
        return out == null ? Map.of() : out;
    }

    private static String requiredString(JsonNode n, String field) { return requiredString(n, field, field); }

    /**
     * The request's {@code model}. Absent, OpenAI's own error (not a "Missing required parameter"): 400
     * {@code {"message":"you must provide a model parameter","type":"invalid_request_error","param":null,"code":null}},
     * as quoted from OpenAI's chat answers in lss233/kirara-ai#800 and danielmiessler/Fabric#239; the same on embeddings.
     */
    private static String model(JsonNode n) {
        JsonNode v = n.get("model");
        if (v == null || v.isNull()) throw GatewayException.badRequest("you must provide a model parameter", null);
        return requiredString(n, "model", "model", "");
    }

    private static String requiredString(JsonNode n, String field, String path) { return requiredString(n, field, path, ""); }

    /**
     * A required string whose location in an error is {@code prefix + suffix}: the two are joined only for the error,
     * not for every field of every message (those concatenations were 1.6 % of a plain request's bytes).
     */
    private static String requiredString(JsonNode n, String field, String prefix, String suffix) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            String path = prefix + suffix;
            throw OpenAiNumbers.missing(path);
        }
        if (!v.isTextual()) {
            String path = prefix + suffix;
            throw OpenAiNumbers.typeError(path, "a string", v);
        }
        return v.textValue();
    }

    private static String optionalString(JsonNode n, String field) { return optionalString(n, field, field); }

    private static String optionalString(JsonNode n, String field, String path) { return optionalString(n, field, path, ""); }

    /** An optional string whose location in an error is {@code prefix + suffix} (see the required one). */
    private static String optionalString(JsonNode n, String field, String prefix, String suffix) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) {
            String path = prefix + suffix;
            throw OpenAiNumbers.typeError(path, "a string", v);
        }
        return v.textValue();
    }

    private static boolean bool(JsonNode n, String field, boolean dflt) { return bool(n, field, field, dflt); }

    /** @param path the field's full name in the request, as OpenAI's {@code param} names a nested one */
    private static boolean bool(JsonNode n, String field, String path, boolean dflt) {
        Boolean b = optionalBool(n, field, path);
        return b == null ? dflt : b;
    }

    private static Boolean optionalBool(JsonNode n, String field) { return optionalBool(n, field, field); }

    private static Boolean optionalBool(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) throw OpenAiNumbers.typeError(path, "a boolean", v);
        return v.booleanValue();
    }

}
