package dev.switchboard.pipeline;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.GatewayConfig;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** LiteLLM's model access groups read from the config, for governance's allowlists (a key may name a group). */
final class AccessGroups {
    private AccessGroups() {}

    /** LiteLLM's model access groups: each {@code model_info.access_groups} name → the model_names that list it. */
    static Map<String, List<String>> of(GatewayConfig config) {
        Map<String, LinkedHashSet<String>> groups = new LinkedHashMap<>();
        for (Deployment d : config.deployments()) {
            Object given = d.modelInfo() == null ? null : d.modelInfo().get("access_groups");
            List<?> names = given instanceof List<?> l ? l : given instanceof String one ? List.of(one) : List.of();
            for (Object name : names) groups.computeIfAbsent(String.valueOf(name), k -> new LinkedHashSet<>()).add(d.alias());
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        groups.forEach((name, aliases) -> out.put(name, List.copyOf(aliases)));
        return out;
    }
}
