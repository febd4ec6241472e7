package dev.switchboard.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The SSE event sequence OpenAI sends for a reply: role, content or tool-call pieces, finish, usage, [DONE]. */
final class SimChunks {
    /** Models whose name starts so answer with a refusal ({@code message.refusal}, no content), as OpenAI's do. */
    static final String REFUSER = "refuser-";
    static final String REFUSAL = "I'm sorry, but I can't help with that.";

    private SimChunks() {}

    /**
     * @param cachedTokens prompt tokens served from the (simulated) prompt cache
     * @param predicted    whether the request sent a Predicted Output ({@code prediction})
     */
    static List<String> of(SimReply reply, String id, long created, String model, boolean includeUsage, int cachedTokens,
                           boolean predicted) {
        List<String> events = new ArrayList<>();
        if (model.startsWith(REFUSER)) { // a refusal, streamed as OpenAI streams one: refusal pieces, no content
            events.add(chunk(id, created, model, new JsonObject().put("role", "assistant").putNull("content").put("refusal", ""), null, includeUsage));
            for (String piece : REFUSAL.split("(?<= )")) events.add(chunk(id, created, model, new JsonObject().put("refusal", piece), null, includeUsage));
            events.add(chunk(id, created, model, new JsonObject(), "stop", includeUsage));
            if (includeUsage) {
                events.add(base(id, created, model).put("choices", new JsonArray()).put("usage", usage(reply, cachedTokens, predicted)).encode());
            }
            events.add("[DONE]");
            return events;
        }
        if (reply.toolName() != null && model.startsWith("parallel-")) {
            parallelCalls(events, reply, id, created, model, includeUsage);
        } else {
            oneCallOrText(events, reply, id, created, model, includeUsage);
        }
        events.add(chunk(id, created, model, new JsonObject(), reply.toolName() != null ? "tool_calls" : reply.truncated() ? "length" : "stop", includeUsage));
        if (includeUsage) {
            events.add(base(id, created, model).put("choices", new JsonArray()).put("usage", usage(reply, cachedTokens, predicted)).encode());
        }
        events.add("[DONE]");
        return events;
    }

    /**
     * Two parallel calls of the asked tool (ids call_sim001 and call_sim002), streamed as OpenAI-compatible servers
     * other than OpenAI have been seen to: {@code parallel-interleaved-*} models alternate the two calls' pieces by
     * {@code index}; {@code parallel-noindex-*} models send each call whole in its own chunk without {@code index}.
     */
    private static void parallelCalls(List<String> events, SimReply reply, String id, long created, String model, boolean includeUsage) {
        events.add(chunk(id, created, model, new JsonObject().put("role", "assistant").putNull("content").putNull("refusal"), null, includeUsage));
        String args = reply.toolArguments();
        if (model.startsWith("parallel-noindex-")) {
            for (int call = 1; call <= 2; call++) {
                JsonObject c = new JsonObject().put("id", "call_sim00" + call).put("type", "function")
                        .put("function", new JsonObject().put("name", reply.toolName()).put("arguments", args));
                events.add(chunk(id, created, model, new JsonObject().put("tool_calls", new JsonArray().add(c)), null, includeUsage));
            }
            return;
        }
        for (int i = -8; i < args.length(); i += 8) {
            for (int call = 0; call < 2; call++) {
                JsonObject c = new JsonObject().put("index", call);
                JsonObject fn = new JsonObject();
                if (i < 0) {
                    c.put("id", "call_sim00" + (call + 1)).put("type", "function");
                    fn.put("name", reply.toolName()).put("arguments", "");
                } else {
                    fn.put("arguments", args.substring(i, Math.min(args.length(), i + 8)));
                }
                events.add(chunk(id, created, model, new JsonObject().put("tool_calls", new JsonArray().add(c.put("function", fn))), null, includeUsage));
            }
        }
    }

    private static void oneCallOrText(List<String> events, SimReply reply, String id, long created, String model, boolean includeUsage) {
        JsonObject first = new JsonObject().put("role", "assistant").put("content", reply.toolName() == null ? "" : null).putNull("refusal");
        if (reply.toolName() != null) {
            first.put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0).put("id", "call_sim001")
                    .put("type", "function").put("function", new JsonObject().put("name", reply.toolName()).put("arguments", ""))));
        }
        events.add(chunk(id, created, model, first, null, includeUsage));
        if (reply.toolName() != null) {
            String args = reply.toolArguments();
            // DeepSeek-style servers (also Qwen, Fireworks) repeat the call's id, type and name on every piece.
            boolean repeatsIds = model.startsWith("deepseek");
            for (int i = 0; i < args.length(); i += 8) {
                JsonObject call = new JsonObject().put("index", 0);
                if (repeatsIds) call.put("id", "call_sim001").put("type", "function");
                JsonObject fn = new JsonObject().put("arguments", args.substring(i, Math.min(args.length(), i + 8)));
                if (repeatsIds) fn.put("name", reply.toolName());
                JsonObject d = new JsonObject().put("tool_calls", new JsonArray().add(call.put("function", fn)));
                events.add(chunk(id, created, model, d, null, includeUsage));
            }
        } else {
            for (String piece : reply.text().split("(?<= )")) {
                events.add(chunk(id, created, model, new JsonObject().put("content", piece), null, includeUsage));
            }
            JsonArray annotations = annotations(model, reply.text());
            if (!annotations.isEmpty()) {
                events.add(chunk(id, created, model, new JsonObject().put("annotations", annotations), null, includeUsage));
            }
        }
    }

    private static String chunk(String id, long created, String model, JsonObject delta, String finish, boolean includeUsage) {
        JsonObject c = base(id, created, model).put("choices", new JsonArray().add(new JsonObject()
                .put("index", 0).put("delta", delta).putNull("logprobs").put("finish_reason", finish)));
        if (includeUsage) c.putNull("usage");
        return c.encode();
    }

    private static JsonObject base(String id, long created, String model) {
        return new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                .put("model", model).put("service_tier", "default").put("system_fingerprint", "fp_sim0001");
    }

    /** With a Predicted Output, OpenAI reports how many predicted tokens it accepted and rejected. */
    static JsonObject usage(SimReply r, int cachedTokens, boolean predicted) {
        int prompt = Math.max(r.promptTokens(), cachedTokens + 4);
        int accepted = predicted ? r.completionTokens() / 2 : 0;
        int rejected = predicted ? 1 : 0;
        return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", r.completionTokens())
                .put("total_tokens", prompt + r.completionTokens())
                .put("prompt_tokens_details", new JsonObject().put("cached_tokens", cachedTokens).put("audio_tokens", 0))
                .put("completion_tokens_details", new JsonObject().put("reasoning_tokens", 0).put("audio_tokens", 0)
                        .put("accepted_prediction_tokens", accepted).put("rejected_prediction_tokens", rejected));
    }

    /** Search models (gpt-4o-search-preview and the like) cite their sources as url_citation annotations. */
    static JsonArray annotations(String model, String text) {
        if (!model.contains("search") || text == null || text.isEmpty()) return new JsonArray();
        return new JsonArray().add(new JsonObject().put("type", "url_citation").put("url_citation", new JsonObject()
                .put("start_index", 0).put("end_index", text.length()).put("url", "https://example.com/simulated-source")
                .put("title", "Simulated source")));
    }
}
