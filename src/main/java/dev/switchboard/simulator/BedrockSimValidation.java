package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** Converse's request checks, in Bedrock's ValidationException wording, and the prefix a cache point caches. */
final class BedrockSimValidation {
    private BedrockSimValidation() {}

    static String converse(JsonObject body, String model, Set<String> fields, Set<String> blockTypes) {
        for (String k : body.fieldNames()) {
            if (!fields.contains(k)) return "Malformed input request: extraneous key [" + k + "] is not permitted, please reformat your input and try again.";
        }
        if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
            return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
        }
        boolean toolBlocks = false;
        String previous = null;
        int cachePoints = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.getValue(i) instanceof JsonObject m)) return "Malformed input request: messages." + i + " is not an object.";
            String role = m.getString("role");
            if (!"user".equals(role) && !"assistant".equals(role)) {
                return "1 validation error detected: Value '" + role + "' at 'messages." + (i + 1) + ".member.role' failed to satisfy"
                        + " constraint: Member must satisfy enum value set: [user, assistant]";
            }
            if (i == 0 && !"user".equals(role)) {
                return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
            }
            if (role.equals(previous)) {
                return "A conversation must alternate between user and assistant roles. Make sure the conversation alternates"
                        + " between user and assistant roles and try again.";
            }
            previous = role;
            if (!(m.getValue("content") instanceof JsonArray content) || content.isEmpty()) {
                return "The content field in the Message object at messages." + i + " is empty. Add a ContentBlock object to the"
                        + " content field and try again.";
            }
            for (int c = 0; c < content.size(); c++) {
                if (!(content.getValue(c) instanceof JsonObject block) || block.size() != 1
                        || !blockTypes.contains(block.fieldNames().iterator().next())) {
                    return "Malformed input request: messages." + i + ".content." + c + " must be a ContentBlock with exactly one"
                            + " member, please reformat your input and try again.";
                }
                if (block.containsKey("text") && (!(block.getValue("text") instanceof String t) || t.isBlank())) {
                    return "The text field in the ContentBlock object at messages." + i + ".content." + c + " is blank. Add text"
                            + " to the text field, and try again.";
                }
                if (block.containsKey("toolUse") || block.containsKey("toolResult")) toolBlocks = true;
                if (block.containsKey("toolResult") && blankResultText(block.getJsonObject("toolResult"))) {
                    // Claude's words, as Bedrock passes them on (what a blank tool result is answered with)
                    return "The model returned the following errors: messages: text content blocks must be non-empty";
                }
                if (block.containsKey("toolUse") && !"assistant".equals(role)) {
                    return "The model returned the following errors: messages." + i + ".content." + c + ": toolUse blocks are only"
                            + " allowed in assistant messages.";
                }
                if (block.containsKey("cachePoint")) cachePoints++;
                String document = block.getValue("document") instanceof JsonObject d ? document(d, "#/messages/" + i + "/content/" + c + "/document", model) : null;
                if (document != null) return document;
            }
        }
        if (duplicateDocumentNames(messages)) {
            return "Messages can't contain duplicate document names. Rename the document and retry your request.";
        }
        for (Object s : body.getJsonArray("system", new JsonArray())) if (((JsonObject) s).containsKey("cachePoint")) cachePoints++;
        JsonObject toolConfig = body.getJsonObject("toolConfig");
        if (toolConfig != null) {
            for (Object t : toolConfig.getJsonArray("tools", new JsonArray())) {
                JsonObject tool = (JsonObject) t;
                if (tool.containsKey("cachePoint")) cachePoints++;
                else if (tool.getJsonObject("toolSpec") == null || tool.getJsonObject("toolSpec").getJsonObject("inputSchema") == null) {
                    return "Malformed input request: toolConfig.tools must hold toolSpec objects with a name and an inputSchema.";
                }
            }
        }
        if (toolBlocks && toolConfig == null) {
            return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
        }
        if (cachePoints > 0 && !caches(model)) {
            return "You invoked an unsupported model or your request did not allow prompt caching. See the documentation for more information.";
        }
        if (cachePoints > 4) return "A maximum of 4 blocks with cache_control may be provided. Found " + cachePoints + ".";
        return null;
    }

    /**
     * Claude's rule for thinking on, as Bedrock passes it on: the output limit ({@code inferenceConfig.maxTokens}) must
     * be above the thinking budget. Without one, Bedrock's own default is what Claude gets, and a budget does not fit
     * under it (what a request with thinking and no maxTokens is answered with); its words, or null.
     */
    static String thinkingBudget(JsonObject body) {
        Object budget = body.getJsonObject("additionalModelRequestFields").getJsonObject("thinking").getValue("budget_tokens");
        JsonObject inference = body.getJsonObject("inferenceConfig", new JsonObject());
        if (inference.getValue("maxTokens") instanceof Number max && budget instanceof Number b && max.longValue() > b.longValue()) {
            return null;
        }
        return "The model returned the following errors: `max_tokens` must be greater than `thinking.budget_tokens`. Please"
                + " consult our documentation at https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking"
                + "#max-tokens-and-context-window-size";
    }

    /** Whether a tool result holds a text block that is empty or only whitespace. */
    private static boolean blankResultText(JsonObject result) {
        for (Object c : result.getJsonArray("content", new JsonArray())) {
            if (c instanceof JsonObject block && block.getValue("text") instanceof String t && t.isBlank()) return true;
        }
        return false;
    }

    /** A DocumentBlock's members ({@code format}, {@code name}, {@code source}, {@code context}, {@code citations}). */
    private static final Set<String> DOCUMENT_FIELDS = Set.of("format", "name", "source", "context", "citations");

    /**
     * A DocumentBlock's schema, in the words of Bedrock's schema refusals: no member it does not define, and
     * {@code citations} a CitationsConfig, {@code {"enabled": <boolean>}} (required) and nothing else, on a Claude model only and, enabled, on a txt or pdf
     * document only; null when it holds.
     */
    static String document(JsonObject d, String at, String model) {
        for (String k : d.fieldNames()) {
            if (!DOCUMENT_FIELDS.contains(k)) {
                return "Malformed input request: " + at + ": extraneous key [" + k + "] is not permitted, please reformat your input and try again.";
            }
        }
        if (!d.containsKey("citations")) return null;
        if (!(d.getValue("citations") instanceof JsonObject citations)) {
            return "Malformed input request: " + at + "/citations: expected type: JSONObject, found: "
                    + (d.getValue("citations") == null ? "Null" : d.getValue("citations").getClass().getSimpleName())
                    + ", please reformat your input and try again.";
        }
        for (String k : citations.fieldNames()) {
            if (!k.equals("enabled")) {
                return "Malformed input request: " + at + "/citations: extraneous key [" + k + "] is not permitted, please reformat your input and try again.";
            }
        }
        if (!citations.containsKey("enabled")) {
            return "Malformed input request: " + at + "/citations: required key [enabled] not found, please reformat your input and try again.";
        }
        if (!(citations.getValue("enabled") instanceof Boolean)) {
            return "Malformed input request: " + at + "/citations/enabled: expected type: Boolean, found: "
                    + (citations.getValue("enabled") == null ? "Null" : citations.getValue("enabled").getClass().getSimpleName())
                    + ", please reformat your input and try again.";
        }
        // Bedrock's own refusals of a well-formed CitationsConfig: a model without citations (any but Claude; boto/boto3
        // #4608), and citations on for a format other than txt and pdf (boto/boto3#4726)
        if (!model.contains("anthropic.claude")) return "This model doesn't support citations.";
        if (Boolean.TRUE.equals(citations.getValue("enabled")) && !Set.of("txt", "pdf").contains(d.getString("format", ""))) {
            return "Unsupported document format. Only txt and pdf formats are supported when citations are enabled";
        }
        return null;
    }

    /** Whether two document blocks of the request share a name: in any turns, or inside tool results. */
    private static boolean duplicateDocumentNames(JsonArray messages) {
        Set<String> names = new java.util.HashSet<>();
        for (Object m : messages) {
            for (Object b : ((JsonObject) m).getJsonArray("content")) {
                JsonObject block = (JsonObject) b;
                JsonArray inner = block.containsKey("toolResult")
                        ? block.getJsonObject("toolResult").getJsonArray("content", new JsonArray()) : new JsonArray().add(block);
                for (Object i : inner) {
                    JsonObject document = ((JsonObject) i).getJsonObject("document");
                    if (document != null && !names.add(String.valueOf(document.getValue("name")))) return true;
                }
            }
        }
        return false;
    }

    /** Claude and Nova models take cache points on Bedrock. */
    static boolean caches(String model) {
        return model.contains("anthropic.") || model.contains("amazon.nova");
    }

    /**
     * Everything up to the last cache point, in the order Bedrock caches it (tools, system, messages), as text to count
     * and compare; null when there is none.
     */
    static String cachedPrefix(JsonObject body) { return cachedPrefix(body, false); }

    /**
     * @param hourOnly the prefix up to the last cache point with {@code "ttl": "1h"} (the part of a write Bedrock
     *                 reports as {@code cacheDetails} {@code {"ttl": "1h"}}, billed as Anthropic's 1-hour writes)
     */
    static String cachedPrefix(JsonObject body, boolean hourOnly) {
        StringBuilder sb = new StringBuilder();
        int end = -1;
        JsonObject toolConfig = body.getJsonObject("toolConfig");
        if (toolConfig != null) for (Object t : toolConfig.getJsonArray("tools", new JsonArray())) end = append(sb, (JsonObject) t, end, hourOnly);
        for (Object s : body.getJsonArray("system", new JsonArray())) end = append(sb, (JsonObject) s, end, hourOnly);
        for (Object m : body.getJsonArray("messages")) {
            for (Object b : ((JsonObject) m).getJsonArray("content")) end = append(sb, (JsonObject) b, end, hourOnly);
        }
        return end < 0 ? null : sb.substring(0, end);
    }

    private static int append(StringBuilder sb, JsonObject block, int end, boolean hourOnly) {
        if (block.getValue("cachePoint") instanceof JsonObject point) {
            return !hourOnly || "1h".equals(point.getValue("ttl")) ? sb.length() : end;
        }
        sb.append(block.encode());
        return end;
    }
}
