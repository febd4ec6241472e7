package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.AnthropicServerTools;
import dev.switchboard.provider.ParamConflict;
import dev.switchboard.provider.UnsupportedParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request one attempt sends to one deployment: its {@link DeploymentDefaults}, less its
 * {@code additional_drop_params}, OpenAI's {@code allowed_tools} choice as the allowed tools alone for a provider
 * without that choice, less the parameters its provider cannot honour ({@link UnsupportedParams}). Such a
 * parameter set to a value that changes the answer is a 400 naming it (LiteLLM's {@code UnsupportedParamsError}),
 * unless {@code drop_params} is on: the request's own {@code drop_params}, else the deployment's, else
 * {@code litellm_settings.drop_params}. Nothing is dropped unseen: the first drop of each field on each deployment is a
 * WARN line, every one a DEBUG line.
 *
 * <p>Per attempt, so one request may keep its {@code seed} on an OpenAI deployment and be refused (or have it dropped)
 * on an Anthropic one of the same group or of a fallback. A refused attempt is not the request's end: the router tries
 * the group's other deployments, then the error fallbacks, and answers the 400 only when none of them can serve it.
 */
final class DeploymentParams {
    private static final Logger log = LoggerFactory.getLogger(DeploymentParams.class);
    /** deployment id + field: the drops already warned about (a handful of entries: deployments × fields). */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    /** The refusal's error code: the router tries the request elsewhere before answering it ({@code CallEngine}). */
    static final String CODE = "unsupported_params";

    private DeploymentParams() {}

    /**
     * @param requestDrop the request's {@code drop_params}, or null when it sets none
     * @param globalDrop  {@code litellm_settings.drop_params}
     * @throws GatewayException 400 naming the first parameter the provider cannot honour, when not dropping
     */
    static ChatRequest fit(ChatRequest request, Target t, Boolean requestDrop, boolean globalDrop, String requestId) {
        return fit(request, t, requestDrop, globalDrop, requestId, 0);
    }

    /**
     * @param outputCeiling the deployment model's own output limit (0 when unknown): an Anthropic client's
     *                      {@code max_tokens} above it is lowered to it for another provider's model (Claude Code asks
     *                      32,000 or 64,000, which gpt-4o-mini, at 16,384, refuses); Claude itself gets the client's bytes
     */
    static ChatRequest fit(ChatRequest request, Target t, Boolean requestDrop, boolean globalDrop, String requestId,
                           int outputCeiling) {
        Deployment d = t.deployment();
        ChatRequest r = prepared(request, t, requestId, outputCeiling);
        // Claude Code's long MCP tool names for a provider that takes 64 characters at most: shortened, and restored in
        // the Anthropic dialect's answer (the only dialect whose answers are always re-encoded, so always restored)
        if (t.provider().limitsToolNames() && r.raw() != null && r.raw().is(dev.switchboard.model.RawJson.ANTHROPIC)) {
            r = r.withShortToolNames();
        }
        if (r.toolChoice() != null && r.toolChoice().allowed() != null && !t.provider().takesAllowedTools()) {
            r = r.withAllowedToolsOnly(); // OpenAI's allowed_tools, for a provider without it: only those tools offered
        }
        List<String> unsupported = UnsupportedParams.setIn(r, t.provider().unsupportedParams());
        List<ParamConflict> conflicts = t.provider().conflicts(r); // e.g. Claude's temperature with thinking on
        String[] anthropicTool = t.provider().runsAnthropicServerTools() ? null : AnthropicServerTools.first(r);
        if (unsupported.isEmpty() && conflicts.isEmpty() && anthropicTool == null) return r;
        boolean drop = drops(d, requestDrop, globalDrop);
        if (anthropicTool != null) {
            // the translated request holds none of them already: dropping is only saying so
            if (!drop) throw refusedAnthropicTool(anthropicTool, d);
            warnDropped(anthropicTool[0], d, requestId, "which cannot run Anthropic's own tools");
            // a choice among them alone goes with them: OpenAI refuses tool_choice and parallel_tool_calls without tools
            if (r.tools().isEmpty() && (r.toolChoice() != null || r.parallelToolCalls() != null)) {
                r = r.without(List.of("tool_choice", "parallel_tool_calls"));
            }
        }
        if (unsupported.isEmpty() && conflicts.isEmpty()) return r;
        if (!drop) {
            for (String f : unsupported) {
                if (UnsupportedParams.matters(r, f)) throw refused(f, request, d);
            }
            if (!conflicts.isEmpty()) throw refused(conflicts.get(0), request, d);
        }
        for (String f : unsupported) {
            if (UnsupportedParams.matters(r, f)) warnDropped(f, d, requestId, "which has no counterpart for it");
        }
        for (ParamConflict c : conflicts) warnDropped(c.field(), d, requestId, "which refuses it here: " + c.why());
        if (conflicts.isEmpty()) return r.without(unsupported);
        List<String> all = new ArrayList<>(unsupported);
        for (ParamConflict c : conflicts) {
            if (c.drop() != null) r = c.drop().apply(r); // only what is refused (a blank stop sequence), not the field
            else all.add(c.field());
        }
        return all.isEmpty() ? r : r.without(all);
    }

    /**
     * The steps of {@link #fit} before its tool names and its verdict, shared with {@link #refuses}: the deployment's
     * defaults, the output ceiling, {@code additional_drop_params}, OpenAI's custom tools as functions. Each returns the
     * request itself when it has nothing to do (the common case: no copy).
     */
    private static ChatRequest prepared(ChatRequest request, Target t, String requestId, int outputCeiling) {
        Deployment d = t.deployment();
        ChatRequest r = DeploymentDefaults.apply(request, d);
        if (outputCeiling > 0 && r.raw() != null && r.raw().is(dev.switchboard.model.RawJson.ANTHROPIC)
                && r.outputTokenLimit() != null && r.outputTokenLimit() > outputCeiling) {
            r = r.withOutputLimit(outputCeiling);
        }
        List<String> always = d.additionalDropParams();
        if (!always.isEmpty()) {
            List<String> set = new ArrayList<>();
            for (String f : always) if (UnsupportedParams.present(r, f)) set.add(f);
            if (!set.isEmpty()) {
                if (requestId != null) log.debug("request {}: {} dropped for {} (additional_drop_params)", requestId, set, d.id());
                r = r.without(set);
            }
        }
        // OpenAI's custom tools, for a provider without them: functions of one string (given back as custom calls by the router)
        if (!t.provider().takesCustomTools()) r = CustomToolsAsFunctions.asFunctions(r);
        return r;
    }

    /** drop_params as it applies to this attempt: the request's own, else the deployment's, else the global one. */
    private static boolean drops(Deployment d, Boolean requestDrop, boolean globalDrop) {
        return requestDrop != null ? requestDrop : d.dropParams() != null ? d.dropParams() : globalDrop;
    }

    /**
     * Whether {@link #fit} would refuse the request on this deployment (a 400 {@link #CODE}), for a budget's worst case:
     * the router goes past such a target without calling it. Never with drop_params on (nothing is refused then, and
     * fit's drop warnings are for the attempt to say). A refusal-only check (since 2026-12-07; it ran fit itself before):
     * fit's own steps and verdict, without the fitted copy — the tool names are not shortened (a rename, which no
     * verdict reads: the unsupported fields, the provider's conflicts and Anthropic's server tools look at fields, values
     * and tool types), no exception is made and no drop is logged. Like the worst case's earlier call, no output
     * ceiling is applied (the router's attempt applies it).
     */
    static boolean refuses(ChatRequest request, Target t, Boolean requestDrop, boolean globalDrop) {
        Deployment d = t.deployment();
        if (drops(d, requestDrop, globalDrop)) return false;
        try {
            ChatRequest r = prepared(request, t, null, 0);
            if (r.toolChoice() != null && r.toolChoice().allowed() != null && !t.provider().takesAllowedTools()) {
                r = r.withAllowedToolsOnly(); // fit's, as the allowed tools decide which tools (and server tools) are offered
            }
            if (!t.provider().runsAnthropicServerTools() && AnthropicServerTools.first(r) != null) return true;
            for (String f : UnsupportedParams.setIn(r, t.provider().unsupportedParams())) {
                if (UnsupportedParams.matters(r, f)) return true;
            }
            return !t.provider().conflicts(r).isEmpty();
        } catch (GatewayException e) {
            return false; // another 400 of fit's steps is no unsupported_params refusal, as fit's caller judged it
        }
    }

    private static void warnDropped(String f, Deployment d, String requestId, String why) {
        if (WARNED.add(d.id() + " " + f)) {
            log.warn("drop_params: '{}' is dropped for {}, {} (the first such drop on this deployment; the next are DEBUG"
                    + " lines)", f, d.id(), why);
        } else {
            log.debug("request {}: drop_params: '{}' dropped for {}", requestId, f, d.id());
        }
    }

    /** How every refusal of a parameter ends: the two ways out. */
    private static final String FIX = " Fix: leave it out, or let the gateway drop it: \"drop_params\": true in the request,"
            + " drop_params: true in this deployment's litellm_params, or in litellm_settings for every deployment.";

    /** A parameter the model refuses beside another the request sets ({@link ParamConflict}). */
    private static GatewayException refused(ParamConflict c, ChatRequest asked, Deployment d) {
        return new GatewayException(dev.switchboard.model.ErrorKind.BAD_REQUEST, 400, c.why() + ", so " + named(c.field(), asked, d)
                + " cannot be honoured (deployment " + d.id() + " of alias '" + d.alias() + "')." + FIX, c.field(), CODE, null, null);
    }

    private static GatewayException refused(String field, ChatRequest asked, Deployment d) {
        String provider = d.provider().isEmpty() ? d.id() : d.provider() + "/";
        return new GatewayException(dev.switchboard.model.ErrorKind.BAD_REQUEST, 400, provider + " does not accept "
                + named(field, asked, d)
                + " (deployment " + d.id() + " of alias '" + d.alias() + "'): it has no counterpart for it, so the answer could not honour it." + FIX,
                field, CODE, null, null);
    }

    /** One of Anthropic's own tools (or its MCP connector) for a deployment that is not Claude on the Messages API. */
    private static GatewayException refusedAnthropicTool(String[] tool, Deployment d) {
        return new GatewayException(dev.switchboard.model.ErrorKind.BAD_REQUEST, 400, "Anthropic runs " + tool[1]
                + " itself, for Claude through its Messages API; deployment " + d.id() + " cannot, so the answer could not use it."
                + " Fix: ask an alias served by Claude (anthropic/ or vertex_ai/ claude models), or leave it out, or let the gateway"
                + " serve the request without it: \"drop_params\": true in the request, drop_params: true in this deployment's"
                + " litellm_params, or in litellm_settings for every deployment.", tool[0], CODE, null, null);
    }

    /**
     * The field as the error names it: the request's own, under the name the client's dialect gives it (an Anthropic body's
     * stop_sequences is OpenAI's stop), or a default the deployment's config line set.
     */
    private static String named(String field, ChatRequest asked, Deployment d) {
        if (!UnsupportedParams.present(asked, field)) return "'" + field + "' (a default of the deployment's litellm_params, " + d.where() + ")";
        boolean anthropic = asked.raw() != null && asked.raw().is(dev.switchboard.model.RawJson.ANTHROPIC);
        return "'" + (anthropic && field.equals("stop") ? "stop_sequences" : field) + "'";
    }
}
