package dev.switchboard.simulator;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * OpenAI-compatible services that are not quite OpenAI, played on {@code /quirks/<service>/v1/…}: the same chat
 * answers, but the request checks and stream shape of that service, as its docs and its users' reports give them.
 * A service not named here behaves as OpenAI.
 */
final class SimQuirks {
    private SimQuirks() {}

    /** Mistral's API (and Codestral's) forbids fields it does not model: pydantic's extra_forbidden, a 422. */
    private static final Set<String> MISTRAL = Set.of("mistral", "mistralai", "codestral");
    private static final Set<String> MISTRAL_FORBIDS = Set.of("max_completion_tokens", "stream_options", "store",
            "service_tier", "logit_bias", "top_logprobs", "logprobs", "modalities", "audio", "prediction", "metadata", "user", "seed");
    /** The fields Mistral's message schema has for each role; any other is extra_forbidden too. */
    private static final java.util.Map<String, Set<String>> MISTRAL_MESSAGE = java.util.Map.of(
            "system", Set.of("role", "content"), "user", Set.of("role", "content"),
            "assistant", Set.of("role", "content", "tool_calls", "prefix"), "tool", Set.of("role", "content", "tool_call_id", "name"));
    /** Mistral's tool-call ids: exactly nine letters and digits. */
    private static final java.util.regex.Pattern MISTRAL_ID = java.util.regex.Pattern.compile("[a-zA-Z0-9]{9}");
    /** The parameters Cohere's Compatibility API documents as unsupported. */
    private static final Set<String> COHERE_UNSUPPORTED = Set.of("parallel_tool_calls", "n", "logit_bias", "top_logprobs",
            "modalities", "audio", "prediction", "service_tier", "store", "max_completion_tokens");

    /** The path without its {@code /quirks/<service>} prefix. */
    static String path(String path) {
        int i = path.indexOf('/', "/quirks/".length());
        return i < 0 ? "/" : path.substring(i);
    }

    /** The service a {@code /quirks/<service>/…} path names, else null. */
    static String service(String path) {
        if (!path.startsWith("/quirks/")) return null;
        int i = path.indexOf('/', "/quirks/".length());
        return path.substring("/quirks/".length(), i < 0 ? path.length() : i);
    }

    /** @return true when the request was refused (and answered) as the service refuses it */
    static boolean refused(String service, JsonObject body, HttpServerResponse resp) {
        if (service == null) return false;
        if (MISTRAL.contains(service)) {
            for (String f : body.fieldNames()) {
                if (MISTRAL_FORBIDS.contains(f)) {
                    Object input = body.getValue(f);
                    JsonObject detail = new JsonObject().put("type", "extra_forbidden").put("loc", new JsonArray().add("body").add(f))
                            .put("msg", "Extra inputs are not permitted").put("input", input);
                    answer(resp, 422, new JsonObject().put("object", "error")
                            .put("message", new JsonObject().put("detail", new JsonArray().add(detail)))
                            .put("type", "invalid_request_error").putNull("param").putNull("code"));
                    return true;
                }
            }
            String effort = mistralEffort(body);
            if (effort != null) {
                answer(resp, 400, new JsonObject().put("object", "error").put("message", effort)
                        .put("type", "invalid_request_invalid_args").putNull("param").put("code", "3051").put("raw_status_code", 400));
                return true;
            }
            // Mistral serves a conversation that ends in the user's turn or a tool's result (or an assistant prefix)
            JsonArray all = body.getJsonArray("messages");
            String lastRole = all == null || all.isEmpty() ? null : all.getJsonObject(all.size() - 1).getString("role");
            if ("system".equals(lastRole) || "developer".equals(lastRole)) {
                answer(resp, 400, new JsonObject().put("object", "error").put("message", "Expected last role User or Tool (or "
                        + "Assistant with prefix True) for serving but got " + lastRole).put("type", "invalid_request_message_order")
                        .putNull("param").put("code", "3230"));
                return true;
            }
            String refused = mistralMessages(body.getJsonArray("messages"));
            if (refused != null) {
                answer(resp, refused.startsWith("Tool call id") ? 400 : 422, refused.startsWith("Tool call id")
                        ? new JsonObject().put("object", "error").put("message", refused).put("type", "invalid_request_error")
                                .putNull("param").put("code", "3280")
                        : new JsonObject().put("object", "error").put("message", new JsonObject().put("detail", new JsonArray()
                                .add(new JsonObject().put("type", "extra_forbidden").put("msg", "Extra inputs are not permitted")
                                        .put("loc", new JsonArray(java.util.List.of(refused.split("/")))))))
                                .put("type", "invalid_request_error").putNull("param").putNull("code"));
                return true;
            }
        }
        if (service.equals("openrouter") && OpenRouterSim.refused(body, resp)) return true;
        if (service.equals("deepseek")) {
            String missing = deepSeekMissingReasoning(body);
            if (missing != null) {
                ProviderSimulator.error(resp, 400, missing, "invalid_request_error", null, "invalid_request_error");
                return true;
            }
        }
        if (service.equals("cohere")) {
            for (String f : body.fieldNames()) {
                if (COHERE_UNSUPPORTED.contains(f)) {
                    answer(resp, 400, new JsonObject().put("id", "sim-cohere-error").put("message", "invalid request: '" + f
                            + "' is not supported by the Compatibility API"));
                    return true;
                }
            }
        }
        if (service.equals("perplexity") && body.containsKey("tools")) {
            ProviderSimulator.error(resp, 400, "Tool calling is not supported for this model.", "invalid_request_error", "tools", null);
            return true;
        }
        if (service.equals("zhipu") && body.getValue("tool_choice") != null && !"auto".equals(body.getValue("tool_choice"))) {
            answer(resp, 400, new JsonObject().put("error", new JsonObject().put("code", "1214")
                    .put("message", "tool_choice 参数非法：目前仅支持 auto")));
            return true;
        }
        return false;
    }

    /** Mistral's models with adjustable reasoning (its docs' "Reasoning": mistral-small-latest, mistral-medium-3-5). */
    private static final Set<String> MISTRAL_EFFORT_MODELS = Set.of("mistral-small-latest", "mistral-small-2603",
            "mistral-medium-3-5", "mistral-medium-3.5", "mistral-medium-2604");

    /**
     * Mistral's 400 (code 3051) for a {@code reasoning_effort} it does not take, or null: a value other than its two
     * ({@code none}, {@code high}; its message as Mistral words it), or any on a model without adjustable reasoning
     * (Magistral reasons always, the others not at all).
     */
    private static String mistralEffort(JsonObject body) {
        Object effort = body.getValue("reasoning_effort");
        if (effort == null) return null;
        if (!MISTRAL_EFFORT_MODELS.contains(String.valueOf(body.getValue("model")))) {
            return "Reasoning effort is not enabled for this model";
        }
        if ("none".equals(effort) || "high".equals(effort)) return null;
        return "reasoning_effort='" + effort + "' is not supported for this model. Must be one of "
                + "(<ReasoningEffort.none: 'none'>, <ReasoningEffort.high: 'high'>)";
    }

    /**
     * What Mistral refuses in the messages, or null: a field its message schema lacks (as {@code body/messages/i/role/field},
     * the 422's loc) or a tool-call id that is not nine letters and digits (its 400's message).
     */
    private static String mistralMessages(JsonArray messages) {
        if (messages == null) return null;
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = messages.getJsonObject(i);
            String role = m.getString("role");
            for (String f : m.fieldNames()) {
                if (!MISTRAL_MESSAGE.getOrDefault(role, Set.of()).contains(f)) return "body/messages/" + i + "/" + role + "/" + f;
            }
            List<String> ids = new ArrayList<>();
            if (m.getValue("tool_call_id") instanceof String id) ids.add(id);
            JsonArray calls = m.getJsonArray("tool_calls");
            if (calls != null) for (int j = 0; j < calls.size(); j++) ids.add(calls.getJsonObject(j).getString("id"));
            for (String id : ids) {
                if (id == null || !MISTRAL_ID.matcher(id).matches()) {
                    return "Tool call id was " + id + " but must be a-z, A-Z, 0-9, with a length of 9.";
                }
            }
        }
        return null;
    }

    /**
     * DeepSeek's thinking mode (deepseek-reasoner, or {@code thinking: {type: enabled}}): an assistant turn that called
     * tools must carry its reasoning_content back, else its 400 naming the message; null when the request is fine.
     */
    private static String deepSeekMissingReasoning(JsonObject body) {
        JsonObject thinking = body.getJsonObject("thinking");
        boolean thinkingMode = String.valueOf(body.getString("model")).contains("reasoner")
                || thinking != null && "enabled".equals(thinking.getString("type"));
        JsonArray messages = body.getJsonArray("messages");
        if (!thinkingMode || messages == null) return null;
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = messages.getJsonObject(i);
            if ("assistant".equals(m.getString("role")) && m.getJsonArray("tool_calls") != null && !m.containsKey("reasoning_content")) {
                return "Missing `reasoning_content` field in the assistant message at message index " + i;
            }
        }
        return null;
    }

    /** Mistral reports usage unasked, on the stream's last chunk (the one with finish_reason), not a chunk of its own. */
    static boolean usageUnasked(String service) { return service != null && MISTRAL.contains(service); }

    /** OpenAI's events with a usage chunk → Mistral's: the usage moved onto the finish chunk. */
    static List<String> usageOnLastChunk(List<String> events) {
        List<String> out = new ArrayList<>(events);
        for (int i = out.size() - 1; i > 0; i--) {
            if (out.get(i).startsWith("[DONE]") || !out.get(i).startsWith("{")) continue;
            JsonObject usageChunk = new JsonObject(out.get(i));
            if (usageChunk.getJsonArray("choices").isEmpty() && usageChunk.getJsonObject("usage") != null) {
                JsonObject finish = new JsonObject(out.get(i - 1)).put("usage", usageChunk.getJsonObject("usage"));
                out.set(i - 1, finish.encode());
                out.remove(i);
                for (int j = 0; j < i - 1; j++) {
                    JsonObject c = new JsonObject(out.get(j));
                    c.remove("usage");
                    out.set(j, c.encode());
                }
            }
            break;
        }
        return out;
    }

    private static void answer(HttpServerResponse resp, int status, JsonObject body) {
        resp.setStatusCode(status).putHeader("content-type", "application/json").end(body.toBuffer());
    }
}
