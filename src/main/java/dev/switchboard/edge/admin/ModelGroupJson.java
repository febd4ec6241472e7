package dev.switchboard.edge.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.account.ModelPrice;
import dev.switchboard.pipeline.DeploymentInfo;
import java.util.List;
import java.util.Map;

/**
 * One model_name of {@code /model_group/info} in LiteLLM's {@code ModelGroupInfo} shape, merged from its deployments as
 * LiteLLM's router merges them: the providers of all, the largest limits and the highest price of any (what a client
 * must be ready for whichever deployment serves), the sum of their {@code tpm} / {@code rpm}, and a capability when any
 * deployment's {@code model_info} declares it. Nothing of where a deployment is or how it signs in.
 */
final class ModelGroupJson {
    /** LiteLLM's capability flags, false unless a deployment's model_info says true. */
    private static final List<String> CAPABILITIES = List.of("supports_parallel_function_calling", "supports_vision",
            "supports_web_search", "supports_reasoning", "supports_function_calling");

    private ModelGroupJson() {}

    static ObjectNode group(String name, List<DeploymentInfo> deployments) {
        ObjectNode g = SpendJson.JSON.createObjectNode();
        g.put("model_group", name);
        var providers = g.putArray("providers");
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        Long maxIn = null, maxOut = null, rpm = null, tpm = null;
        Double inCost = null, outCost = null;
        String mode = null;
        for (DeploymentInfo d : deployments) {
            Object own = d.modelInfo().get("litellm_provider");
            String provider = own != null ? own.toString() : d.provider();
            if (provider != null && !provider.isEmpty()) seen.add(provider);
            ModelPrice p = d.price();
            maxIn = max(maxIn, p == null || p.contextWindow() == null ? number(d.modelInfo().get("max_input_tokens")) : Long.valueOf(p.contextWindow()));
            Long out = p != null && p.maxOutputTokens() != null ? Long.valueOf(p.maxOutputTokens()) : d.outputLimit() > 0 ? Long.valueOf(d.outputLimit()) : null;
            maxOut = max(maxOut, out);
            if (p != null) {
                inCost = inCost == null ? p.inputPerToken() : Math.max(inCost, p.inputPerToken());
                outCost = outCost == null ? p.outputPerToken() : Math.max(outCost, p.outputPerToken());
            }
            rpm = sum(rpm, d.rpm());
            tpm = sum(tpm, d.tpm());
            if (mode == null && d.modelInfo().get("mode") != null) mode = d.modelInfo().get("mode").toString();
        }
        seen.forEach(providers::add);
        putNumber(g, "max_input_tokens", maxIn);
        putNumber(g, "max_output_tokens", maxOut);
        if (inCost == null) g.putNull("input_cost_per_token"); else g.put("input_cost_per_token", inCost);
        if (outCost == null) g.putNull("output_cost_per_token"); else g.put("output_cost_per_token", outCost);
        g.put("mode", mode == null ? "chat" : mode);
        putNumber(g, "tpm", tpm);
        putNumber(g, "rpm", rpm);
        for (String c : CAPABILITIES) g.put(c, deployments.stream().anyMatch(d -> declares(d.modelInfo(), c)));
        // LiteLLM fills these from its own catalog of each provider's parameters, which Switchboard does not keep: null
        // says "not known", where an empty list would say "none"
        g.putNull("supported_openai_params");
        g.putNull("configurable_clientside_auth_params");
        return g;
    }

    private static boolean declares(Map<String, Object> info, String capability) {
        return Boolean.TRUE.equals(info.get(capability)) || "true".equals(String.valueOf(info.get(capability)));
    }

    private static Long number(Object v) { return v instanceof Number n ? Long.valueOf(n.longValue()) : null; }

    private static Long max(Long a, Long b) { return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b)); }

    private static Long sum(Long a, Long b) { return a == null ? b : b == null ? a : Long.valueOf(a + b); }

    private static void putNumber(ObjectNode o, String field, Long v) {
        if (v == null) o.putNull(field); else o.put(field, v);
    }
}
