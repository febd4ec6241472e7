package dev.switchboard.account;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Tool;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The prompt tokens a request's tool definitions add, estimated at four characters a token by the formula of OpenAI's
 * cookbook ("How to count tokens with tiktoken", {@code num_tokens_for_tools}), which matches what the API reports:
 * OpenAI renders each function into the prompt as a TypeScript-like namespace, so a tool costs {@link #FUNC_INIT} plus
 * its {@code name:description} line; a tool with parameters {@link #PROP_INIT} more, and each parameter
 * {@link #PROP_KEY} plus its {@code name:type:description} line, an enum {@link #ENUM_INIT} plus {@link #ENUM_ITEM} and
 * the value for each of its values; {@link #FUNC_END} for the list; one trailing period of a description is dropped.
 * Beyond the cookbook, which covers flat parameters only, a parameter whose schema is more than a type, a description
 * and an enum (a nested object, an array's items, a union) counts its schema's JSON (less its description and enum) as
 * its type; a top-level schema key other than {@code type}, {@code properties}, {@code required} and
 * {@code additionalProperties} ({@code $defs}, {@code anyOf}) counts as its JSON; a custom (free-form) tool counts its
 * framing, its {@code name:description} line and its format's JSON (a grammar). So no schema counts as less than the
 * model reads.
 *
 * <p>Every line is measured by its length, never built: a JSON value's length is what its compact serialisation would
 * be, summed over the tree, and objects are walked with {@code forEachEntry} (no iterator),
 * by a walker kept per thread. The tpm limit asks this on every call of its key, with agents' tool lists of tens of
 * kilobytes: it allocates nothing per call once warm (the first version built a string per line and copied nested
 * schemas, ~158 KB and ~130 µs a call for a 34 KB list; see ToolTokensTest's measurement).
 *
 * <p>The simulator counts its prompt_tokens by the same formula (simulator.SimToolTokens, written apart because the
 * simulator stands alone).
 */
public final class ToolTokens {
    /** gpt-4o and later (10 on gpt-3.5-turbo and gpt-4, whose framing is dearer: the estimate takes the newer). */
    public static final int FUNC_INIT = 7;
    public static final int PROP_INIT = 3;
    public static final int PROP_KEY = 3;
    public static final int ENUM_INIT = -3;
    public static final int ENUM_ITEM = 3;
    public static final int FUNC_END = 12;

    private static final ThreadLocal<Walker> WALKER = ThreadLocal.withInitial(Walker::new);

    private ToolTokens() {}

    /** The tool list's estimated tokens at four characters a token; 0 for no tools. Allocates nothing once warm. */
    public static long estimate(List<Tool> tools) {
        if (tools.isEmpty()) return 0;
        Walker w = WALKER.get();
        long total = FUNC_END;
        for (int i = 0, n = tools.size(); i < n; i++) total += w.tool(tools.get(i));
        return total;
    }

    /** Tokens of a line of {@code chars} characters: a token per four, rounded up (the cookbook's lines each tokenize apart). */
    static long quarter(long chars) { return (chars + 3) / 4; }

    private static int length(String s) { return s == null ? 0 : s.length(); }

    /** A description's length with one trailing period dropped, as the cookbook's formula drops it. */
    private static int withoutPeriod(String d) {
        if (d == null || d.isEmpty()) return 0;
        return d.charAt(d.length() - 1) == '.' ? d.length() - 1 : d.length();
    }

    /**
     * The per-thread state of one count. Objects are walked with {@code forEachEntry} and this walker as the consumer,
     * its {@link #mode} saying what an entry is; a nested walk saves and restores the fields it changes on the stack.
     */
    private static final class Walker implements BiConsumer<String, JsonNode> {
        private static final int TOP = 0, PROPERTY = 1, LENGTH = 2, FLAT = 3;
        private int mode;
        /** LENGTH: the object's entries' lengths so far, the entries counted, and whether description and enum are left out. */
        private long acc;
        private int entries;
        private boolean skipDescribed;
        /** TOP and PROPERTY: tokens so far. FLAT: whether every key is type, description or enum. */
        private long tokens;
        private boolean flat;

        long tool(Tool tool) {
            long total = FUNC_INIT + quarter(length(tool.name()) + 1L + withoutPeriod(tool.description()));
            if (tool.custom()) total += quarter(jsonLength(tool.customFormat()));
            JsonNode schema = tool.parameters();
            if (schema != null && schema.isObject()) total += parameters(schema);
            return total;
        }

        private long parameters(JsonNode schema) {
            tokens = 0;
            mode = TOP;
            schema.forEachEntry(this); // the top-level keys other than the frame's, as their JSON
            long total = tokens;
            JsonNode props = schema.get("properties");
            if (props == null || !props.isObject() || props.isEmpty()) return total;
            tokens = 0;
            mode = PROPERTY;
            props.forEachEntry(this);
            return total + PROP_INIT + tokens;
        }

        @Override
        public void accept(String key, JsonNode value) {
            switch (mode) {
                case TOP -> {
                    if (!key.equals("type") && !key.equals("properties") && !key.equals("required") && !key.equals("additionalProperties")) {
                        tokens += quarter(jsonLength(value));
                    }
                }
                case PROPERTY -> tokens += property(key, value);
                case FLAT -> flat &= key.equals("type") || key.equals("description") || key.equals("enum");
                default -> { // LENGTH
                    if (skipDescribed && (key.equals("description") || key.equals("enum"))) return;
                    acc += quotedLength(key) + 1 + jsonLength(value);
                    entries++;
                }
            }
        }

        private long property(String key, JsonNode p) {
            long total = PROP_KEY;
            JsonNode values = p.get("enum");
            if (values != null && values.isArray()) {
                total += ENUM_INIT;
                for (int i = 0, n = values.size(); i < n; i++) {
                    JsonNode v = values.get(i);
                    total += ENUM_ITEM + quarter(v.isTextual() ? v.textValue().length() : jsonLength(v));
                }
            }
            JsonNode description = p.get("description");
            int described = description != null && description.isTextual() ? withoutPeriod(description.textValue()) : 0;
            return total + quarter(key.length() + 1L + typeLength(p) + 1 + described);
        }

        /** The parameter's type as the formula reads it: its {@code type}, or its schema's JSON when it is more than that. */
        private long typeLength(JsonNode p) {
            if (!p.isObject()) return jsonLength(p);
            JsonNode type = p.get("type");
            if (type != null && type.isTextual()) {
                int saved = mode;
                mode = FLAT;
                flat = true;
                p.forEachEntry(this);
                mode = saved;
                if (flat) return type.textValue().length();
            }
            return objectLength(p, true);
        }

        /** The length of {@code n}'s compact JSON, as {@code n.toString()} writes it. */
        long jsonLength(JsonNode n) {
            if (n == null) return 4;
            switch (n.getNodeType()) {
                case OBJECT: return objectLength(n, false);
                case ARRAY: {
                    long len = 2;
                    int size = n.size();
                    for (int i = 0; i < size; i++) len += jsonLength(n.get(i));
                    return len + Math.max(0, size - 1);
                }
                case STRING: return quotedLength(n.textValue());
                case BOOLEAN: return n.booleanValue() ? 4 : 5;
                case NULL: case MISSING: return 4;
                case NUMBER: return n.canConvertToLong() && n.isIntegralNumber() ? digits(n.longValue()) : n.asText().length();
                default: return n.toString().length(); // binary, POJO: not in a parsed schema
            }
        }

        /** An object's compact JSON length; {@code skipDescribed}: without its description and enum entries. */
        private long objectLength(JsonNode n, boolean skip) {
            int savedMode = mode;
            long savedAcc = acc;
            int savedEntries = entries;
            boolean savedSkip = skipDescribed;
            mode = LENGTH;
            acc = 0;
            entries = 0;
            skipDescribed = skip;
            n.forEachEntry(this);
            long len = 2 + acc + Math.max(0, entries - 1);
            mode = savedMode;
            acc = savedAcc;
            entries = savedEntries;
            skipDescribed = savedSkip;
            return len;
        }

        /**
         * A string's length as a JSON string: its quotes and its characters. Jackson's escapes ({@code \"}, a backslash,
         * control characters) are not counted: scanning every character to find them took a third of the count's time,
         * for a character or two of a regex {@code pattern} (a token at most, where the rounding of each line is more).
         */
        private static long quotedLength(String s) { return 2L + s.length(); }

        private static int digits(long v) {
            if (v == Long.MIN_VALUE) return 20;
            int d = v < 0 ? 2 : 1;
            long a = Math.abs(v);
            while (a >= 10) {
                a /= 10;
                d++;
            }
            return d;
        }
    }
}
