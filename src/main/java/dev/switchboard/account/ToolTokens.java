package dev.switchboard.account;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Tool;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * The prompt tokens a request's tool definitions add, by the formula of OpenAI's cookbook ("How to count tokens with
 * tiktoken", {@code num_tokens_for_tools}), which matches what the API reports: OpenAI renders each function into the
 * prompt as a TypeScript-like namespace, so a tool costs its framing plus its {@code name:description} line; a tool with
 * parameters {@link Framing#propInit} more, and each parameter {@link Framing#propKey} plus its
 * {@code name:type:description} line, and an enum its values ({@link Framing#enumItem} each plus the value's own tokens,
 * {@link Framing#enumInit} for the enum as a whole); the tool list as a whole {@link Framing#funcEnd}. A description
 * loses one trailing period.
 *
 * <p>Beyond the cookbook, which covers flat parameters, so that no schema counts as less than the model reads: a
 * parameter whose schema is more than a type, a description and an enum (a nested object, an array's items, a union)
 * counts its schema's JSON (less its description and enum) as its type; a top-level schema key other than {@code type},
 * {@code properties}, {@code required} and {@code additionalProperties} ({@code $defs}, {@code anyOf}) counts as its JSON;
 * a custom (free-form) tool counts its framing, its {@code name:description} line and its format's JSON (a grammar).
 *
 * <p>The simulator counts its prompt_tokens by the same formula (simulator.SimToolTokens, written apart because the
 * simulator stands alone).
 */
public final class ToolTokens {

    /** The formula's constants for a model family. */
    public record Framing(int funcInit, int propInit, int propKey, int enumInit, int enumItem, int funcEnd) {
        /** gpt-4o, gpt-4o-mini and later. */
        public static final Framing GPT_4O = new Framing(7, 3, 3, -3, 3, 12);
        /** gpt-3.5-turbo and gpt-4. */
        public static final Framing GPT_4 = new Framing(10, 3, 3, -3, 3, 12);
    }

    private static final Set<String> FLAT = Set.of("type", "description", "enum");
    private static final Set<String> FRAME_KEYS = Set.of("type", "properties", "required", "additionalProperties");

    private ToolTokens() {}

    /**
     * The tool list's tokens, each line's text measured by {@code measure} (a tokenizer's count, or a character-based
     * estimate); 0 for no tools.
     */
    public static long count(List<Tool> tools, Framing f, ToIntFunction<String> measure) {
        if (tools.isEmpty()) return 0;
        long total = f.funcEnd();
        for (Tool tool : tools) {
            total += f.funcInit() + measure.applyAsInt(orEmpty(tool.name()) + ":" + withoutPeriod(tool.description()));
            if (tool.custom()) total += measure.applyAsInt(tool.customFormat().toString());
            if (tool.parameters() != null && tool.parameters().isObject()) total += parameters(tool.parameters(), f, measure);
        }
        return total;
    }

    /** A token per four characters, rounded up: the estimate where no tokenizer runs (a tpm limit's, on every call). */
    public static int quarterChars(String s) { return (s.length() + 3) / 4; }

    private static long parameters(JsonNode schema, Framing f, ToIntFunction<String> measure) {
        long total = 0;
        for (Map.Entry<String, JsonNode> e : schema.properties()) {
            if (!FRAME_KEYS.contains(e.getKey())) total += measure.applyAsInt(e.getValue().toString());
        }
        JsonNode props = schema.get("properties");
        if (props == null || !props.isObject() || props.isEmpty()) return total;
        total += f.propInit();
        for (Map.Entry<String, JsonNode> e : props.properties()) {
            total += f.propKey();
            JsonNode p = e.getValue();
            JsonNode values = p.get("enum");
            if (values != null && values.isArray()) {
                total += f.enumInit();
                for (JsonNode v : values) total += f.enumItem() + measure.applyAsInt(v.isTextual() ? v.textValue() : v.toString());
            }
            JsonNode description = p.get("description");
            total += measure.applyAsInt(e.getKey() + ":" + type(p) + ":"
                    + withoutPeriod(description != null && description.isTextual() ? description.textValue() : null));
        }
        return total;
    }

    /** The parameter's type as the formula reads it: its {@code type}, or its schema's JSON when it is more than that. */
    private static String type(JsonNode p) {
        if (!p.isObject()) return p.toString();
        boolean flat = p.path("type").isTextual();
        for (Map.Entry<String, JsonNode> e : p.properties()) flat &= FLAT.contains(e.getKey());
        if (flat) return p.get("type").textValue();
        com.fasterxml.jackson.databind.node.ObjectNode rest = p.deepCopy();
        rest.remove("description");
        rest.remove("enum");
        return rest.toString();
    }

    private static String orEmpty(String s) { return s == null ? "" : s; }

    private static String withoutPeriod(String d) {
        if (d == null) return "";
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }
}
