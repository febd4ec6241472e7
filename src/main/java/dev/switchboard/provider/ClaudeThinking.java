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

    /** {@code claude-sonnet-4-5-…}, {@code anthropic.claude-opus-4-1-…}, {@code claude-haiku-4-5@…}: major, minor. */
    private static final java.util.regex.Pattern CLAUDE_VERSION =
            java.util.regex.Pattern.compile("claude-(?:opus|sonnet|haiku)-(\\d+)(?:-(\\d)(?!\\d))?");

    /**
     * Whether the model is a Claude known to think only with a budget, not adaptively: Claude 3.7 Sonnet and the 4.x
     * models before 4.6 (Opus 4, 4.1, 4.5; Sonnet 4, 4.5; Haiku 4.5), which answer adaptive thinking with a 400
     * ("adaptive thinking is not supported on this model"). False for 4.6 and later and for any model this does not
     * know (a fine-tune, a name behind a proxy): those get adaptive thinking as the client sent it.
     */
    public static boolean budgetOnly(String model) {
        if (model == null) return false;
        if (model.contains("claude-3-7-sonnet")) return true;
        java.util.regex.Matcher m = CLAUDE_VERSION.matcher(model);
        if (!m.find()) return false;
        int major = Integer.parseInt(m.group(1));
        int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        return major == 4 && minor < 6;
    }

    /**
     * An Anthropic body's adaptive thinking for a model that thinks only with a budget ({@link #budgetOnly}): Claude
     * Code sends {@code thinking: {type: "adaptive"}} (and {@code output_config.effort}) to every model name it does not
     * know, such as a gateway alias, and does not ask again when Claude Sonnet 4.5 refuses it. It becomes
     * {@code {type: "enabled", budget_tokens: N}}, N by the effort as LiteLLM maps an effort to a budget for these models
     * (low 1,024, medium 2,048, high 4,096, xhigh 8,192, max 16,384; high, the API's default effort, when none is sent),
     * kept under {@code max_tokens} as the API requires; with no room for the smallest budget (1,024), or in a tool loop
     * whose last assistant turn comes back without its thinking block ({@link #toolTurnWithoutThinking}), thinking is
     * left off, which adaptive thinking may choose too. Any other body is left as it is.
     */
    public static void adaptiveAsBudget(ObjectNode body, String model) {
        if (!"adaptive".equals(body.path("thinking").path("type").asText()) || !budgetOnly(model)) return;
        int budget = adaptiveBudget(body);
        if (budget < MIN_BUDGET || toolTurnWithoutThinking(body)) {
            body.remove("thinking");
            return;
        }
        body.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
    }

    /**
     * Whether {@link #adaptiveAsBudget} leaves an Anthropic body's adaptive thinking off for this model (no room for the
     * smallest budget, or a tool loop's turn without its thinking block), read without changing the body: for
     * {@code Provider.dropsThinking}.
     */
    public static boolean adaptiveLeftOff(com.fasterxml.jackson.databind.JsonNode body, String model) {
        if (!"adaptive".equals(body.path("thinking").path("type").asText()) || !budgetOnly(model)) return false;
        return adaptiveBudget(body) < MIN_BUDGET || toolTurnWithoutThinking(body);
    }

    /** The budget an adaptive thinking becomes: by the effort (high when none), under {@code max_tokens}. */
    private static int adaptiveBudget(com.fasterxml.jackson.databind.JsonNode body) {
        String effort = body.path("output_config").path("effort").asText("high");
        int budget = effort.equals("max") ? 16_384 : budgetOf(effort);
        if (budget == 0) budget = budgetOf("high");
        com.fasterxml.jackson.databind.JsonNode max = body.get("max_tokens");
        if (max != null && max.canConvertToInt()) budget = Math.min(budget, max.intValue() - 1);
        return budget;
    }

    /**
     * Whether an OpenAI-dialect request's {@code reasoning_effort} asks Claude to think but {@link #forEffort} leaves
     * thinking off, the request being one Claude takes only without it ({@link #fits}): for {@code Provider.dropsThinking}.
     */
    public static boolean effortLeftOff(ChatRequest r) {
        if (r.extra().containsKey("thinking")) return false; // its own thinking is sent as it is
        com.fasterxml.jackson.databind.JsonNode effort = r.extra().get("reasoning_effort");
        return effort != null && effort.isTextual() && budgetOf(effort.asText()) > 0 && !fits(r);
    }

    /**
     * Whether the conversation's last assistant turn called tools without starting with a thinking block: with budget
     * thinking on, Claude refuses it ("a final assistant message must start with a thinking block"), while adaptive
     * thinking takes it (the model may not have thought). Claude Code, asking for adaptive thinking, sends its tool loop's
     * assistant turns back without their thinking blocks (seen with 2.1.197), so such a request goes without thinking.
     */
    private static boolean toolTurnWithoutThinking(com.fasterxml.jackson.databind.JsonNode body) {
        com.fasterxml.jackson.databind.JsonNode last = null;
        for (com.fasterxml.jackson.databind.JsonNode m : body.path("messages")) if ("assistant".equals(m.path("role").asText())) last = m;
        if (last == null || !last.path("content").isArray() || last.path("content").isEmpty()) return false;
        boolean calls = false;
        for (com.fasterxml.jackson.databind.JsonNode b : last.path("content")) calls |= "tool_use".equals(b.path("type").asText());
        String first = last.path("content").get(0).path("type").asText();
        return calls && !first.equals("thinking") && !first.equals("redacted_thinking");
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
