package dev.switchboard.edge.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.JsonBody;
import dev.switchboard.edge.JsonSyntax;
import dev.switchboard.edge.openai.OpenAiNumbers;
import dev.switchboard.edge.openai.OpenAiRanges;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Tool;
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
 * {@code POST /v1/responses} JSON → {@link ResponsesRequest}, validating as it goes (each error names the field).
 * Built-in tools (web search, file search, code interpreter, computer use, MCP, image generation, …) are kept in
 * the raw body only: an OpenAI deployment receives them as written, every other provider refuses them with a 400
 * naming them (see {@code provider.ResponsesBuiltInTools}).
 */
final class ResponsesRequestDecoder {
    /** Reads the stored items that replace item references (one mapper, made once). */
    private static final com.fasterxml.jackson.databind.ObjectMapper ITEMS = new com.fasterxml.jackson.databind.ObjectMapper();
    /** Fields the Response object repeats from the request, when the client sent them. */
    private static final List<String> ECHOED = List.of("instructions", "previous_response_id", "tools", "tool_choice",
            "parallel_tool_calls", "text", "temperature", "top_p", "max_output_tokens", "reasoning", "metadata", "user",
            "store", "truncation", "service_tier", "prompt_cache_key", "safety_identifier", "top_logprobs", "max_tool_calls");
    /**
     * The reasoning efforts taken: OpenAI's ({@code none} to {@code xhigh}, what the providers' mappings read:
     * {@code GeminiRequestEncoder}'s levels and budgets, {@code ClaudeThinking}'s budgets) and LiteLLM's two more, which
     * its clients send and chat's {@code reasoning_effort} takes too ({@code OpenAiRanges}): {@code disable} (its thinking
     * budget 0, made {@code none}) and {@code default} (the provider's own default: Groq's Qwen 3 takes it as written,
     * Claude thinks not at all, Gemini keeps its model's default, OpenAI is sent no effort). In this order in the 400.
     */
    private static final List<String> EFFORTS = List.of("none", "minimal", "low", "medium", "high", "xhigh", "default", "disable");
    /** LiteLLM's effort meaning "the provider's default": OpenAI's API has no such value, so its body carries none. */
    private static final String DEFAULT_EFFORT = "default";
    /** The spec's {@code Reasoning.summary} (and its deprecated twin {@code generate_summary}). */
    private static final Set<String> SUMMARIES = Set.of("auto", "concise", "detailed");
    /** The spec's {@code truncation}. */
    private static final List<String> TRUNCATIONS = List.of("auto", "disabled");
    /** The spec's {@code Verbosity} ({@code text.verbosity}). */
    private static final List<String> VERBOSITIES = List.of("low", "medium", "high");
    /**
     * The spec's {@code IncludeEnum}: the {@code include} values OpenAI's Responses API takes (the gateway itself reads
     * {@code message.output_text.logprobs} and {@code reasoning.encrypted_content}; the others only OpenAI's own API).
     */
    static final List<String> INCLUDABLE = List.of("file_search_call.results", "web_search_call.results",
            "web_search_call.action.sources", "message.input_image.image_url", "computer_call_output.output.image_url",
            "code_interpreter_call.outputs", "reasoning.encrypted_content", "message.output_text.logprobs");
    /** Chat fields with the same meaning, carried in the canonical request's extra for OpenAI-compatible providers. */
    private static final Set<String> PASSED = Set.of("service_tier", "prompt_cache_key", "safety_identifier");

    ResponsesRequest decode(Buffer body) {
        return decode(object(body));
    }

    /** The request body as a JSON object: a 400 in OpenAI's words when it is not one. */
    ObjectNode parse(Buffer body) {
        return object(body);
    }

    /**
     * The ids of the {@code item_reference} items of the input ({@code {"type":"item_reference","id":"msg_…"}}, which
     * the Vercel AI SDK sends for earlier output items when it stores responses); empty when there are none.
     */
    static List<String> itemReferences(ObjectNode n) {
        JsonNode input = n.get("input");
        if (input == null || !input.isArray()) return List.of();
        List<String> ids = new ArrayList<>();
        for (JsonNode item : input) {
            if ("item_reference".equals(item.path("type").textValue()) && item.path("id").isTextual()) ids.add(item.get("id").textValue());
        }
        return ids;
    }

    /**
     * Each {@code item_reference} replaced by the stored item it names ({@code found}: id → item JSON), as OpenAI resolves
     * them; a 400 naming the first one no stored answer of this caller holds.
     */
    static void resolveReferences(ObjectNode n, Map<String, String> found) {
        ArrayNode input = (ArrayNode) n.get("input");
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (!"item_reference".equals(item.path("type").textValue())) continue;
            String json = found.get(item.path("id").asText());
            if (json == null) {
                throw new GatewayException(dev.switchboard.model.ErrorKind.NOT_FOUND, 404, "Item with id '" + item.path("id").asText()
                        + "' not found: a reference must name an output item of a response this key stored (store: true) that has"
                        + " not expired.", "input[" + i + "].id", "not_found", null, null);
            }
            try {
                input.set(i, ITEMS.readTree(json));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    ResponsesRequest decode(ObjectNode n) {
        String model = Fields.requiredString(n, "model", "model");
        for (String unsupported : new String[] {"conversation", "prompt"}) {
            if (n.hasNonNull(unsupported)) {
                throw GatewayException.badRequest("'" + unsupported + "' is not supported by this gateway (it refers to state "
                        + "kept by OpenAI); send the input itself, or continue with previous_response_id.", unsupported);
            }
        }
        // Background mode is the gateway's own (ResponsesRoutes runs the call detached from the client): the provider is
        // asked for an ordinary answer, so the field does not reach OpenAI's API with the request passed as written.
        boolean background = Boolean.TRUE.equals(Fields.optionalBool(n, "background", "background"));
        n.remove("background");
        // every input item gets an id when it is stored (input_items lists them by it); the request as written keeps none
        ArrayNode input = InputItems.identified(input(n.get("input")));
        String instructions = Fields.optionalString(n, "instructions", "instructions");
        String previous = Fields.optionalString(n, "previous_response_id", "previous_response_id");
        Boolean store = Fields.optionalBool(n, "store", "store");
        if (background && Boolean.FALSE.equals(store)) {
            throw new GatewayException(dev.switchboard.model.ErrorKind.BAD_REQUEST, 400, "'background: true' needs 'store: "
                    + "true': a background response is read back by its id.", "background", "unsupported_parameter", null, null);
        }
        boolean stream = Boolean.TRUE.equals(Fields.optionalBool(n, "stream", "stream"));

        Map<String, JsonNode> extra = new HashMap<>();
        JsonNode reasoning = Fields.optionalObject(n, "reasoning", "reasoning");
        if (reasoning != null) {
            String effort = Fields.optionalString(reasoning, "effort", "reasoning.effort");
            // an effort no provider mapping knows was dropped unsaid (Claude's budget 0: no thinking); OpenAI refuses it
            if (effort != null && !EFFORTS.contains(effort)) {
                throw new GatewayException(dev.switchboard.model.ErrorKind.BAD_REQUEST, 400, "Invalid value for "
                        + "'reasoning.effort': '" + effort + "'. Supported values are: 'none', 'minimal', 'low', 'medium', "
                        + "'high', 'xhigh', 'default' and 'disable'.", "reasoning.effort", "invalid_value", null, null);
            }
            effort = litellmEffort((ObjectNode) reasoning, effort);
            if (effort != null) extra.put("reasoning_effort", JsonNodeFactory.instance.textNode(effort));
            // no translation reads the summary (a reasoning item's summary is what the provider gives), but an unknown
            // one is OpenAI's 400: taken here, a request passed or failed by where it was routed
            for (String field : new String[] {"summary", "generate_summary"}) {
                String summary = Fields.optionalString(reasoning, field, "reasoning." + field);
                if (summary != null && !SUMMARIES.contains(summary)) {
                    throw GatewayException.badRequest("Invalid value: '" + summary + "'. Supported values are: 'concise', "
                            + "'detailed', and 'auto'.", "reasoning." + field, "invalid_value");
                }
            }
        }
        OpenAiRanges.responses(n);
        enumerated(n.get("truncation"), "truncation", TRUNCATIONS);
        JsonNode text = n.get("text");
        if (text != null && text.isObject()) enumerated(text.get("verbosity"), "text.verbosity", VERBOSITIES);
        includes(n.get("include"));
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (PASSED.contains(e.getKey()) || ChatRequest.ROUTING_CONTROL_FIELDS.contains(e.getKey())) extra.put(e.getKey(), e.getValue());
        }
        // Anthropic's automatic caching (a top-level cache_control), as chat takes it: kept in extra, where the chat path's
        // code reads it for Claude on Anthropic, Vertex and Bedrock; an OpenAI-compatible flavor is sent it only when it
        // forwards cache_control, and OpenAI's /responses never (ResponsesPassThrough takes it off the passed body)
        if (n.hasNonNull("cache_control")) {
            dev.switchboard.model.CacheInjectionPoint.checkControl(n.get("cache_control"), "cache_control");
            extra.put("cache_control", n.get("cache_control"));
        }
        // log probabilities, asked as the Responses API asks them, are chat's: a provider without them refuses them
        // (or drops them under drop_params) as it does chat's, instead of answering without them unsaid
        if (n.hasNonNull("top_logprobs")) extra.put("top_logprobs", n.get("top_logprobs"));
        JsonNode include = n.get("include");
        if (include != null && include.isArray()) {
            for (JsonNode i : include) {
                if ("message.output_text.logprobs".equals(i.asText())) extra.put("logprobs", JsonNodeFactory.instance.booleanNode(true));
            }
        }
        ObjectNode echo = JsonNodeFactory.instance.objectNode();
        for (String f : ECHOED) if (n.has(f) && !n.get(f).isNull()) echo.set(f, n.get(f));
        List<String[]> builtIn = new ArrayList<>();
        java.util.Map<String, String[]> namespaced = new java.util.HashMap<>();
        List<Tool> tools = tools(n.get("tools"), builtIn, namespaced);
        ToolChoice toolChoice = toolChoice(n.get("tool_choice"), builtIn);
        if (echo.has("tools") && builtIn.isEmpty() && namespaced.isEmpty()) echo.set("tools", echoTools(tools));
        // a choice naming a tool that is not offered is OpenAI's 400, before any provider sees it (Claude would be told to
        // call a tool it does not have); with built-in or namespaced tools, OpenAI's own API judges the name
        requireTools(toolChoice, n.get("tools"));
        String unknown = toolChoice == null || !builtIn.isEmpty() || !namespaced.isEmpty() ? null : toolChoice.unknownName(tools);
        if (unknown != null) {
            throw GatewayException.badRequest("Invalid value for 'tool_choice': no tool named '" + unknown + "' in 'tools'.", "tool_choice");
        }
        checkToolKinds(n.get("tool_choice"), tools);
        if (!builtIn.isEmpty() && previous != null) {
            // The gateway rebuilds a continued conversation itself and translates it: only function tools survive that.
            throw builtInTool(builtIn.get(0)[0], builtIn.get(0)[1]);
        }

        return new ResponsesRequest(model, input, ResponseItems.toMessages(input, "input"), namespaced, instructions, previous,
                store == null || store, stream, background, tools, toolChoice,
                Fields.optionalBool(n, "parallel_tool_calls", "parallel_tool_calls"), format(n.get("text")),
                OpenAiNumbers.number(n, "temperature"), OpenAiNumbers.number(n, "top_p"),
                maxOutputTokens(n), Fields.optionalString(n, "user", "user"),
                metadata(n.get("metadata")), extra, echo, n);
    }

    /**
     * LiteLLM's efforts in the body itself (which OpenAI deployments are passed, and the Response object echoes), before
     * anything reads them: {@code disable} is OpenAI's {@code none} (so Claude thinks not at all, Gemini takes its least
     * budget or level, OpenAI and OpenAI-style services the {@code none} they take), as chat's {@code disable} is;
     * {@code default} leaves OpenAI's body without an effort (its model's default; OpenAI refuses the word) and reaches
     * the translation as written, as chat's does. Returns the effort the translation reads.
     */
    private static String litellmEffort(ObjectNode reasoning, String effort) {
        if (dev.switchboard.edge.openai.OpenAiRanges.DISABLE.equals(effort)) {
            reasoning.put("effort", "none");
            return "none";
        }
        if (DEFAULT_EFFORT.equals(effort)) reasoning.remove("effort");
        return effort;
    }

    /**
     * A field of a few string values (null: not sent), refused otherwise in OpenAI's words, whatever provider serves the
     * request: no translation reads {@code truncation} or {@code text.verbosity}, and they were echoed back as sent (QA
     * qa-d finding 3), where OpenAI answers 400. One check for every provider, so a request does not pass or fail by where
     * it is routed (OpenAI deployments included: OpenAI would refuse it the same way).
     */
    static void enumerated(JsonNode v, String param, List<String> values) {
        if (v == null || v.isNull()) return;
        if (!v.isTextual()) {
            throw GatewayException.badRequest("Invalid type for '" + param + "': expected one of " + quoted(values, "or")
                    + ", but got " + jsonType(v) + " instead.", param, "invalid_type");
        }
        if (!values.contains(v.textValue())) {
            throw GatewayException.badRequest("Invalid value: '" + v.textValue() + "'. Supported values are: "
                    + quoted(values, "and") + ".", param, "invalid_value");
        }
    }

    /** {@code include}: an array of {@link #INCLUDABLE} values (null: none), else OpenAI's 400 naming the entry. */
    private static void includes(JsonNode include) {
        if (include == null || include.isNull()) return;
        if (!include.isArray()) {
            throw GatewayException.badRequest("Invalid type for 'include': expected an array of strings, but got "
                    + jsonType(include) + " instead.", "include", "invalid_type");
        }
        for (int i = 0; i < include.size(); i++) enumerated(include.get(i), "include[" + i + "]", INCLUDABLE);
    }

    /** {@code 'a' and 'b'}, {@code 'a', 'b', and 'c'}: the list as OpenAI's messages write it. */
    private static String quoted(List<String> values, String last) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) b.append(values.size() == 2 ? " " + last + " " : i == values.size() - 1 ? ", " + last + " " : ", ");
            b.append('\'').append(values.get(i)).append('\'');
        }
        return b.toString();
    }

    /** OpenAI's least {@code max_output_tokens}: a smaller limit is refused there, so it is here (in OpenAI's words). */
    static final int LEAST_OUTPUT_TOKENS = 16;

    private static Integer maxOutputTokens(JsonNode n) {
        // 0 and below too: they were told "at least 1", a bound OpenAI does not have
        return OpenAiNumbers.intBetween(n, "max_output_tokens", LEAST_OUTPUT_TOKENS);
    }

    /** A string is one user message; otherwise a non-empty list of items. */
    private static ArrayNode input(JsonNode in) {
        if (in == null || in.isNull()) throw Fields.missing("input");
        if (in.isTextual()) {
            ArrayNode items = JsonNodeFactory.instance.arrayNode();
            items.addObject().put("type", "message").put("role", "user").put("content", in.textValue());
            return items;
        }
        if (!in.isArray()) throw GatewayException.badRequest("'input' must be a string or an array of input items.", "input");
        return (ArrayNode) in;
    }

    /** The function tools; built-in ones go to {@code builtIn} as (type, param), for OpenAI's own API only. */
    private static List<Tool> tools(JsonNode arr, List<String[]> builtIn, java.util.Map<String, String[]> namespaced) {
        if (arr == null || arr.isNull()) return List.of();
        if (!arr.isArray()) throw GatewayException.badRequest("'tools' must be an array of tool objects.", "tools");
        List<Tool> out = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) {
            String p = "tools[" + i + "]";
            JsonNode t = arr.get(i);
            if (!t.isObject()) throw GatewayException.badRequest("'" + p + "' must be an object.", p);
            String type = Fields.requiredString(t, "type", p + ".type");
            if (type.equals("namespace")) {
                namespace(t, p, out, builtIn, namespaced);
                continue;
            }
            if (type.equals("custom")) {
                out.add(customTool(t, p));
                continue;
            }
            if (!type.equals("function")) {
                builtIn.add(new String[] {type, p + ".type"});
                continue;
            }
            JsonNode params = t.get("parameters");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw GatewayException.badRequest("'" + p + ".parameters' must be a JSON Schema object.", p + ".parameters");
            }
            out.add(new Tool(dev.switchboard.edge.ToolNames.nonEmpty(Fields.requiredString(t, "name", p + ".name"), p + ".name"),
                    Fields.optionalString(t, "description", p + ".description"),
                    params == null || params.isNull() ? null : params, Fields.optionalBool(t, "strict", p + ".strict"), null));
        }
        return out;
    }

    /**
     * A tool choice naming a tool by its kind ({@code {"type":"function","name"}} or {@code {"type":"custom","name"}},
     * also in {@code allowed_tools}) must name a tool of that kind ({@link dev.switchboard.edge.ToolNames#checkKind}).
     */
    private static void checkToolKinds(JsonNode choice, List<Tool> tools) {
        if (choice == null || !choice.isObject()) return;
        if ("allowed_tools".equals(choice.path("type").textValue())) {
            JsonNode list = choice.path("tools");
            for (int i = 0; i < list.size(); i++) {
                String name = list.get(i).path("name").textValue();
                dev.switchboard.edge.ToolNames.checkKind(list.get(i).path("type").textValue(), name, tools,
                        "tool_choice.tools[" + i + "]", "{\"type\":\"%kind\",\"name\":\"" + name + "\"}");
            }
            return;
        }
        String name = choice.path("name").textValue();
        dev.switchboard.edge.ToolNames.checkKind(choice.path("type").textValue(), name, tools, "tool_choice",
                "{\"type\":\"%kind\",\"name\":\"" + name + "\"}");
    }

    /**
     * A namespace groups function tools (Codex CLI sends its multi-agent tools so): each becomes a canonical tool named
     * {@code <namespace>__<name>} (a name every provider accepts), and the calls come back split again. A custom
     * (free-form) tool inside one runs only on OpenAI, like a built-in tool.
     */
    private static void namespace(JsonNode t, String p, List<Tool> out, List<String[]> builtIn, java.util.Map<String, String[]> namespaced) {
        String ns = Fields.requiredString(t, "name", p + ".name");
        JsonNode inner = t.get("tools");
        if (inner == null || !inner.isArray()) throw Fields.missing(p + ".tools");
        for (int j = 0; j < inner.size(); j++) {
            String q = p + ".tools[" + j + "]";
            JsonNode f = inner.get(j);
            if (!f.isObject()) throw GatewayException.badRequest("'" + q + "' must be an object.", q);
            String type = Fields.requiredString(f, "type", q + ".type");
            if (!type.equals("function")) {
                builtIn.add(new String[] {type, q + ".type"});
                continue;
            }
            String name = dev.switchboard.edge.ToolNames.nonEmpty(Fields.requiredString(f, "name", q + ".name"), q + ".name");
            JsonNode params = f.get("parameters");
            String flat = ResponsesRequest.flatName(ns, name);
            namespaced.put(flat, new String[] {ns, name});
            out.add(new Tool(flat, Fields.optionalString(f, "description", q + ".description"),
                    params == null || params.isNull() ? null : params, Fields.optionalBool(f, "strict", q + ".strict"), null));
        }
    }

    /**
     * OpenAI's custom (free-form) tool, {@code {"type":"custom","name","description","format"}}, whose {@code format} is
     * {@code {"type":"text"}} (the default) or a grammar, {@code {"type":"grammar","syntax","definition"}}: kept in chat
     * completions' shape ({@link Tool#customFormat}), where the grammar's fields are nested in {@code grammar}.
     */
    private static Tool customTool(JsonNode t, String p) {
        String name = dev.switchboard.edge.ToolNames.nonEmpty(Fields.requiredString(t, "name", p + ".name"), p + ".name");
        JsonNode format = t.get("format");
        ObjectNode canonical = JsonNodeFactory.instance.objectNode();
        if (format == null || format.isNull()) {
            canonical.put("type", "text");
        } else {
            String fp = p + ".format";
            if (!format.isObject()) throw GatewayException.badRequest("'" + fp + "' must be an object.", fp);
            String type = Fields.requiredString(format, "type", fp + ".type");
            if (type.equals("grammar")) {
                String definition = Fields.requiredString(format, "definition", fp + ".definition");
                String syntax = Fields.requiredString(format, "syntax", fp + ".syntax");
                if (!syntax.equals("lark") && !syntax.equals("regex")) {
                    throw GatewayException.badRequest("Invalid value for '" + fp + ".syntax': '" + syntax
                            + "'. Supported values are: 'lark' and 'regex'.", fp + ".syntax");
                }
                canonical.put("type", "grammar").putObject("grammar").put("definition", definition).put("syntax", syntax);
            } else if (type.equals("text")) {
                canonical.put("type", "text");
            } else {
                throw GatewayException.badRequest("Invalid value for '" + fp + ".type': '" + type
                        + "'. Supported values are: 'text' and 'grammar'.", fp + ".type");
            }
        }
        return new Tool(name, Fields.optionalString(t, "description", p + ".description"), null, null, null, canonical);
    }

    /** A custom tool's format as the Responses API writes it: a grammar's fields beside its type, not nested. */
    static ObjectNode responsesFormat(JsonNode chatFormat) {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("type", chatFormat.path("type").asText("text"));
        JsonNode g = chatFormat.path("grammar");
        if (g.isObject()) out.put("syntax", g.path("syntax").asText()).put("definition", g.path("definition").asText());
        return out;
    }

    /** The tools as the Response object lists them: every field of the spec's FunctionTool (null where not given; strict false where not given). */
    private static ArrayNode echoTools(List<Tool> tools) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Tool t : tools) {
            if (t.custom()) { // the spec's CustomTool
                ObjectNode o = out.addObject().put("type", "custom").put("name", t.name());
                if (t.description() != null) o.put("description", t.description());
                o.set("format", responsesFormat(t.customFormat()));
                continue;
            }
            ObjectNode o = out.addObject().put("type", "function").put("name", t.name());
            if (t.description() == null) o.putNull("description"); else o.put("description", t.description());
            if (t.parameters() == null) o.putNull("parameters"); else o.set("parameters", t.parameters());
            // the value the client gave; without one, false: OpenAI defaults strict to true only where the schema allows
            // it (else it falls back to non-strict), and a translated provider is handed the schema best-effort, so
            // true would claim an enforcement nobody gives (the spec's FunctionTool takes null too; false says more)
            o.put("strict", t.strict() != null && t.strict());
        }
        return out;
    }

    static GatewayException builtInTool(String type, String param) {
        return GatewayException.badRequest("The built-in tool '" + type + "' (" + param + ") cannot be used with "
                + "previous_response_id: the gateway rebuilds the conversation and translates it, and only OpenAI's own "
                + "Responses API runs built-in tools. Send the whole input instead, to an alias served by OpenAI.", param);
    }

    /**
     * A tool required, or one named, with no {@code tools} at all is OpenAI's 400: the translation had no tool to hand the
     * provider and dropped the choice, so the model answered in text where the client demanded a call. {@code auto} and
     * {@code none} ask for what happens anyway; a built-in tool's choice is left to OpenAI's API, which is given it.
     */
    private static void requireTools(ToolChoice c, JsonNode tools) {
        if (c == null || tools != null && tools.isArray() && !tools.isEmpty()) return;
        if ((c.mode() == ToolChoice.Mode.AUTO || c.mode() == ToolChoice.Mode.NONE) && c.allowed() == null) return;
        String what = c.mode() == ToolChoice.Mode.REQUIRED && c.allowed() == null ? "'required'"
                : c.functionName() != null ? "naming '" + c.functionName() + "'" : "'allowed_tools'";
        throw GatewayException.badRequest("Tool choice " + what + " must be specified with 'tools' parameter.", "tool_choice");
    }

    private static ToolChoice toolChoice(JsonNode c, List<String[]> builtIn) {
        if (c == null || c.isNull()) return null;
        if (c.isTextual()) {
            ToolChoice named = ToolChoice.named(c.textValue());
            if (named != null) return named;
            throw GatewayException.badRequest("Invalid value for 'tool_choice': '" + c.textValue()
                    + "'. Supported: 'auto', 'none', 'required' or {\"type\":\"function\",\"name\":…}.", "tool_choice");
        }
        if (!c.isObject()) throw GatewayException.badRequest("'tool_choice' must be a string or an object.", "tool_choice");
        String type = Fields.requiredString(c, "type", "tool_choice.type");
        // a function, or a custom tool ({"type":"custom","name"}): a name among the tools either way
        if (type.equals("function") || type.equals("custom")) return ToolChoice.function(Fields.requiredString(c, "name", "tool_choice.name"));
        if (type.equals("allowed_tools")) {
            // {"type":"allowed_tools","mode":"auto"|"required","tools":[{"type":"function","name"}, …]}
            String mode = Fields.requiredString(c, "mode", "tool_choice.mode");
            ToolChoice.Mode m = ToolChoice.allowedMode(mode, "tool_choice.mode");
            JsonNode list = c.get("tools");
            if (list == null || !list.isArray() || list.isEmpty()) {
                throw GatewayException.badRequest("'tool_choice.tools' must be a non-empty array of tools.", "tool_choice.tools");
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode t = list.get(i);
                String kind = t.path("type").textValue();
                if (!"function".equals(kind) && !"custom".equals(kind)) { // a built-in tool among them: OpenAI's own API only
                    builtIn.add(new String[] {t.path("type").asText("?"), "tool_choice.tools[" + i + "].type"});
                    return null;
                }
                names.add(Fields.requiredString(t, "name", "tool_choice.tools[" + i + "].name"));
            }
            return ToolChoice.allowedTools(m, names);
        }
        builtIn.add(new String[] {type, "tool_choice.type"});
        return null;
    }

    /** {@code text.format}: text, json_object, or json_schema (flat here, nested in chat's response_format). */
    private static ResponseFormat format(JsonNode text) {
        if (text == null || text.isNull()) return null;
        if (!text.isObject()) throw GatewayException.badRequest("'text' must be an object.", "text");
        JsonNode f = Fields.optionalObject(text, "format", "text.format");
        if (f == null) return null;
        String type = Fields.requiredString(f, "type", "text.format.type");
        switch (type) {
            case "text" -> { return null; }
            case "json_object" -> { return new ResponseFormat("json_object", null); }
            case "json_schema" -> {
                ObjectNode js = JsonNodeFactory.instance.objectNode();
                js.put("name", Fields.requiredString(f, "name", "text.format.name"));
                JsonNode schema = Fields.optionalObject(f, "schema", "text.format.schema");
                if (schema == null) throw Fields.missing("text.format.schema");
                js.set("schema", schema);
                String description = Fields.optionalString(f, "description", "text.format.description");
                if (description != null) js.put("description", description);
                Boolean strict = Fields.optionalBool(f, "strict", "text.format.strict");
                if (strict != null) js.put("strict", strict);
                return new ResponseFormat("json_schema", js);
            }
            default -> throw GatewayException.badRequest("Invalid value for 'text.format.type': '" + type
                    + "'. Supported: 'text', 'json_object', 'json_schema'.", "text.format.type");
        }
    }

    /**
     * OpenAI's metadata: at most 16 pairs, keys of at most 64 characters, string values of at most 512. Anything else was
     * taken and echoed (a number as its JSON text), where OpenAI answers 400; the same limits hold for every provider,
     * so a request does not pass or fail by where it is routed. The gateway's own keys ({@code tags}, …) may also be a
     * list of strings, as LiteLLM writes them.
     */
    private static Map<String, String> metadata(JsonNode m) {
        if (m == null || m.isNull()) return Map.of();
        if (!m.isObject()) throw GatewayException.badRequest("'metadata' must be an object of string values.", "metadata");
        if (m.size() > 16) {
            throw metadataError("Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but "
                    + "got an object with " + m.size() + " properties instead.", "metadata", "object_above_max_properties");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : m.properties()) {
            String key = e.getKey(), param = "metadata." + key;
            JsonNode v = e.getValue();
            if (key.length() > 64) {
                throw metadataError("Invalid 'metadata': key '" + key + "' is too long. Expected a key with maximum length 64, "
                        + "but got a key with length " + key.length() + " instead.", "metadata", "string_above_max_length");
            }
            boolean gatewayList = dev.switchboard.model.GatewayMetadata.KEYS.contains(key) && v.isArray()
                    && v.valueStream().allMatch(JsonNode::isTextual);
            if (!v.isTextual() && !gatewayList) {
                throw metadataError("Invalid type for '" + param + "': expected a string, but got " + jsonType(v)
                        + " instead. 'metadata' must be an object of string values.", param, "invalid_type");
            }
            if (v.isTextual() && v.textValue().length() > 512) {
                throw metadataError("Invalid '" + param + "': string too long. Expected a string with maximum length 512, but "
                        + "got a string with length " + v.textValue().length() + " instead.", param, "string_above_max_length");
            }
            out.put(key, v.isTextual() ? v.textValue() : v.toString());
        }
        return out;
    }

    private static GatewayException metadataError(String message, String param, String code) {
        return new GatewayException(dev.switchboard.model.ErrorKind.BAD_REQUEST, 400, message, param, code, null, null);
    }

    /** A JSON value's type in OpenAI's error words ("an integer", "an object", …). */
    private static String jsonType(JsonNode v) {
        if (v.isIntegralNumber()) return "an integer";
        if (v.isNumber()) return "a decimal";
        if (v.isBoolean()) return "a boolean";
        if (v.isArray()) return "an array";
        if (v.isObject()) return "an object";
        if (v.isTextual()) return "a string";
        return "null";
    }

    private static ObjectNode object(Buffer body) {
        JsonNode n;
        try {
            n = JsonBody.read(body.getBytes());
        } catch (JsonProcessingException e) {
            throw GatewayException.badRequest("We could not parse the JSON body of your request: " + JsonSyntax.describe(e)
                    + ". The API expects a JSON object.", null);
        } catch (IOException e) {
            throw GatewayException.badRequest("We could not read the body of your request.", null);
        }
        if (n == null || n.isMissingNode()) throw GatewayException.badRequest("The request body is empty; the API expects a JSON object.", null);
        if (!(n instanceof ObjectNode o)) throw GatewayException.badRequest("The request body must be a JSON object.", null);
        if (JsonBody.nonFinitePath(o) != null) throw OpenAiNumbers.notFinite(String.valueOf(JsonBody.nonFinitePath(o)));
        return o;
    }
}
