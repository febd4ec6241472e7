package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.ToolCallIds;
import java.util.HashMap;
import java.util.Map;

/**
 * Canonical request → Gemini {@code generateContent} body: system messages to {@code systemInstruction},
 * turns to {@code contents} (assistant = {@code model}, consecutive roles merged), tool calls to
 * {@code functionCall} parts with the thoughtSignature their id carries and tool results to
 * {@code functionResponse} parts (named by looking up the call they answer), tools to
 * {@code functionDeclarations}, sampling to {@code generationConfig}. User content parts: {@link GeminiParts}.
 */
final class GeminiRequestEncoder {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Deployment deployment;

    GeminiRequestEncoder(Deployment deployment) { this.deployment = deployment; }

    ObjectNode encode(ChatRequest r) {
        ObjectNode body = F.objectNode();
        ArrayNode system = F.arrayNode();
        ArrayNode contents = body.putArray("contents");
        Map<String, String> callNames = new HashMap<>();
        // later system (and developer) messages, of either dialect, as notes in a user turn: in systemInstruction they
        // changed the prompt's start, and Gemini's caches missed the whole conversation from then on (SystemReminders)
        java.util.List<Message> messages = dev.switchboard.provider.SystemReminders.forSystemPromptOnly(r, "Gemini");
        for (Message m : messages) {
            switch (m.role()) {
                case SYSTEM, DEVELOPER -> { // a part per text block: joined, "Line one." and "Line two." ran together
                    dev.switchboard.provider.Attachments.systemTextOnly(m, "Gemini");
                    for (ContentPart p : m.content()) {
                        if (p instanceof ContentPart.Text t && !t.text().isEmpty()) system.addObject().put("text", t.text());
                    }
                }
                case USER -> {
                    ArrayNode parts = turn(contents, "user");
                    for (ContentPart p : m.content()) GeminiParts.add(parts, p);
                }
                case ASSISTANT -> {
                    ArrayNode parts = turn(contents, "model");
                    String text = m.textContent();
                    if (!text.isEmpty()) parts.addObject().put("text", text);
                    String refused = m.refusalText();
                    if (refused != null) parts.addObject().put("text", refused);
                    for (ToolCall c : m.toolCalls()) {
                        callNames.put(ToolCallIds.withoutSignature(c.id()), c.name());
                        ObjectNode part = parts.addObject();
                        part.putObject("functionCall").put("name", c.name()).set("args", args(c));
                        // Gemini 3 rejects the tool loop's next step unless the signature comes back on this part
                        String signature = ThoughtSignatures.of(c.id());
                        if (signature != null) part.put("thoughtSignature", signature);
                    }
                }
                case TOOL -> {
                    ArrayNode parts = turn(contents, "user");
                    ObjectNode fr = parts.addObject().putObject("functionResponse");
                    // by the plain id: some clients echo the signature on one side only
                    String name = callNames.get(ToolCallIds.withoutSignature(m.toolCallId()));
                    if (name == null) {
                        throw GatewayException.badRequest("The tool message answering '" + m.toolCallId()
                                + "' has no matching assistant tool call; Gemini needs the function's name.", "messages");
                    }
                    fr.put("name", name);
                    fr.putObject("response").put("content", joinedText(m));
                    // images and files the tool returned: parts of the same user turn, after its functionResponse
                    for (ContentPart p : m.content()) if (!(p instanceof ContentPart.Text)) GeminiParts.add(parts, p);
                }
            }
        }
        if (ThoughtSignatures.required(deployment.model())) ThoughtSignatures.fillCurrentTurn(contents);
        if (!system.isEmpty()) body.putObject("systemInstruction").set("parts", system);
        if (!r.tools().isEmpty()) {
            ArrayNode decls = body.putArray("tools").addObject().putArray("functionDeclarations");
            for (Tool t : r.tools()) {
                ObjectNode d = decls.addObject().put("name", t.name());
                if (t.description() != null) d.put("description", t.description());
                // parametersJsonSchema takes the client's JSON Schema as it is ($ref, anyOf, additionalProperties, …);
                // the older `parameters` field only takes an OpenAPI subset and rejects those keywords.
                // with its references inlined: Google refuses a $ref beside other keywords (GeminiJsonSchema)
                JsonNode params = GeminiJsonSchema.forGemini(t.parameters());
                if (params != null && params.path("properties").size() > 0) d.set("parametersJsonSchema", params);
            }
            if (r.toolChoice() != null) {
                ObjectNode cfg = body.putObject("toolConfig").putObject("functionCallingConfig");
                switch (r.toolChoice().mode()) {
                    case AUTO -> cfg.put("mode", "AUTO");
                    case NONE -> cfg.put("mode", "NONE");
                    case REQUIRED -> cfg.put("mode", "ANY");
                    case FUNCTION -> cfg.put("mode", "ANY").putArray("allowedFunctionNames").add(r.toolChoice().functionName());
                }
            }
        }
        generationConfig(body, r);
        safetySettings(body, r.extra().get("safety_settings"));
        return body;
    }

    /**
     * LiteLLM's {@code safety_settings} (the request's, else the deployment's: route's deployment defaults put it in
     * {@code extra}) as Gemini's {@code safetySettings}, a list of {@code {category, threshold}} sent as it is, as
     * LiteLLM's vertex and gemini docs show it. Without it Google applies its default thresholds, so content the
     * operator allowed ({@code BLOCK_NONE}) would be blocked. Not a list: left out (Google would refuse the call).
     */
    static void safetySettings(ObjectNode body, JsonNode settings) {
        if (settings != null && settings.isArray()) body.set("safetySettings", settings);
    }

    private void generationConfig(ObjectNode body, ChatRequest r) {
        ObjectNode g = F.objectNode();
        if (r.temperature() != null) g.put("temperature", r.temperature());
        if (r.topP() != null) g.put("topP", r.topP());
        Integer limit = r.outputTokenLimit() != null ? r.outputTokenLimit() : deployment.maxTokens();
        if (limit != null) g.put("maxOutputTokens", limit);
        if (!r.stop().isEmpty()) {
            ArrayNode s = g.putArray("stopSequences");
            r.stop().forEach(s::add);
        }
        if (r.seed() != null) g.put("seed", r.seed());
        if (r.responseFormat() != null && !"text".equals(r.responseFormat().type())) {
            g.put("responseMimeType", "application/json");
            JsonNode schema = r.responseFormat().jsonSchema() == null ? null : r.responseFormat().jsonSchema().get("schema");
            if (schema != null) g.set("responseJsonSchema", GeminiJsonSchema.forGemini(schema));
        }
        copy(r.extra(), "n", g, "candidateCount");
        copy(r.extra(), "presence_penalty", g, "presencePenalty");
        copy(r.extra(), "frequency_penalty", g, "frequencyPenalty");
        responseModalities(r.extra().get("modalities"), g);
        JsonNode topK = r.anthropicField("top_k"); // Claude Code's top_k, as an Anthropic client sends it, too
        if (topK != null && topK.isNumber()) g.set("topK", topK);
        Map<String, JsonNode> asked = r.extra();
        JsonNode anthropicThinking = r.anthropicField("thinking"); // Claude Code's thinking, as an Anthropic client sends it
        if (anthropicThinking != null && !asked.containsKey("thinking")) {
            asked = new HashMap<>(asked);
            asked.put("thinking", anthropicThinking);
        }
        ObjectNode thinking = thinkingConfig(asked, deployment.model(), limit);
        if (thinking != null) g.set("thinkingConfig", thinking);
        if (!g.isEmpty()) body.set("generationConfig", g);
    }

    /**
     * OpenAI's {@code modalities} (["text", "image"] to ask an image model for pictures, as LiteLLM and OpenRouter take
     * it) as Gemini's {@code responseModalities} (["TEXT", "IMAGE"]); not a list of strings: left out.
     */
    static void responseModalities(JsonNode modalities, ObjectNode g) {
        if (modalities == null || !modalities.isArray() || modalities.isEmpty()) return;
        for (JsonNode m : modalities) if (!m.isTextual()) return;
        ArrayNode out = g.putArray("responseModalities");
        for (JsonNode m : modalities) out.add(m.asText().toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * OpenAI's {@code reasoning_effort} (or an Anthropic-style {@code thinking} object, as LiteLLM accepts it) as Gemini's
     * {@code thinkingConfig}, in Google's own OpenAI-compatibility mapping: Gemini 3 takes a {@code thinkingLevel}
     * (3 Pro knows only low and high), Gemini 2.5 a {@code thinkingBudget} (low 1,024, medium 8,192, high 24,576
     * tokens; none 0). {@code includeThoughts}, so the thought summary comes back as the answer's reasoning. Null when
     * the request asks for neither, or names an effort Gemini has no counterpart for (the model's default applies).
     */
    static ObjectNode thinkingConfig(Map<String, JsonNode> extra, String model, Integer limit) {
        // only the thinking models take a thinkingConfig (2.0 and Gemma refuse one)
        if (!thinks(model)) return null;
        ObjectNode config = thinkingConfig(extra, model);
        // Thinking counts toward maxOutputTokens, as Anthropic's budget toward max_tokens: the budget fits under the
        // client's limit, which is never raised (the same rule as the Anthropic encoder's).
        if (config != null && limit != null && config.path("thinkingBudget").asInt(0) >= limit) {
            config.put("thinkingBudget", Math.max(0, limit - 1));
        }
        // and within the model's own range (Google's thinking docs): 2.5 Pro 128-32,768, Flash 0-24,576, Flash-Lite 512-24,576
        if (config != null && config.has("thinkingBudget") && config.get("thinkingBudget").asInt() > 0) {
            int max = model.startsWith("gemini-2.5-pro") ? 32_768 : 24_576;
            int min = model.startsWith("gemini-2.5-pro") ? 128 : model.startsWith("gemini-2.5-flash-lite") ? 512 : 0;
            config.put("thinkingBudget", Math.max(min, Math.min(max, config.get("thinkingBudget").asInt())));
        }
        return config;
    }

    /** Whether the model thinks and takes a {@code thinkingConfig}: Gemini 2.5 and 3 (2.0, 1.5 and Gemma do not). */
    static boolean thinks(String model) { return model.startsWith("gemini-2.5") || model.startsWith("gemini-3"); }

    /**
     * Whether the request's thinking ({@link dev.switchboard.provider.ThinkingAsked}) reaches this model as nothing: it
     * is no thinking model, so {@link #thinkingConfig} sends none and the answer comes without thinking.
     */
    boolean dropsThinking(ChatRequest r) { return !thinks(deployment.model()) && dev.switchboard.provider.ThinkingAsked.on(r); }

    private static ObjectNode thinkingConfig(Map<String, JsonNode> extra, String model) {
        // 2.5 Pro cannot turn thinking off: its smallest budget (128) stands for "none"
        int off = model.startsWith("gemini-2.5-pro") ? 128 : 0;
        JsonNode thinking = extra.get("thinking");
        if (thinking != null && thinking.isObject()) {
            String type = thinking.path("type").asText();
            if (type.equals("disabled")) return F.objectNode().put("thinkingBudget", off);
            if (type.equals("enabled") && thinking.path("budget_tokens").canConvertToInt()) {
                return F.objectNode().put("thinkingBudget", thinking.path("budget_tokens").asInt()).put("includeThoughts", true);
            }
            return null;
        }
        JsonNode effort = extra.get("reasoning_effort");
        if (effort == null || !effort.isTextual()) return null;
        String e = effort.asText();
        if (model.startsWith("gemini-3")) {
            boolean pro = model.startsWith("gemini-3-pro") || model.startsWith("gemini-3.0-pro");
            String level = switch (e) {
                case "none", "minimal" -> pro ? "low" : "minimal";
                case "low" -> "low";
                case "medium" -> pro ? "high" : "medium";
                case "high", "xhigh" -> "high";
                default -> null;
            };
            return level == null ? null : F.objectNode().put("thinkingLevel", level).put("includeThoughts", !e.equals("none"));
        }
        int budget = switch (e) {
            case "none" -> off;
            case "minimal", "low" -> 1024;
            case "medium" -> 8192;
            case "high", "xhigh" -> 24576;
            default -> -2;
        };
        if (budget == -2) return null;
        return e.equals("none") ? F.objectNode().put("thinkingBudget", budget)
                : F.objectNode().put("thinkingBudget", budget).put("includeThoughts", true);
    }

    /** A tool result's text blocks, a line apart (as separate blocks they never ran together). */
    static String joinedText(Message m) {
        StringBuilder b = new StringBuilder();
        for (ContentPart p : m.content()) {
            if (!(p instanceof ContentPart.Text t)) continue;
            if (b.length() > 0 && !t.text().isEmpty()) b.append('\n');
            b.append(t.text());
        }
        return b.toString();
    }

    private static void copy(Map<String, JsonNode> extra, String from, ObjectNode to, String field) {
        JsonNode v = extra.get(from);
        if (v != null && v.isNumber()) to.set(field, v);
    }

    private static ArrayNode turn(ArrayNode contents, String role) {
        if (!contents.isEmpty()) {
            JsonNode last = contents.get(contents.size() - 1);
            if (role.equals(last.path("role").asText())) return (ArrayNode) last.get("parts");
        }
        return contents.addObject().put("role", role).putArray("parts");
    }

    private static JsonNode args(ToolCall c) {
        try {
            JsonNode n = Json.MAPPER.readTree(c.arguments() == null || c.arguments().isBlank() ? "{}" : c.arguments());
            if (n.isObject()) return n;
        } catch (Exception ignored) {
            // reported below
        }
        throw GatewayException.badRequest("Tool call " + c.id() + " has arguments that are not a JSON object.", "messages");
    }


}
