package dev.switchboard.provider.bedrock;

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
import dev.switchboard.model.ToolUseIds;
import dev.switchboard.provider.ClaudeOutputLimits;
import dev.switchboard.provider.Json;
import java.util.Map;

/**
 * Canonical request → the Converse API's body: system and developer messages to {@code system} blocks, turns to
 * {@code messages} (tool results as {@code toolResult} blocks of a user turn, consecutive turns of one role merged,
 * as Converse wants roles to alternate), tool calls to {@code toolUse} blocks, tools to {@code toolConfig}, sampling
 * to {@code inferenceConfig}, and what only a model family understands ({@code top_k}, Claude's {@code thinking}) to
 * {@code additionalModelRequestFields}. A {@code cache_control} marker becomes a {@code cachePoint} block right after
 * the block it marks, for models that cache (Claude, Nova); others do not get it. User content parts:
 * {@link BedrockParts}.
 */
final class BedrockRequestEncoder {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /**
     * A tool result's text when the tool returned nothing. Converse refuses a blank text block (LiteLLM sends it empty,
     * and the request fails) and a toolResult needs content; a neutral note tells the model the call ran and gave back
     * nothing.
     */
    static final String EMPTY_RESULT = "(empty result)";

    private final Deployment deployment;
    private final String modelId;
    /** The id the family rules are read from ({@link BedrockModels#foundationId}). */
    private final String familyId;
    private final boolean caches;
    private final boolean claude;
    /** The Claude's name ({@code claude-sonnet-4-5-…}) for the thinking and effort rules; null for other families. */
    private final String claudeName;
    /** The effort rules of the deployment's Claude (read once); null for other families. */
    private final dev.switchboard.provider.ClaudeEffort effort;
    /** Whether the deployment's Claude thinks only with a budget (before 4.6): adaptive thinking becomes one. */
    private final boolean budgetOnly;
    /** Claude's default output limit ({@link ClaudeOutputLimits}); 0 for other families. */
    private final int claudeDefaultLimit;

    /** The buckets images by s3:// URL may come from ({@code aws_s3_image_buckets}; none by default). */
    private final java.util.Set<String> s3Buckets;

    BedrockRequestEncoder(Deployment deployment, String modelId) { this(deployment, modelId, BedrockModels.foundationId(deployment, modelId)); }

    /**
     * @param foundationId the id the family rules are read from ({@link BedrockModels#foundationId}): an application
     *     inference profile's base_model, else the model id
     */
    BedrockRequestEncoder(Deployment deployment, String modelId, String foundationId) {
        this.deployment = deployment;
        this.modelId = modelId;
        this.familyId = foundationId;
        this.s3Buckets = s3Buckets(deployment.params().get("aws_s3_image_buckets"));
        this.caches = BedrockModels.cachesPrompts(foundationId);
        this.claude = "anthropic".equals(BedrockModels.family(foundationId));
        this.claudeName = claude ? BedrockModels.claudeName(foundationId) : null;
        this.effort = claude ? dev.switchboard.provider.ClaudeEffort.of(claudeName, deployment.id()) : null;
        this.budgetOnly = claude && dev.switchboard.provider.ClaudeThinking.budgetOnly(claudeName);
        this.claudeDefaultLimit = claude ? ClaudeOutputLimits.defaultMaxTokens(claudeName) : 0;
    }

    private static java.util.Set<String> s3Buckets(Object v) {
        if (v instanceof java.util.List<?> l) {
            java.util.Set<String> out = new java.util.HashSet<>();
            for (Object o : l) if (o != null) out.add(o.toString().strip());
            return java.util.Set.copyOf(out);
        }
        return v == null || v.toString().isBlank() ? java.util.Set.of() : java.util.Set.of(v.toString().strip());
    }

    ObjectNode encode(ChatRequest r) {
        ObjectNode body = F.objectNode();
        ArrayNode system = F.arrayNode();
        ArrayNode messages = body.putArray("messages");
        boolean toolBlocks = false;
        BedrockDocumentNames names = new BedrockDocumentNames(); // unique across the whole request, as Converse requires
        // later system (and developer) messages, of either dialect, as notes in a user turn: in Converse's system they
        // changed the prompt's start, and every cachePoint missed from then on (SystemReminders)
        java.util.List<Message> conversation = dev.switchboard.provider.SystemReminders.forSystemPromptOnly(r, "Bedrock's Converse");
        for (Message m : conversation) {
            switch (m.role()) {
                case SYSTEM, DEVELOPER -> {
                    dev.switchboard.provider.Attachments.systemTextOnly(m, "Bedrock's Converse");
                    for (ContentPart p : m.content()) {
                        if (p instanceof ContentPart.Text t && !t.text().isEmpty()) {
                            system.addObject().put("text", t.text());
                            cachePoint(system, t.cacheControl());
                        }
                    }
                }
                case USER -> {
                    ArrayNode content = turn(messages, "user");
                    for (ContentPart p : m.content()) {
                        BedrockParts.add(content, p, names, s3Buckets, claude);
                        cachePoint(content, p.cacheControl());
                    }
                }
                case ASSISTANT -> {
                    ArrayNode content = turn(messages, "assistant");
                    // Claude's signed thinking first in the turn, as Anthropic requires in a tool loop with thinking on
                    if (claude) BedrockThinking.addBlocks(content, m);
                    for (ContentPart p : m.content()) {
                        if (p instanceof ContentPart.Text t && !t.text().isBlank()) { // Converse refuses blank text blocks
                            content.addObject().put("text", t.text());
                            cachePoint(content, t.cacheControl());
                        }
                    }
                    String refused = m.refusalText();
                    if (refused != null && !refused.isBlank()) content.addObject().put("text", refused);
                    for (ToolCall c : m.toolCalls()) {
                        toolBlocks = true;
                        // Converse takes toolUseId of [a-zA-Z0-9_-]+ only, as Anthropic does (ToolUseIds)
                        content.addObject().putObject("toolUse").put("toolUseId", ToolUseIds.forAnthropic(c.id())).put("name", c.name()).set("input", input(c));
                    }
                }
                case TOOL -> {
                    toolBlocks = true;
                    ArrayNode content = turn(messages, "user");
                    ObjectNode result = content.addObject().putObject("toolResult").put("toolUseId", ToolUseIds.forAnthropic(m.toolCallId()));
                    // a block per text block (joined, they ran together), and the images and documents the tool returned:
                    // Converse's toolResult takes them all as blocks of its own; it refuses blank text blocks
                    ArrayNode resultContent = result.putArray("content");
                    for (ContentPart p : m.content()) {
                        if (!(p instanceof ContentPart.Text t)) BedrockParts.add(resultContent, p, names, s3Buckets, false);
                        else if (!t.text().isBlank()) resultContent.addObject().put("text", t.text());
                    }
                    // nothing returned (an empty or blank result): said in words, as Converse takes no blank text block
                    if (resultContent.isEmpty()) resultContent.addObject().put("text", EMPTY_RESULT);
                    for (ContentPart p : m.content()) cachePoint(content, p.cacheControl());
                }
            }
        }
        jsonInstruction(system, r);
        if (!system.isEmpty()) body.set("system", system);
        toolConfig(body, r, toolBlocks);
        ObjectNode claudeFields = claudeFields(r);
        JsonNode thinking = claudeFields == null ? null : claudeFields.get("thinking");
        inferenceConfig(body, r, outputLimit(r, thinking));
        additionalFields(body, r, claudeFields);
        return body;
    }

    /**
     * {@code tool_choice: "none"} where Converse cannot honour it: the conversation holds tool calls (or tool results
     * and tools), so the tools must be described (Bedrock refuses tool blocks without a toolConfig) and, Converse having
     * no "none", the model may call one. The router refuses it by name, as LiteLLM does, or under {@code drop_params}
     * drops the choice: the tools described, none forced. Null where "none" is honoured (no tool blocks: no tools described).
     */
    static dev.switchboard.provider.ParamConflict noneWithToolCalls(ChatRequest r) {
        if (r.toolChoice() == null || r.toolChoice().mode() != dev.switchboard.model.ToolChoice.Mode.NONE) return null;
        boolean calls = false;
        boolean results = false;
        for (Message m : r.messages()) {
            if (!m.toolCalls().isEmpty()) calls = true;
            if (m.role() == dev.switchboard.model.Role.TOOL) results = true;
        }
        if (!calls && !(results && !r.tools().isEmpty())) return null;
        return new dev.switchboard.provider.ParamConflict("tool_choice", "Bedrock's Converse has no tool_choice 'none', and"
                + " a conversation holding tool calls must describe its tools to it, so the model could call one");
    }

    /**
     * Tools and the choice among them. Converse has no "none": with {@code tool_choice: none} the tools are left out
     * when the conversation holds no tool blocks, else still described (a conversation holding toolUse blocks must
     * carry a toolConfig) but none is forced. A conversation
     * with tool blocks and no tools at all gets each used tool declared with an open schema, which Bedrock requires
     * (LiteLLM adds a placeholder tool for the same reason).
     */
    private void toolConfig(ObjectNode body, ChatRequest r, boolean toolBlocks) {
        if (r.tools().isEmpty() && !toolBlocks) return;
        // "none" in a conversation without tool blocks: no tools described, so none can be called (with tool blocks
        // Bedrock requires the toolConfig, and they stay described, not forced)
        if (!toolBlocks && r.toolChoice() != null && r.toolChoice().mode() == dev.switchboard.model.ToolChoice.Mode.NONE) return;
        ObjectNode config = body.putObject("toolConfig");
        ArrayNode tools = config.putArray("tools");
        for (Tool t : r.tools()) {
            ObjectNode spec = tools.addObject().putObject("toolSpec").put("name", t.name());
            if (t.description() != null && !t.description().isEmpty()) spec.put("description", t.description());
            JsonNode schema = t.parameters() != null && t.parameters().isObject() ? t.parameters()
                    : F.objectNode().put("type", "object").set("properties", F.objectNode());
            spec.putObject("inputSchema").set("json", schema);
            cachePoint(tools, t.cacheControl());
        }
        if (r.tools().isEmpty()) {
            java.util.Set<String> names = new java.util.LinkedHashSet<>();
            for (Message m : r.messages()) for (ToolCall c : m.toolCalls()) names.add(c.name());
            for (String name : names) {
                tools.addObject().putObject("toolSpec").put("name", name).putObject("inputSchema").putObject("json")
                        .put("type", "object");
            }
            if (tools.isEmpty()) body.remove("toolConfig"); // only tool results, no calls: nothing to declare
            return;
        }
        if (r.toolChoice() == null) return;
        switch (r.toolChoice().mode()) {
            case AUTO -> config.putObject("toolChoice").putObject("auto");
            case NONE -> { } // no "none" in Converse: described, not forced
            case REQUIRED -> forced(config, F.objectNode().set("any", F.objectNode()));
            case FUNCTION -> forced(config, F.objectNode().set("tool", F.objectNode().put("name", r.toolChoice().functionName())));
        }
    }

    private void forced(ObjectNode config, ObjectNode choice) {
        if (!BedrockModels.forcesTools(familyId)) {
            throw GatewayException.badRequest("tool_choice 'required' or a named function is not supported by " + modelId
                    + " on Bedrock (only Anthropic Claude, Amazon Nova and Mistral Large models take it). Fix: use tool_choice"
                    + " 'auto'.", "tool_choice");
        }
        config.set("toolChoice", choice);
    }

    /** A new object with the client's {@code output_config.effort} as {@code output_config: {effort}}, when it sent one. */
    private static ObjectNode effortField(ChatRequest r) {
        ObjectNode fields = F.objectNode();
        JsonNode config = r.anthropicField("output_config");
        JsonNode level = config == null ? null : config.get("effort");
        if (level != null && !level.isNull()) fields.putObject("output_config").set("effort", level);
        return fields;
    }

    /**
     * What ClaudeThinking's adaptive rules read beside the thinking and the effort, put on {@code fields}: the limit sent,
     * and an Anthropic client's turns (a tool loop's last assistant turn without its thinking block leaves thinking off).
     */
    private void adaptiveReads(ChatRequest r, ObjectNode fields) {
        Integer limit = requestedLimit(r);
        fields.put("max_tokens", limit != null ? limit : claudeDefaultLimit);
        if (r.raw() != null && r.raw().is(dev.switchboard.model.RawJson.ANTHROPIC)) fields.set("messages", r.raw().body().get("messages"));
    }

    /**
     * Whether the request's thinking reaches this model as nothing ({@code Provider.dropsThinking}), by
     * {@link #claudeFields}' own rules, read without encoding. A Claude: an adaptive thinking a Claude before 4.6 takes
     * only as a budget and {@link dev.switchboard.provider.ClaudeThinking#adaptiveAsBudget} leaves off (no room for the
     * smallest budget, or a tool loop's turn without its thinking block), or an OpenAI-dialect {@code reasoning_effort}
     * the request's forced tool choice or tool loop leaves off ({@link dev.switchboard.provider.ClaudeThinking#effortLeftOff}),
     * as on {@code anthropic/}. Before 2026-12-07 Claude on Bedrock was never counted. Other families (Nova, Llama,
     * Mistral): any thinking asked, as none is written for them.
     */
    boolean dropsThinking(ChatRequest r) {
        if (!claude) return dev.switchboard.provider.ThinkingAsked.on(r);
        JsonNode own = r.anthropicField("thinking");
        if (own == null || !own.isObject()) return dev.switchboard.provider.ClaudeThinking.effortLeftOff(r);
        if (!budgetOnly || !"adaptive".equals(own.path("type").asText())) return false;
        ObjectNode probe = effortField(r);
        probe.set("thinking", own);
        adaptiveReads(r, probe);
        return dev.switchboard.provider.ClaudeThinking.adaptiveLeftOff(probe, claudeName);
    }

    /** The output limit the client or the deployment set; null when neither did. */
    private Integer requestedLimit(ChatRequest r) {
        return r.outputTokenLimit() != null ? r.outputTokenLimit() : deployment.maxTokens();
    }

    /**
     * Claude's Anthropic fields for {@code additionalModelRequestFields}, as Claude on Bedrock reads them there: its
     * {@code thinking} and its {@code output_config.effort} (null for other families and when there is neither).
     * {@code thinking} is the client's own, else {@code reasoning_effort}'s budget, fitted under the output limit
     * ({@link #outputLimit}'s). An Anthropic client's {@code output_config.effort} (Claude Code sends it, with adaptive
     * thinking, to every alias) goes as {@code output_config: {effort}} — LiteLLM's Converse wire shape; the rest of
     * {@code output_config}, its {@code format}, is the request's response format — fitted to the model as on the Anthropic
     * path: adaptive thinking becomes a budget for a Claude before 4.6 ({@link
     * dev.switchboard.provider.ClaudeThinking#adaptiveAsBudget}, the effort choosing it), then the effort is dropped or
     * lowered where the model takes none or not that level ({@link dev.switchboard.provider.ClaudeEffort}). Before, the
     * effort was dropped unsaid and adaptive thinking reached Claude Sonnet 4.5, which refuses it.
     */
    private ObjectNode claudeFields(ChatRequest r) {
        if (!claude) return null;
        ObjectNode fields = effortField(r);
        JsonNode own = r.anthropicField("thinking");
        if (own != null && own.isObject()) {
            if (!budgetOnly || !"adaptive".equals(own.path("type").asText())) {
                fields.set("thinking", own); // a 4.6+ Claude takes adaptive thinking as sent
            } else {
                fields.set("thinking", own.deepCopy());
                adaptiveReads(r, fields);
                dev.switchboard.provider.ClaudeThinking.adaptiveAsBudget(fields, claudeName);
                fields.remove("max_tokens");
                fields.remove("messages");
            }
        } else {
            Integer limit = requestedLimit(r);
            ObjectNode budget = dev.switchboard.provider.ClaudeThinking.forEffort(r, limit != null ? limit : claudeDefaultLimit);
            if (budget != null) fields.set("thinking", budget);
        }
        effort.fit(fields);
        return fields.isEmpty() ? null : fields;
    }

    /**
     * The {@code maxTokens} sent: the client's or the deployment's; else, for Claude thinking, Claude's default
     * ({@link ClaudeOutputLimits}, which the anthropic/ and Vertex paths send): Claude wants an output limit above the
     * thinking budget, and a request without one is refused; else none, and Bedrock applies the model's own.
     */
    private Integer outputLimit(ChatRequest r, JsonNode thinking) {
        Integer limit = requestedLimit(r);
        if (limit != null || thinking == null || "disabled".equals(thinking.path("type").asText())) return limit;
        return claudeDefaultLimit;
    }

    private void inferenceConfig(ObjectNode body, ChatRequest r, Integer limit) {
        ObjectNode c = F.objectNode();
        if (limit != null) c.put("maxTokens", limit);
        if (r.temperature() != null) c.put("temperature", r.temperature());
        if (r.topP() != null) c.put("topP", r.topP());
        if (!r.stop().isEmpty()) {
            ArrayNode s = c.putArray("stopSequences");
            r.stop().forEach(s::add);
        }
        if (!c.isEmpty()) body.set("inferenceConfig", c);
    }

    /**
     * Converse has no JSON mode: {@code response_format} becomes a system instruction (with the schema, when one was
     * given), so the request is not silently answered in free text; the model is asked, not constrained.
     */
    private static void jsonInstruction(ArrayNode system, ChatRequest r) {
        if (r.responseFormat() == null || "text".equals(r.responseFormat().type())) return;
        JsonNode schema = r.responseFormat().jsonSchema() == null ? null : r.responseFormat().jsonSchema().get("schema");
        system.addObject().put("text", "Respond with one JSON object and nothing else (no prose, no code fences)."
                + (schema == null ? "" : " It must conform to this JSON Schema: " + schema));
    }

    /** Model-specific fields Converse passes to the model as they are. */
    private void additionalFields(ObjectNode body, ChatRequest r, ObjectNode claudeFields) {
        ObjectNode extra = F.objectNode();
        JsonNode topK = r.anthropicField("top_k");
        if (topK != null && topK.isNumber()) {
            // Nova reads it from its own inferenceConfig (Amazon's Nova docs); Claude and the others as top_k
            if ("amazon".equals(BedrockModels.family(familyId))) extra.putObject("inferenceConfig").set("topK", topK);
            else extra.set("top_k", topK);
        }
        if (claudeFields != null) extra.setAll(claudeFields);
        if (claude && r.raw() != null) {
            // an Anthropic client's beta features (Claude Code's context-1m-…), where Claude on Bedrock reads them
            java.util.List<String> betas = BedrockModels.converseBetas(r.raw().headers().get("anthropic-beta"));
            if (!betas.isEmpty()) {
                ArrayNode list = extra.putArray("anthropic_beta");
                betas.forEach(list::add);
            }
        }
        if (claudeFields != null && claudeFields.path("output_config").has("effort") && effort.takesUpToHighOnly()) {
            // Opus 4.5's effort on Bedrock is still the effort-2025-11-24 beta (AWS's Opus 4.5 example sends it;
            // coder/coder#25356: refused without it), which Claude Code does not send to an alias
            JsonNode list = extra.get("anthropic_beta");
            ArrayNode betas = list instanceof ArrayNode a ? a : extra.putArray("anthropic_beta");
            boolean has = false;
            for (JsonNode b : betas) has |= EFFORT_BETA.equals(b.asText());
            if (!has) betas.add(EFFORT_BETA);
        }
        JsonNode own = r.extra().get("additionalModelRequestFields");
        if (own != null && own.isObject()) extra.setAll((ObjectNode) own);
        if (!extra.isEmpty()) body.set("additionalModelRequestFields", extra);
        // Converse's stopReason says "stop_sequence" but not which one; Claude gives it when asked by this path (AWS's
        // Converse examples), so an Anthropic-dialect client gets its stop_sequence as from Anthropic. Only for Claude:
        // the path names the model's own response field.
        if (claude && !r.stop().isEmpty()) {
            body.putArray("additionalModelResponseFieldPaths").add(STOP_SEQUENCE_PATH);
        }
    }

    /** The beta Claude Opus 4.5 on Bedrock takes {@code output_config.effort} under. */
    static final String EFFORT_BETA = "effort-2025-11-24";

    /** The path that asks Claude on Bedrock which stop sequence ended its answer ({@code additionalModelResponseFields.stop_sequence}). */
    static final String STOP_SEQUENCE_PATH = "/stop_sequence";

    /**
     * A {@code cachePoint} after the block just written, when it carried a marker and the model caches; Anthropic's
     * one-hour lifetime ({@code ttl: "1h"}) is carried as the cache point's {@code ttl}.
     */
    private void cachePoint(ArrayNode blocks, JsonNode cacheControl) {
        if (!caches || cacheControl == null || cacheControl.isNull() || blocks.isEmpty()) return;
        ObjectNode point = blocks.addObject().putObject("cachePoint").put("type", "default");
        if ("1h".equals(Json.text(cacheControl, "ttl"))) point.put("ttl", "1h");
    }

    private static ArrayNode turn(ArrayNode messages, String role) {
        if (!messages.isEmpty()) {
            JsonNode last = messages.get(messages.size() - 1);
            if (role.equals(last.path("role").asText())) return (ArrayNode) last.get("content");
        }
        return messages.addObject().put("role", role).putArray("content");
    }

    private static JsonNode input(ToolCall c) {
        try {
            JsonNode n = Json.MAPPER.readTree(c.arguments() == null || c.arguments().isBlank() ? "{}" : c.arguments());
            if (n.isObject()) return n;
        } catch (Exception ignored) {
            // reported below
        }
        throw GatewayException.badRequest("Tool call " + c.id() + " has arguments that are not a JSON object.", "messages");
    }
}
