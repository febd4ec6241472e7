package dev.switchboard.route;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of {@code router_settings.model_group_alias}: a name apps may ask for that is served by another
 * model group. LiteLLM's two forms: {@code gpt-4: gpt-4o} and {@code gpt-4: {model: gpt-4o, hidden: true}};
 * a hidden alias works but is not listed by {@code /v1/models}.
 *
 * @param target the name it is served by (a model_name, a deployment id or a name a wildcard serves)
 */
public record GroupAlias(String target, boolean hidden) {

    /** The aliases of a {@code model_group_alias} map as the config loader kept it (checked there); empty for none. */
    static Map<String, GroupAlias> from(Object section) {
        Map<String, GroupAlias> out = new LinkedHashMap<>();
        if (!(section instanceof Map<?, ?> m)) return out;
        m.forEach((name, value) -> {
            if (value instanceof Map<?, ?> form) {
                Object model = form.get("model");
                if (model != null) out.put(name.toString(), new GroupAlias(model.toString(), RouterSettings.flag(form.get("hidden"), false)));
            } else if (value != null) {
                out.put(name.toString(), new GroupAlias(value.toString(), false));
            }
        });
        return java.util.Collections.unmodifiableMap(out); // config order: /v1/models lists them so
    }
}
