package dev.switchboard.pipeline.guard;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One rule of LiteLLM's tool_permission guardrail: tool name and/or type regexes (matched in full, as Python's
 * {@code re.fullmatch}), allow or deny, and optional regexes the call's arguments must match ({@code allowed_param_patterns},
 * keyed by dotted paths with {@code []} for list items).
 */
record ToolRule(String id, Pattern toolName, Pattern toolType, boolean allow, Map<String, Pattern> paramPatterns) {

    @SuppressWarnings("unchecked")
    static ToolRule of(Map<String, Object> m) {
        Map<String, Pattern> params = new LinkedHashMap<>();
        if (m.get("allowed_param_patterns") instanceof Map<?, ?> p) {
            ((Map<String, Object>) p).forEach((k, v) -> params.put(k, Pattern.compile(String.valueOf(v))));
        }
        return new ToolRule(String.valueOf(m.get("id")), pattern(m.get("tool_name")), pattern(m.get("tool_type")),
                String.valueOf(m.get("decision")).toLowerCase(Locale.ROOT).equals("allow"), Map.copyOf(params));
    }

    /** LiteLLM turns a blank pattern into none. */
    private static Pattern pattern(Object v) {
        if (v == null || v.toString().isBlank()) return null;
        return Pattern.compile(v.toString().strip());
    }

    /** Whether the rule targets this tool: every pattern it has matches (a missing value never matches a pattern). */
    boolean targets(String name, String type) {
        return matches(toolName, name) && matches(toolType, type);
    }

    private static boolean matches(Pattern p, String value) {
        if (p == null) return true;
        return value != null && p.matcher(value).matches();
    }

    /** Parameter patterns are checked only when the rule names a tool (LiteLLM's should_check_params). */
    boolean checksParams() { return !paramPatterns.isEmpty() && toolName != null; }

    /** Null when every pattern's path has values and all match; else why not (LiteLLM's message). */
    String paramFailure(Map<String, List<String>> paths, String tool) {
        for (Map.Entry<String, Pattern> e : paramPatterns.entrySet()) {
            List<String> values = paths.get(e.getKey());
            if (values == null || values.isEmpty()) {
                return "Missing value for path '" + e.getKey() + "' required by rule '" + id + "'";
            }
            for (String v : values) {
                if (!e.getValue().matcher(v).matches()) {
                    return "Value '" + v + "' for path '" + e.getKey() + "' does not match allowed pattern '"
                            + e.getValue().pattern() + "' for tool '" + (tool == null ? "unknown_tool" : tool) + "'";
                }
            }
        }
        return null;
    }
}
