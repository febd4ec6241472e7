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
        Names names = new Names(config, family, modes);
        java.util.Set<String> ownList = new java.util.HashSet<>();
        for (FallbackRef r : config.fallbackRefs()) if (r.from() != null && OWN_ERROR_LIST.matcher(r.path()).find()) ownList.add(r.from());
        List<String> out = new ArrayList<>();
        for (FallbackRef r : config.fallbackRefs()) {
            String to = names.family(r.to());
            if (to == null) continue;
            if (r.from() != null) {
                String from = names.family(r.from());
                if (from == null || from.equals(to)) continue;
                out.add(r.source() + ": " + r.path() + ": '" + r.to() + "'" + names.means(r.to()) + " serves " + ServingMode.said(to)
                        + ", not " + ServingMode.said(from) + " as '" + r.from() + "'" + names.means(r.from())
                        + " does: a failed call of '" + r.from()
                        + "' passes it over. Fix: name a model_name of the same mode, or set model_info.mode where it is wrong.");
            } else {
                List<String> others = new ArrayList<>();
                for (Map.Entry<String, String> e : family.entrySet()) {
                    if (e.getValue() != null && !e.getValue().equals(to) && !ownList.contains(e.getKey())) others.add(e.getKey());
                }
                if (others.isEmpty()) continue;
                out.add(r.source() + ": " + r.path() + ": '" + r.to() + "'" + names.means(r.to()) + " serves " + ServingMode.said(to)
                        + ": the failed calls of '"
                        + String.join("', '", others) + "' (no fallbacks of their own, another mode) pass it over. Fix: give "
                        + (others.size() == 1 ? "it" : "them") + " a fallbacks list of the same mode, or set model_info.mode where it is wrong.");
            }
        }
        return out;
    }

    /**
     * A fallback's name resolved as the router resolves a requested name ({@code route.ModelNames}): a deployment's
     * {@code model_info.id} (that one deployment), then a {@code model_group_alias}'s target (an id or a model_name), then
     * a model_name. Before, only a model_name was judged: a fallback written as an alias or an id of an embedding
     * deployment in a chat model's list was passed over by the router without a word from check.
     */
    private static final class Names {
        private final Map<String, String> family;
        private final Map<String, String> idFamily = new java.util.HashMap<>();
        private final Map<String, String> idAlias = new java.util.HashMap<>();
        private final Map<String, dev.switchboard.route.GroupAlias> groupAliases;

        Names(GatewayConfig config, Map<String, String> family, Function<Deployment, String> modes) {
            this.family = family;
            for (Deployment d : config.deployments()) {
                Object id = d.modelInfo().get("id");
                if (id == null || id.toString().isBlank() || d.wildcard()) continue;
                idFamily.putIfAbsent(id.toString(), ServingMode.family(modes.apply(d)));
                idAlias.putIfAbsent(id.toString(), d.alias());
            }
            this.groupAliases = dev.switchboard.route.RouterSettings.from(config).groupAliases();
        }

        /** The mode family a call of {@code name} is served in; null when unknown, mixed or not a configured name. */
        String family(String name) {
            if (name == null) return null;
            if (idAlias.containsKey(name)) return idFamily.get(name);
            var alias = groupAliases.get(name);
            if (alias != null && !alias.target().equals(name)) {
                String target = alias.target();
                if (idAlias.containsKey(target)) return idFamily.get(target);
                if (family.containsKey(target)) return family.get(target);
                return null; // a name only a wildcard may serve (its mode is the requested name's): not judged
            }
            return family.get(name);
        }

        /** How the message says what {@code name} is when it is not a model_name: an id's or an alias's target. */
        String means(String name) {
            if (idAlias.containsKey(name)) return " (model_info.id of a '" + idAlias.get(name) + "' deployment)";
            var alias = groupAliases.get(name);
            if (alias != null && !alias.target().equals(name)
                    && (idAlias.containsKey(alias.target()) || family.containsKey(alias.target()))) {
                return " (model_group_alias of '" + alias.target() + "')";
            }
            return "";
        }
    }
}
