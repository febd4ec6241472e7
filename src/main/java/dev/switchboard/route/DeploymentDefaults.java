package dev.switchboard.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.Deployment;
import dev.switchboard.config.LiteLlmKeys;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.ResponseFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deployment's request parameters from {@code litellm_params} ({@code temperature}, {@code top_p}, {@code seed},
 * {@code stop}, {@code reasoning_effort}, {@code thinking}, …), applied as LiteLLM applies them: defaults of every
 * call to that deployment, each overridden by the request's own value. Applied per attempt, so two deployments of one
 * model group keep their own defaults, and a fallback does not carry the first deployment's.
 */
final class DeploymentDefaults {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeploymentDefaults() {}

    static ChatRequest apply(ChatRequest r, Deployment d) {
        Map<String, Object> p = d.params();
        boolean any = false;
        for (String k : LiteLlmKeys.REQUEST_DEFAULTS) {
            if (p.containsKey(k)) { any = true; break; }
        }
        any |= p.containsKey("safety_settings"); // Gemini's and Vertex's only (DeploymentReader keeps it for them alone)
        // a Responses body passed through to OpenAI also takes max_tokens (which the chat encoders apply themselves)
        boolean responses = r.raw() != null && r.raw().is(RawJson.OPENAI_RESPONSES) && ResponsesDefaults.any(d);
        if (!any && !responses) return r;
        Double temperature = r.temperature() != null ? r.temperature() : number(p.get("temperature"));
        Double topP = r.topP() != null ? r.topP() : number(p.get("top_p"));
        Long seed = r.seed() != null ? r.seed() : p.get("seed") instanceof Number n ? (Long) n.longValue() : null;
        List<String> stop = !r.stop().isEmpty() ? r.stop() : strings(p.get("stop"));
        Integer maxCompletion = r.maxCompletionTokens() != null || r.maxTokens() != null ? r.maxCompletionTokens()
                : p.get("max_completion_tokens") instanceof Number n ? (Integer) n.intValue() : null;
        String user = r.user() != null ? r.user() : p.get("user") instanceof String s ? s : null;
        Boolean parallel = r.parallelToolCalls() != null ? r.parallelToolCalls()
                : p.get("parallel_tool_calls") instanceof Boolean b ? b : null;
        ResponseFormat format = r.responseFormat() != null ? r.responseFormat() : responseFormat(p.get("response_format"));

        Map<String, JsonNode> extra = new LinkedHashMap<>(r.extra());
        for (String k : List.of("presence_penalty", "frequency_penalty", "n", "logit_bias", "reasoning_effort", "thinking",
                "top_k", "logprobs", "top_logprobs", "verbosity", "safety_settings")) {
            if (p.containsKey(k) && !extra.containsKey(k)) extra.put(k, JSON.valueToTree(p.get(k)));
        }
        if (p.get("extra_body") instanceof Map<?, ?> body) {
            body.forEach((k, v) -> extra.putIfAbsent(k.toString(), JSON.valueToTree(v)));
        }
        // LiteLLM's "disable" as a deployment's default is its "none", as a client's is (OpenAiRanges.disableAsNone)
        JsonNode effort = extra.get("reasoning_effort");
        if (effort != null && effort.isTextual() && effort.textValue().equals("disable")) {
            extra.put("reasoning_effort", JSON.getNodeFactory().textNode("none"));
        }
        RawJson raw = raw(r.raw(), d);
        return new ChatRequest(r.model(), r.messages(), r.tools(), r.toolChoice(), parallel, format, temperature, topP,
                r.maxTokens(), maxCompletion, stop, seed, user, r.metadata(), r.stream(), r.includeUsage(), extra, raw);
    }

    /**
     * A request passed through in its own dialect (Anthropic to Anthropic, Responses to OpenAI's Responses API) gets the
     * defaults in that dialect's names ({@link ResponsesDefaults} for the Responses API).
     */
    private static RawJson raw(RawJson raw, Deployment d) {
        if (raw == null || !(raw.body() instanceof ObjectNode body)) return raw;
        ObjectNode copy = body.deepCopy();
        if (raw.is(RawJson.OPENAI_RESPONSES)) return new RawJson(raw.dialect(), ResponsesDefaults.apply(copy, d), raw.headers());
        Map<String, Object> p = d.params();
        Map<String, String> names = raw.is(RawJson.ANTHROPIC)
                ? Map.of("temperature", "temperature", "top_p", "top_p", "top_k", "top_k", "thinking", "thinking",
                        "stop", "stop_sequences")
                : Map.of("temperature", "temperature", "top_p", "top_p");
        names.forEach((ours, theirs) -> {
            if (!p.containsKey(ours) || copy.has(theirs)) return;
            Object v = ours.equals("stop") ? strings(p.get("stop")) : p.get(ours);
            copy.set(theirs, JSON.valueToTree(v));
        });
        return new RawJson(raw.dialect(), copy, raw.headers());
    }

    private static Double number(Object v) {
        return v instanceof Number n ? n.doubleValue() : null;
    }

    /** {@code stop} is a string or a list of them, in LiteLLM as in OpenAI's API. */
    private static List<String> strings(Object v) {
        if (v instanceof String s) return List.of(s);
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object o : l) out.add(String.valueOf(o));
            return out;
        }
        return List.of();
    }

    private static ResponseFormat responseFormat(Object v) {
        if (!(v instanceof Map<?, ?> m) || m.get("type") == null) return null;
        Object schema = m.get("json_schema");
        return new ResponseFormat(m.get("type").toString(), schema == null ? null : JSON.valueToTree(schema));
    }
}
