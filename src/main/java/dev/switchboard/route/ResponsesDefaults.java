package dev.switchboard.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.Deployment;
import java.util.Map;

/**
 * A deployment's request defaults ({@link DeploymentDefaults}) on a Responses-API body passed through to OpenAI's own
 * {@code /responses}, in that API's names, each only where the client's body has none (LiteLLM's rule: the request's
 * own value wins): {@code max_completion_tokens}, else the deployment's {@code max_tokens}, as {@code max_output_tokens}
 * (the limit the budget reserves for, as on the chat route); {@code reasoning_effort} as {@code reasoning.effort};
 * {@code verbosity} as {@code text.verbosity}; {@code response_format} as {@code text.format} (a {@code json_schema}'s
 * members one level up, as the Responses API has them); {@code logprobs: true} as the {@code include} entry
 * {@code message.output_text.logprobs}; {@code temperature}, {@code top_p}, {@code user}, {@code parallel_tool_calls},
 * {@code top_logprobs} and {@code extra_body}'s members as they are. {@code seed}, {@code stop}, {@code n},
 * {@code presence_penalty}, {@code frequency_penalty}, {@code logit_bias}, {@code top_k} and {@code thinking} have no
 * Responses-API field (OpenAI refuses an unknown one), so they are not sent there.
 */
final class ResponsesDefaults {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Deployment parameters copied under the same name. */
    private static final java.util.List<String> SAME_NAME = java.util.List.of("temperature", "top_p", "user",
            "parallel_tool_calls", "top_logprobs");
    /** Deployment parameters that {@link #apply} writes under the Responses API's own names (a list made once, not per call). */
    private static final java.util.List<String> RENAMED = java.util.List.of("max_completion_tokens", "reasoning_effort", "verbosity",
            "response_format", "logprobs", "extra_body");

    /** The least {@code max_output_tokens} OpenAI's Responses API takes (the gateway's own decoder refuses less too). */
    static final int LEAST_OUTPUT_TOKENS = 16;

    private ResponsesDefaults() {}

    /** Whether {@code d} has any default a Responses body can carry (else the body is left as the client wrote it). */
    static boolean any(Deployment d) {
        if (d.maxTokens() != null) return true;
        for (String k : RENAMED) if (d.params().containsKey(k)) return true;
        for (String k : SAME_NAME) if (d.params().containsKey(k)) return true;
        return false;
    }

    /** {@code body} (a copy the caller owns) with the deployment's defaults where it has none of its own. */
    static ObjectNode apply(ObjectNode body, Deployment d) {
        Map<String, Object> p = d.params();
        for (String k : SAME_NAME) {
            if (p.containsKey(k) && !body.has(k)) body.set(k, JSON.valueToTree(p.get(k)));
        }
        Integer limit = p.get("max_completion_tokens") instanceof Number n ? (Integer) n.intValue() : d.maxTokens();
        // OpenAI's /responses refuses a max_output_tokens below 16 (400 integer_below_min_value), where its chat route
        // takes any: a chat model's small default is sent as that least value, not as a request the provider refuses
        if (limit != null && !body.has("max_output_tokens")) body.put("max_output_tokens", Math.max(LEAST_OUTPUT_TOKENS, limit));
        // LiteLLM's "default" is the model's own effort, which no effort sent gives (OpenAI refuses the word)
        if (p.get("reasoning_effort") instanceof String effort && !effort.equals("default")) {
            ObjectNode reasoning = object(body, "reasoning");
            // LiteLLM's "disable" (no reasoning) is OpenAI's "none", which OpenAI's Responses API takes
            if (reasoning != null && !reasoning.has("effort")) reasoning.put("effort", effort.equals("disable") ? "none" : effort);
        }
        if (p.get("verbosity") instanceof String verbosity) {
            ObjectNode text = object(body, "text");
            if (text != null && !text.has("verbosity")) text.put("verbosity", verbosity);
        }
        JsonNode format = format(p.get("response_format"));
        if (format != null) {
            ObjectNode text = object(body, "text");
            if (text != null && !text.has("format")) text.set("format", format);
        }
        if (Boolean.TRUE.equals(p.get("logprobs"))) {
            JsonNode include = body.get("include");
            if (include == null || include.isNull()) include = body.putArray("include");
            if (include instanceof ArrayNode a && !contains(a, "message.output_text.logprobs")) a.add("message.output_text.logprobs");
        }
        if (p.get("extra_body") instanceof Map<?, ?> extra) {
            extra.forEach((k, v) -> {
                if (!body.has(k.toString())) body.set(k.toString(), JSON.valueToTree(v));
            });
        }
        return body;
    }

    /** The member {@code name} as an object, made when absent; null when the client set it to something else. */
    private static ObjectNode object(ObjectNode body, String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) return body.putObject(name);
        return n instanceof ObjectNode o ? o : null;
    }

    /** Chat's {@code response_format} as the Responses API's {@code text.format}, or null when it is not one. */
    private static JsonNode format(Object v) {
        if (!(v instanceof Map<?, ?> m) || !(m.get("type") instanceof String type)) return null;
        ObjectNode f = JSON.createObjectNode().put("type", type);
        if (type.equals("json_schema") && m.get("json_schema") instanceof Map<?, ?> schema) {
            schema.forEach((k, x) -> f.set(k.toString(), JSON.valueToTree(x))); // name, schema, strict, description
        }
        return f;
    }

    private static boolean contains(ArrayNode a, String s) {
        for (JsonNode n : a) if (s.equals(n.asText())) return true;
        return false;
    }
}
