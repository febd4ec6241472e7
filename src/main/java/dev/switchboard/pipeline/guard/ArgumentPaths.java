package dev.switchboard.pipeline.guard;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tool call's arguments flattened as LiteLLM's tool_permission flattens them for {@code allowed_param_patterns}:
 * {@code a.b} for nested keys, {@code a[]} for list items, each leaf's value as Python's {@code str()} writes it.
 */
final class ArgumentPaths {
    private static final int MAX_DEPTH = 100;

    private ArgumentPaths() {}

    /** The paths of the arguments object, or null when there are none or they are not a JSON object. */
    static Map<String, List<String>> of(String arguments) {
        if (arguments == null || arguments.isBlank()) return null;
        JsonNode n;
        try {
            n = Blocks.JSON.readTree(arguments);
        } catch (Exception e) {
            return null;
        }
        if (n == null || !n.isObject() || n.isEmpty()) return null;
        Map<String, List<String>> out = new LinkedHashMap<>();
        collect(n, "", out, 0);
        return out;
    }

    private static void collect(JsonNode v, String path, Map<String, List<String>> out, int depth) {
        if (depth > MAX_DEPTH) return;
        if (v.isObject()) {
            v.properties().forEach(e -> collect(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out, depth + 1));
        } else if (v.isArray()) {
            String listPath = path.isEmpty() ? "[]" : path + "[]";
            for (JsonNode item : v) collect(item, listPath, out, depth + 1);
        } else if (!path.isEmpty()) {
            out.computeIfAbsent(path, k -> new ArrayList<>()).add(pythonStr(v));
        }
    }

    private static String pythonStr(JsonNode v) {
        if (v.isNull()) return "None";
        if (v.isBoolean()) return v.booleanValue() ? "True" : "False";
        if (v.isFloatingPointNumber()) {
            double d = v.doubleValue();
            return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf(d) : v.asText();
        }
        return v.asText();
    }
}
