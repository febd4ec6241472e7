package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Anthropic's checks on the top-level parameters the simulator reads or the API types strictly (thinking,
 * metadata, top_k, stop_sequences, tool_choice), in its pydantic wording, so a gateway that forwards a bad value
 * gets the 400 the real API gives.
 */
final class AnthropicSimParams {
    private AnthropicSimParams() {}

    /** @return the API's error message, or null */
    static String check(JsonObject req, String betaHeader) {
        Object thinking = req.getValue("thinking");
        if (thinking != null) {
            if (!(thinking instanceof JsonObject t)) return "thinking: Input should be a valid dictionary or object to extract fields from";
            // interleaved thinking: the budget is the whole turn's and may exceed max_tokens
            // a Claude before 4.6 thinks with a budget only (Claude 3.7 Sonnet, the 4.x models before 4.6)
            if ("adaptive".equals(t.getValue("type")) && budgetOnly(req.getString("model"))) {
                return "adaptive thinking is not supported on this model";
            }
            String invalid = thinking(t, interleaved(betaHeader) ? null : req.getValue("max_tokens"));
            if (invalid != null) return invalid;
            if (!"disabled".equals(t.getValue("type"))) {
                invalid = samplingWithThinking(req);
                if (invalid != null) return invalid;
            }
        }
        if (req.getValue("temperature") != null && req.getValue("top_p") != null
                && req.getString("model", "").matches(".*claude-(opus-4-[1-9]|sonnet-4-[5-9]|haiku-4-[5-9]|(opus|sonnet|haiku)-[5-9]).*")) {
            return "`temperature` and `top_p` cannot both be specified for this model. Please use only one.";
        }
        Object stream = req.getValue("stream");
        if (stream != null && !(stream instanceof Boolean)) return "stream: Input should be a valid boolean";
        Object metadata = req.getValue("metadata");
        if (metadata != null && !(metadata instanceof JsonObject)) return "metadata: Input should be a valid dictionary";
        Object topK = req.getValue("top_k");
        if (topK != null && !(topK instanceof Integer || topK instanceof Long)) return "top_k: Input should be a valid integer";
        Object stops = req.getValue("stop_sequences");
        if (stops != null) {
            if (!(stops instanceof JsonArray list)) return "stop_sequences: Input should be a valid list";
            for (int i = 0; i < list.size(); i++) {
                if (!(list.getValue(i) instanceof String text)) return "stop_sequences." + i + ": Input should be a valid string";
                if (text.isBlank()) return "stop_sequences: each stop sequence must contain non-whitespace";
            }
        }
        Object choice = req.getValue("tool_choice");
        if (choice != null && !(choice instanceof JsonObject)) return "tool_choice: Input should be a valid dictionary or object to extract fields from";
        if (choice instanceof JsonObject c && "tool".equals(c.getValue("type")) && !(c.getValue("name") instanceof String)) {
            return "tool_choice.tool.name: Input should be a valid string";
        }
        Object tools = req.getValue("tools");
        if (tools != null && !(tools instanceof JsonArray)) return "tools: Input should be a valid list";
        String effort = effort(req.getValue("output_config"), req.getString("model"));
        if (effort != null) return effort;
        return outputConfig(req.getValue("output_config"));
    }

    /*
     * Effort's models, level by level, as Anthropic's effort page lists them (platform.claude.com/docs/en/build-with-claude/
     * effort: "supported by Claude Mythos Preview, Claude Opus 4.7, Claude Opus 4.6, Claude Sonnet 4.6, and Claude Opus
     * 4.5"; max "Available on Claude Mythos Preview, Claude Opus 4.7, Claude Opus 4.6, and Claude Sonnet 4.6"; xhigh on
     * Claude Opus 4.7; "no beta header required"), written from the page and not from the gateway's ClaudeEffort, so a
     * wrong table there shows as a 400 here. The models the page calls older refuse the field.
     */
    private static final java.util.List<String> EFFORT_MODELS = java.util.List.of(
            "claude-mythos-preview", "claude-opus-4-7", "claude-opus-4-6", "claude-sonnet-4-6", "claude-opus-4-5");
    private static final java.util.List<String> MAX_MODELS = java.util.List.of(
            "claude-mythos-preview", "claude-opus-4-7", "claude-opus-4-6", "claude-sonnet-4-6");
    private static final java.util.List<String> XHIGH_MODELS = java.util.List.of("claude-opus-4-7");
    private static final java.util.List<String> NO_EFFORT_MODELS = java.util.List.of(
            "claude-3", "claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5");

    /**
     * {@code output_config.effort} as the API takes it (the lists above): low, medium and high on each model the page
     * lists, max and xhigh where it says so; an older Claude refuses the field ("This model does not support the effort
     * parameter.", the words Claude Code recovers on). The words for a level the model lacks are the simulator's own (not
     * seen from the API). A model the page does not name (a later Claude, a fine-tune) takes every level.
     */
    static String effort(Object config, String model) {
        if (!(config instanceof JsonObject c) || !c.containsKey("effort")) return null;
        Object effort = c.getValue("effort");
        java.util.List<String> levels = java.util.List.of("low", "medium", "high", "xhigh", "max");
        if (!(effort instanceof String level) || !levels.contains(level)) {
            return "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'";
        }
        String m = model == null ? "" : model.replaceFirst("^(?:[a-z]{2,4}\\.)?anthropic\\.", "");
        if (named(NO_EFFORT_MODELS, m) || m.matches("claude-(opus|sonnet)-4(?:[-@]\\d{8}.*)?")) {
            return "This model does not support the effort parameter.";
        }
        if (!named(EFFORT_MODELS, m)) return null;
        java.util.List<String> takes = new java.util.ArrayList<>(levels.subList(0, 3));
        if (named(XHIGH_MODELS, m)) takes.add("xhigh");
        if (named(MAX_MODELS, m)) takes.add("max");
        return takes.contains(level) ? null : "level \"" + level + "\" not supported, valid levels: " + String.join(", ", takes);
    }

    /** Whether the model is one of these, by its name with or without a date or Vertex's {@code @…}. */
    private static boolean named(java.util.List<String> models, String m) {
        for (String name : models) {
            if (m.startsWith(name) && (m.length() == name.length() || !Character.isDigit(m.charAt(name.length())))) return true;
        }
        return false;
    }

    /** Structured outputs: {@code output_config.format} is {type: json_schema, schema: {…}}, nothing else. */
    private static String outputConfig(Object config) {
        if (config == null) return null;
        if (!(config instanceof JsonObject c)) return "output_config: Input should be a valid dictionary";
        Object format = c.getValue("format");
        if (format == null) return null;
        if (!(format instanceof JsonObject f)) return "output_config.format: Input should be a valid dictionary or object to extract fields from";
        if (!"json_schema".equals(f.getValue("type"))) {
            return "output_config.format: Input tag '" + f.getValue("type") + "' found using 'type' does not match any of the expected tags: 'json_schema'";
        }
        if (!(f.getValue("schema") instanceof JsonObject)) return "output_config.format.json_schema.schema: Field required";
        for (String extra : f.fieldNames()) {
            if (!extra.equals("type") && !extra.equals("schema")) return "output_config.format.json_schema." + extra + ": Extra inputs are not permitted";
        }
        return null;
    }

    /** Extended thinking's feature compatibility: temperature 1 only, top_p from 0.95, no top_k. */
    private static String samplingWithThinking(JsonObject req) {
        String docs = " Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility";
        if (req.getValue("temperature") instanceof Number t && t.doubleValue() != 1.0) {
            return "`temperature` may only be set to 1 when thinking is enabled." + docs;
        }
        if (req.getValue("top_p") instanceof Number p && p.doubleValue() < 0.95) {
            return "`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled." + docs;
        }
        if (req.getValue("top_k") != null) return "`top_k` must be unset when thinking is enabled." + docs;
        return null;
    }

    /**
     * The API's own list, kept apart from the gateway's (the simulator plays Anthropic, it does not share its code): Claude
     * 3.7 Sonnet and the 4.x models before 4.6 think with a budget only and refuse adaptive thinking.
     */
    static boolean budgetOnly(String model) {
        if (model == null) return false;
        String m = model.replaceFirst("^(?:[a-z]{2,4}\\.)?anthropic\\.", "");
        if (m.startsWith("claude-3-7-sonnet")) return true;
        for (String old : new String[] {"claude-opus-4-0", "claude-opus-4-1", "claude-opus-4-5", "claude-opus-4-2",
                "claude-sonnet-4-0", "claude-sonnet-4-5", "claude-sonnet-4-2", "claude-haiku-4-5"}) {
            if (m.startsWith(old)) return true;
        }
        return m.equals("claude-opus-4") || m.equals("claude-sonnet-4");
    }

    private static boolean interleaved(String betaHeader) {
        if (betaHeader == null) return false;
        for (String beta : betaHeader.split(",")) if (beta.trim().startsWith("interleaved-thinking-")) return true;
        return false;
    }

    private static String thinking(JsonObject t, Object maxTokens) {
        if (!(t.getValue("type") instanceof String type)) return "thinking: Unable to extract tag using discriminator 'type'";
        return switch (type) {
            case "disabled", "adaptive" -> null;
            case "enabled" -> {
                Object budget = t.getValue("budget_tokens");
                if (budget == null) yield "thinking.enabled.budget_tokens: Field required";
                if (!(budget instanceof Integer || budget instanceof Long)) yield "thinking.enabled.budget_tokens: Input should be a valid integer";
                long b = ((Number) budget).longValue();
                if (b < 1024) yield "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
                if (maxTokens instanceof Number m && m.longValue() <= b) {
                    yield "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at "
                            + "https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size";
                }
                yield null;
            }
            default -> "thinking: Input tag '" + type + "' found using 'type' does not match any of the expected tags: "
                    + "'enabled', 'disabled', 'adaptive'";
        };
    }
}
