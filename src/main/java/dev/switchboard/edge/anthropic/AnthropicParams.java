package dev.switchboard.edge.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.JsonBody;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.GatewayMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * The Messages API's top-level parameters that the translation does not need but Anthropic checks, checked
 * here in Anthropic's (pydantic) wording. A request to an Anthropic deployment is passed through raw, so without
 * these checks {@code thinking: 5} would be refused by Anthropic but silently ignored by any other provider:
 * the answer must not depend on which provider serves the alias.
 */
final class AnthropicParams {
    /** Anthropic's floor for a thinking budget (extended thinking docs). */
    static final int MIN_THINKING_BUDGET = 1024;

    /**
     * The metadata keys that are the gateway's and never reach Anthropic ({@link GatewayMetadata#KEYS}): LiteLLM's
     * {@code tags} and tracing keys (the decoder takes them out of the body) and {@code guardrails} (the guardrail stage
     * does). Any other key but {@code user_id} is refused.
     */
    private static final java.util.Set<String> GATEWAY_METADATA = GatewayMetadata.KEYS;

    private AnthropicParams() {}

    /**
     * @param maxTokens   the request's max_tokens, null when absent (count_tokens)
     * @param interleaved the client sent the interleaved-thinking beta ({@link #interleavedThinking})
     */
    static void check(ObjectNode n, Integer maxTokens, boolean interleaved) {
        finiteEverywhere(n);
        thinking(n.get("thinking"), interleaved ? null : maxTokens);
        JsonNode metadata = n.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) throw bad("metadata: Input should be a valid dictionary", "metadata");
            JsonNode user = metadata.get("user_id");
            if (user != null && !user.isNull() && !user.isTextual()) throw bad("metadata.user_id: Input should be a valid string", "metadata.user_id");
            // Anthropic's metadata takes user_id alone; an Anthropic alias would refuse the rest, so every alias does
            for (java.util.Iterator<String> keys = metadata.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!key.equals("user_id") && !GATEWAY_METADATA.contains(key)) {
                    throw bad("metadata." + key + ": Extra inputs are not permitted", "metadata." + key);
                }
            }
        }
        // Anthropic's ranges, so temperature 5 is Anthropic's 400 whichever provider serves the alias
        for (String f : new String[] {"temperature", "top_p"}) {
            JsonNode v = n.get(f);
            if (v == null || v.isNull()) continue;
            if (!v.isNumber()) throw bad(f + ": Input should be a valid number", f);
            if (v.doubleValue() < 0) throw bad(f + ": Input should be greater than or equal to 0", f);
            if (v.doubleValue() > 1) throw bad(f + ": Input should be less than or equal to 1", f);
        }
        cacheControl(n);
        JsonNode topK = n.get("top_k");
        if (topK != null && !topK.isNull()) {
            if (!topK.isIntegralNumber() || !topK.canConvertToInt()) throw bad("top_k: Input should be a valid integer", "top_k");
            if (topK.intValue() < 0) throw bad("top_k: Input should be greater than or equal to 0", "top_k");
        }
    }

    /**
     * The top-level {@code cache_control} (Anthropic's automatic caching) in Anthropic's words, whichever provider serves
     * the alias (the gateway moves it onto the last block for the hosts that refuse the field, Vertex AI and Bedrock): its
     * shape, then whether the last cacheable block takes it as Anthropic's API decides, once here on the raw body.
     */
    private static void cacheControl(ObjectNode n) {
        dev.switchboard.model.CacheInjectionPoint.checkControl(n.get("cache_control"), "cache_control");
        dev.switchboard.model.CacheInjectionPoint.checkAutomatic(n);
    }

    /**
     * stop_sequences: a list of strings; {@code [5, {}]} must not become {@code ["5", ""]}, and an empty or
     * whitespace-only one is Anthropic's 400, whichever provider serves the alias (Claude's own refuses it).
     */
    static List<String> stopSequences(JsonNode s) {
        if (s == null || s.isNull()) return List.of();
        if (!s.isArray()) throw bad("stop_sequences: Input should be a valid list", "stop_sequences");
        List<String> out = new ArrayList<>(s.size());
        for (int i = 0; i < s.size(); i++) {
            if (!s.get(i).isTextual()) throw bad("stop_sequences." + i + ": Input should be a valid string", "stop_sequences." + i);
            if (s.get(i).textValue().isBlank()) {
                throw bad("stop_sequences: each stop sequence must contain non-whitespace", "stop_sequences." + i);
            }
            out.add(s.get(i).textValue());
        }
        return out;
    }

    /**
     * Whether an {@code anthropic-beta} header (a comma-separated list) turns on interleaved thinking
     * ({@code interleaved-thinking-2025-05-14}, which Claude Code sends). With it Anthropic lets {@code budget_tokens}
     * exceed {@code max_tokens}: the budget is then the whole turn's, across the thinking blocks between tool calls
     * (extended thinking docs, "Interleaved thinking"), so the budget-below-max_tokens check does not apply.
     */
    static boolean interleavedThinking(String betaHeader) {
        if (betaHeader == null) return false;
        for (String beta : betaHeader.split(",")) if (beta.trim().startsWith("interleaved-thinking-")) return true;
        return false;
    }

    /**
     * thinking is a union tagged by {@code type}: {@code enabled} with an integer {@code budget_tokens} of at least
     * 1024 and below max_tokens (unless {@code maxTokens} is null: count_tokens, or interleaved thinking),
     * {@code disabled}, or {@code adaptive} (Claude 4.6 and later, which Claude Code sends).
     */
    private static void thinking(JsonNode t, Integer maxTokens) {
        if (t == null || t.isNull()) return;
        if (!t.isObject()) throw bad("thinking: Input should be a valid dictionary or object to extract fields from", "thinking");
        JsonNode type = t.get("type");
        if (type == null || !type.isTextual()) throw bad("thinking: Unable to extract tag using discriminator 'type'", "thinking.type");
        switch (type.textValue()) {
            case "disabled", "adaptive" -> { }
            case "enabled" -> {
                JsonNode budget = t.get("budget_tokens");
                String at = "thinking.enabled.budget_tokens";
                if (budget == null || budget.isNull()) throw bad(at + ": Field required", "thinking.budget_tokens");
                if (!budget.isIntegralNumber() || !budget.canConvertToInt()) throw bad(at + ": Input should be a valid integer", "thinking.budget_tokens");
                if (budget.intValue() < MIN_THINKING_BUDGET) {
                    throw bad(at + ": Input should be greater than or equal to " + MIN_THINKING_BUDGET, "thinking.budget_tokens");
                }
                if (maxTokens != null && maxTokens <= budget.intValue()) {
                    throw bad("`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at "
                            + "https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size",
                            "max_tokens");
                }
            }
            default -> throw bad("thinking: Input tag '" + type.textValue() + "' found using 'type' does not match any of the "
                    + "expected tags: 'enabled', 'disabled', 'adaptive'", "thinking.type");
        }
    }

    /**
     * No number too large for a double anywhere: Jackson reads {@code 1e400} as Infinity and the raw body would reach
     * Anthropic with {@code "Infinity"} in its place (and a translated one with it in temperature).
     */
    private static void finiteEverywhere(ObjectNode n) {
        List<Object> path = JsonBody.nonFinitePath(n);
        if (path == null) return;
        String at = String.join(".", path.stream().map(String::valueOf).toList());
        throw bad(at + ": Input should be a finite number", at);
    }

    private static GatewayException bad(String message, String param) {
        return GatewayException.badRequest(message, param);
    }
}
