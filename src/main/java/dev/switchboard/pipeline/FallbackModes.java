package dev.switchboard.pipeline;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.FallbackRef;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.route.ServingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The warnings of a configured fallback that serves another mode than the model_names whose list it is in (an embedding
 * model's fallback that is a chat model): the router passes such a target over ({@code route.ServingMode}), so the list
 * does less than it reads. Said at start and by {@code switchboard check}, with the fallback's line.
 */
final class FallbackModes {
    /** A model_name's own error fallbacks (not context window or content policy): they replace default_fallbacks. */
    private static final Pattern OWN_ERROR_LIST = Pattern.compile("^(router|litellm)_settings\\.fallbacks\\[");

    private FallbackModes() {}

    /** @param modes each deployment's mode (model_info.mode, else the catalog's; null unknown) */
    static List<String> warnings(GatewayConfig config, Function<Deployment, String> modes) {
        Map<String, String> family = new LinkedHashMap<>();
        Map<String, Boolean> mixed = new java.util.HashMap<>();
        for (Deployment d : config.deployments()) {
            String f = ServingMode.family(modes.apply(d));
            if (!family.containsKey(d.alias())) family.put(d.alias(), f);
            else if (!java.util.Objects.equals(family.get(d.alias()), f)) mixed.put(d.alias(), true);
        }
        mixed.keySet().forEach(a -> family.put(a, null)); // a model_name of two modes (or an unknown one): not judged
        java.util.Set<String> ownList = new java.util.HashSet<>();
        for (FallbackRef r : config.fallbackRefs()) if (r.from() != null && OWN_ERROR_LIST.matcher(r.path()).find()) ownList.add(r.from());
        List<String> out = new ArrayList<>();
        for (FallbackRef r : config.fallbackRefs()) {
            String to = family.get(r.to());
            if (to == null) continue;
            if (r.from() != null) {
                String from = family.get(r.from());
                if (from == null || from.equals(to)) continue;
                out.add(r.source() + ": " + r.path() + ": '" + r.to() + "' serves " + ServingMode.said(to) + ", not "
                        + ServingMode.said(from) + " as '" + r.from() + "' does: a failed call of '" + r.from()
                        + "' passes it over. Fix: name a model_name of the same mode, or set model_info.mode where it is wrong.");
            } else {
                List<String> others = new ArrayList<>();
                for (Map.Entry<String, String> e : family.entrySet()) {
                    if (e.getValue() != null && !e.getValue().equals(to) && !ownList.contains(e.getKey())) others.add(e.getKey());
                }
                if (others.isEmpty()) continue;
                out.add(r.source() + ": " + r.path() + ": '" + r.to() + "' serves " + ServingMode.said(to) + ": the failed calls of '"
                        + String.join("', '", others) + "' (no fallbacks of their own, another mode) pass it over. Fix: give "
                        + (others.size() == 1 ? "it" : "them") + " a fallbacks list of the same mode, or set model_info.mode where it is wrong.");
            }
        }
        return out;
    }
}
