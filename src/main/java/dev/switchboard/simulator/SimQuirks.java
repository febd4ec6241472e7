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
            "service_tier", "logit_bias", "top_logprobs", "logprobs", "modalities", "audio", "prediction", "metadata", "user");
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
