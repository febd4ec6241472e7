package dev.switchboard.provider;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.ThinkingBlocks;
import dev.switchboard.model.ToolChoice;

/**
 * OpenAI's {@code reasoning_effort} as Claude's extended thinking, one rule for every provider that serves Claude
 * (Anthropic's API, Vertex, Bedrock). Budgets 1,024 / 2,048 / 4,096 for low / medium / high; thinking tokens are part of
 * Claude's {@code max_tokens} as reasoning tokens are part of OpenAI's {@code max_completion_tokens}, so the budget fits
 * under the output limit, which is never raised (it is the client's cap and the worst case a key's budget reserved).
 *
 * <p>{@code reasoning_effort} is a request for reasoning, not a demand for Claude's thinking block, so thinking is left
 * off where Claude would refuse the request with it: a tool choice that forces tool use ("Thinking may not be enabled
 * when tool_choice forces tool use"), or a tool loop whose last assistant turn comes back without its signed thinking
 * block ("a final assistant message must start with a thinking block"), which every OpenAI-dialect client but a
 * LiteLLM-aware one does (LiteLLM drops thinking there too, with {@code modify_params}). An explicit {@code thinking}
 * is the client's own and is sent as asked.
 */
public final class ClaudeThinking {
    /** Anthropic's smallest thinking budget. */
    public static final int MIN_BUDGET = 1024;

    private ClaudeThinking() {}

    /**
     * The {@code thinking} object for the request's {@code reasoning_effort}, or null for none.
     *
     * @param limit the output limit the request will carry, or null when none is sent (the model's own)
     * @throws GatewayException 400 when the limit leaves no room for Anthropic's smallest budget
     */
    public static ObjectNode forEffort(ChatRequest r, Integer limit) {
        com.fasterxml.jackson.databind.JsonNode effort = r.extra().get("reasoning_effort");
        if (effort == null || !effort.isTextual()) return null;
        int budget = budgetOf(effort.asText());
        if (budget == 0 || !fits(r)) return null;
        if (limit != null) {
            if (limit <= MIN_BUDGET) {
                // in chat's names, the field the client sent (max_tokens or max_completion_tokens; the latter when it set
                // none and the limit is the deployment's); the Responses edge renames them (reasoning.effort,
                // max_output_tokens) for its clients
                throw GatewayException.badRequest("reasoning_effort '" + effort.asText()
                        + "' needs an output limit above " + MIN_BUDGET + " tokens on this model (Anthropic's smallest thinking "
                        + "budget, part of the output): the limit is " + limit, limitField(r));
            }
            budget = Math.min(budget, limit - 1);
        }
        return JsonNodeFactory.instance.objectNode().put("type", "enabled").put("budget_tokens", budget);
    }

    /**
     * The output-limit field the client sent ({@code max_completion_tokens} wins when both are there, as in
     * {@link ChatRequest#outputTokenLimit}); {@code max_completion_tokens}, the one to set, when it sent neither.
     */
    static String limitField(ChatRequest r) {
        return r.maxCompletionTokens() == null && r.maxTokens() != null ? "max_tokens" : "max_completion_tokens";
    }

    /**
     * Whether an OpenAI-dialect request turns Claude's thinking on: its own {@code thinking} (LiteLLM's parameter) not
     * disabled, or a {@code reasoning_effort} that {@link #forEffort} makes a budget of. An Anthropic client's own
     * {@code thinking} is not here (it is not in {@code extra}): its request reaches Claude as it sent it.
     */
    static boolean thinks(ChatRequest r) {
        com.fasterxml.jackson.databind.JsonNode own = r.extra().get("thinking");
        if (own != null) return own.isObject() && !"disabled".equals(own.path("type").asText());
        com.fasterxml.jackson.databind.JsonNode effort = r.extra().get("reasoning_effort");
        if (effort == null || !effort.isTextual()) return false;
        return budgetOf(effort.asText()) > 0 && fits(r);
    }

    /**
     * LiteLLM's budgets for OpenAI's efforts: low 1,024, medium 2,048, high 4,096, xhigh 8,192 tokens. {@code none} and
     * {@code minimal} (LiteLLM's 128, under Anthropic's smallest budget) think not at all; 0 for those and any other.
     */
    static int budgetOf(String effort) {
        return switch (effort) {
            case "low" -> 1024;
            case "medium" -> 2048;
            case "high" -> 4096;
            case "xhigh" -> 8192;
            default -> 0;
        };
    }

    /** The least {@code top_p} Claude takes with thinking on. */
    static final double MIN_TOP_P = 0.95;

    /**
     * The sampling parameters Claude refuses with thinking on ("temperature may only be set to 1 when thinking is
     * enabled"; {@code top_p} from 0.95 to 1; no {@code top_k}), which the request sets, for a request whose thinking
     * the gateway turns on ({@link #thinks}): the router refuses them by name, or drops them under {@code drop_params},
     * before Claude sees them. Empty when thinking stays off or none of them is set.
     */
    public static java.util.List<ParamConflict> samplingConflicts(ChatRequest r) {
        if (r.temperature() == null && r.topP() == null && !r.extra().containsKey("top_k")) return java.util.List.of();
        if (!thinks(r)) return java.util.List.of();
        java.util.List<ParamConflict> out = new java.util.ArrayList<>(1);
        String turnedOn = " with thinking on, which this request turns on (reasoning_effort or thinking)";
        if (r.temperature() != null && r.temperature() != 1.0) {
            out.add(new ParamConflict("temperature", "Claude takes temperature 1 only" + turnedOn));
        }
        if (r.topP() != null && r.topP() < MIN_TOP_P) out.add(new ParamConflict("top_p", "Claude takes top_p from 0.95 to 1 only" + turnedOn));
        com.fasterxml.jackson.databind.JsonNode topK = r.extra().get("top_k");
        if (topK != null && !topK.isNull()) out.add(new ParamConflict("top_k", "Claude takes no top_k" + turnedOn));
        return out;
    }

    /** Whether Claude takes the request with thinking on (see the class comment). */
    static boolean fits(ChatRequest r) {
        ToolChoice c = r.toolChoice();
        if (c != null && !r.tools().isEmpty() && (c.mode() == ToolChoice.Mode.REQUIRED || c.mode() == ToolChoice.Mode.FUNCTION)) {
            return false;
        }
        for (int i = r.messages().size() - 1; i >= 0; i--) {
            Message m = r.messages().get(i);
            if (m.role() != Role.ASSISTANT) continue;
            return m.toolCalls().isEmpty() || !ThinkingBlocks.of(m).isEmpty();
        }
        return true;
    }
}
