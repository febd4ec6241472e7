package dev.switchboard.pipeline.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.GuardrailConfig;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * LiteLLM's {@code tool_permission} guardrail, in process. Rules are tried in order; the first that targets a tool
 * decides, else {@code default_action} (deny unless set). On the request (pre_call) it checks the tools offered; on the
 * answer (post_call) the tool calls the model made, with the rules' argument patterns. A denied tool either blocks
 * ({@code on_disallowed_action: block}, the default) or is rewritten out: offered tools are removed from the request,
 * a denied tool call is removed from the answer and "Permission denied: …" is added to its text, as LiteLLM does.
 */
final class ToolPermissionGuardrail implements Guardrail {
    private static final String FUNCTION = "function";

    private final GuardrailConfig config;
    private final List<ToolRule> rules = new ArrayList<>();
    private final boolean defaultAllow;
    private final boolean block;

    @SuppressWarnings("unchecked")
    ToolPermissionGuardrail(GuardrailConfig config) {
        this.config = config;
        if (config.params().get("rules") instanceof List<?> list) {
            for (Object o : list) rules.add(ToolRule.of((Map<String, Object>) o));
        }
        String d = config.stringParam("default_action");
        this.defaultAllow = d != null && d.toLowerCase(Locale.ROOT).equals("allow");
        String on = config.stringParam("on_disallowed_action");
        this.block = on == null || on.toLowerCase(Locale.ROOT).equals("block");
    }

    @Override
    public GuardrailConfig config() { return config; }

    /** The decision for a tool: allowed or not, the rule that decided (or null), LiteLLM's message. */
    record Decision(boolean allowed, String ruleId, String message) {}

    /** pre_call: by name and type only (LiteLLM's _check_tool_permission). */
    Decision offered(String name) {
        for (ToolRule r : rules) {
            if (r.targets(name, FUNCTION)) return byRule(name, r);
        }
        return byDefault(name, null);
    }

    /** post_call: a call the model made, argument patterns included (LiteLLM's _get_permission_for_tool_call). */
    Decision called(ToolCall call) {
        String name = call.name();
        String lastPatternFailure = null;
        for (ToolRule r : rules) {
            if (!r.targets(name, FUNCTION)) continue;
            if (r.checksParams()) {
                Map<String, List<String>> paths = ArgumentPaths.of(call.arguments());
                if (paths == null) {
                    lastPatternFailure = "Tool '" + id(name) + "' is missing arguments required by rule '" + r.id() + "'";
                    continue;
                }
                String failure = r.paramFailure(paths, name);
                if (failure != null) {
                    lastPatternFailure = failure;
                    continue;
                }
            }
            return byRule(name, r);
        }
        return byDefault(name, lastPatternFailure);
    }

    private Decision byRule(String name, ToolRule r) {
        return new Decision(r.allow(), r.id(), "Tool '" + id(name) + "' " + (r.allow() ? "allowed" : "denied") + " by rule '" + r.id() + "'");
    }

    private Decision byDefault(String name, String patternFailure) {
        String msg = patternFailure != null && !defaultAllow ? patternFailure
                : "Tool '" + id(name) + "' " + (defaultAllow ? "allowed" : "denied") + " by default action";
        return new Decision(defaultAllow, null, msg);
    }

    private static String id(String name) { return name == null || name.isEmpty() ? FUNCTION : name; }

    @Override
    public Future<ChatRequest> input(CallContext ctx, ChatRequest request, String mode) {
        if (request.tools().isEmpty()) return Future.succeededFuture(request);
        List<String> denied = new ArrayList<>();
        for (Tool t : request.tools()) {
            Decision d = offered(t.name());
            if (d.allowed()) continue;
            if (block) {
                return Future.failedFuture(Blocks.violation(Blocks.detail("detection_message", Blocks.JSON.getNodeFactory()
                        .textNode(d.message())), name()));
            }
            denied.add(t.name());
        }
        return Future.succeededFuture(denied.isEmpty() ? request : withoutTools(request, Set.copyOf(denied)));
    }

    /** The request without the denied tools, in its raw body too (a same-dialect provider sends that). */
    private static ChatRequest withoutTools(ChatRequest r, Set<String> denied) {
        List<Tool> kept = r.tools().stream().filter(t -> !denied.contains(t.name())).toList();
        RawJson raw = r.raw();
        if (raw != null && raw.body() instanceof ObjectNode body && body.get("tools") instanceof ArrayNode tools) {
            ObjectNode copy = body.deepCopy();
            ArrayNode keptRaw = copy.putArray("tools");
            for (JsonNode t : tools) if (!denied.contains(t.path("name").asText(null))) keptRaw.add(t);
            if (keptRaw.isEmpty()) {
                copy.remove("tools");
                copy.remove("tool_choice");
            }
            raw = new RawJson(raw.dialect(), copy, raw.headers());
        }
        return new ChatRequest(r.model(), r.messages(), kept, kept.isEmpty() ? null : r.toolChoice(), r.parallelToolCalls(),
                r.responseFormat(), r.temperature(), r.topP(), r.maxTokens(), r.maxCompletionTokens(), r.stop(), r.seed(), r.user(),
                r.metadata(), r.stream(), r.includeUsage(), r.extra(), raw);
    }

    @Override
    public Future<ChatResponse> output(CallContext ctx, ChatRequest request, ChatResponse answer) {
        Map<String, Decision> denied = new LinkedHashMap<>();
        for (Choice c : answer.choices()) {
            for (ToolCall call : c.message().toolCalls()) {
                Decision d = called(call);
                if (d.allowed()) continue;
                if (block) return Future.failedFuture(Blocks.raised(name(), d.message()));
                denied.put(call.id(), d);
            }
        }
        return Future.succeededFuture(denied.isEmpty() ? answer : rewritten(answer, denied));
    }

    /**
     * The answer without the denied calls; each one's "Permission denied: … (Rule: id)" joins the text. A choice left
     * without calls finishes with {@code stop} (LiteLLM leaves tool_calls; a client would wait for calls that are gone).
     */
    private static ChatResponse rewritten(ChatResponse a, Map<String, Decision> denied) {
        List<Choice> out = new ArrayList<>();
        for (Choice c : a.choices()) {
            Message m = c.message();
            List<ToolCall> kept = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (ToolCall call : m.toolCalls()) {
                Decision d = denied.get(call.id());
                if (d == null) kept.add(call);
                else errors.add("Permission denied: " + d.message() + (d.ruleId() == null ? "" : " (Rule: " + d.ruleId() + ")"));
            }
            if (errors.isEmpty()) {
                out.add(c);
                continue;
            }
            String text = m.textContent();
            String joined = text.isEmpty() ? String.join("\n", errors) : text + "\n\n" + String.join("\n", errors);
            Message nm = new Message(m.role(), List.of(ContentPart.Text.of(joined)), m.name(), kept, m.toolCallId(), m.reasoning(),
                    m.refusal(), m.extra());
            FinishReason finish = kept.isEmpty() && c.finishReason() == FinishReason.TOOL_CALLS ? FinishReason.STOP : c.finishReason();
            out.add(new Choice(c.index(), nm, finish, c.logprobs(), c.stopSequence(), c.extra()));
        }
        // raw is dropped: the answer changed, so a same-dialect relay of the provider's bytes would undo the rewrite
        return a.withChoices(out, null);
    }
}
