package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The prompt tokens a request's tool definitions add, as OpenAI counts them (the OpenAI cookbook, "How to count tokens
 * with tiktoken", {@code num_tokens_for_tools}, gpt-4o's constants): OpenAI renders each function into the prompt as a
 * TypeScript-like namespace, so a tool costs 7 tokens of framing plus its {@code name:description} line; a tool with
 * parameters 3 more, and each parameter 3 plus its {@code name:type:description} line, and an enum its values at 3 tokens
 * each plus the value's own (minus 3 for the enum as a whole); the tool list as a whole 12. A description loses one
 * trailing period. Text is counted as everywhere in the simulator, a token per four characters.
 *
 * <p>Beyond the cookbook, which covers flat parameters: a parameter whose schema is more than a type, a description and
 * an enum (a nested object, an array's items, a union) counts its schema's JSON (less its description) as its type, and
 * a top-level schema key other than {@code type}, {@code properties}, {@code required}, {@code additionalProperties}
 * ({@code $defs}, {@code anyOf}) counts as its JSON, since the model reads those too. A custom (free-form) tool counts
 * its framing and name:description line.
 *
 * <p>The gateway's tpm estimate counts the same way (account.ToolTokens), written separately because the simulator
 * stands alone (DESIGN.md's dependency rule).
 */
final class SimToolTokens {
    static final int FUNC_INIT = 7;
    static final int PROP_INIT = 3;
    static final int PROP_KEY = 3;
    static final int ENUM_INIT = -3;
    static final int ENUM_ITEM = 3;
    static final int FUNC_END = 12;

    private static final Set<String> FLAT = Set.of("type", "description", "enum");
    private static final Set<String> FRAME_KEYS = Set.of("type", "properties", "required", "additionalProperties");

    private SimToolTokens() {}

    /** Tokens of the tool list ({@code tools} of a chat request, functions and custom tools); 0 for none. */
    static int of(JsonArray tools) {
        if (tools == null || tools.isEmpty()) return 0;
        int total = FUNC_END;
        for (Object o : tools) {
            if (!(o instanceof JsonObject tool)) continue;
            JsonObject def = tool.getJsonObject("custom".equals(tool.getString("type")) ? "custom" : "function", new JsonObject());
            total += FUNC_INIT + SimReply.tokens(def.getString("name", "") + ":" + withoutPeriod(def.getValue("description")));
            if (def.getValue("parameters") instanceof JsonObject schema) total += parameters(schema);
        }
        return total;
    }

    private static int parameters(JsonObject schema) {
        int total = 0;
        for (String key : schema.fieldNames()) {
            if (!FRAME_KEYS.contains(key)) total += SimReply.tokens(String.valueOf(schema.getValue(key)));
        }
        if (!(schema.getValue("properties") instanceof JsonObject props) || props.isEmpty()) return total;
        total += PROP_INIT;
        for (String name : props.fieldNames()) {
            total += PROP_KEY;
            JsonObject p = props.getValue(name) instanceof JsonObject o ? o : new JsonObject();
            if (p.getValue("enum") instanceof JsonArray values) {
                total += ENUM_INIT;
                for (Object v : values) total += ENUM_ITEM + SimReply.tokens(String.valueOf(v));
            }
            total += SimReply.tokens(name + ":" + type(p) + ":" + withoutPeriod(p.getValue("description")));
        }
        return total;
    }

    /** The parameter's type as the count reads it: its {@code type}, or its schema's JSON when it is more than that. */
    private static String type(JsonObject p) {
        boolean flat = p.getValue("type") instanceof String && FLAT.containsAll(p.fieldNames());
        if (flat) return p.getString("type");
        JsonObject rest = p.copy();
        rest.remove("description");
        rest.remove("enum");
        return rest.encode();
    }

    private static String withoutPeriod(Object description) {
        String d = description instanceof String s ? s : "";
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }
}
