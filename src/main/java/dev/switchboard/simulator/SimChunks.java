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
     * A stream rewritten chunk by chunk: each JSON chunk becomes what {@code rewrite} makes of it (one event or several),
     * {@code [DONE]} and any other non-JSON event stay as they are. One loop for the features that reshape a stream
     * ({@code n} choices, log probabilities).
     */
    static List<String> rewrite(List<String> events, java.util.function.Function<JsonObject, List<String>> rewrite) {
        List<String> out = new ArrayList<>(events.size());
        for (String e : events) {
            if (e.startsWith("{")) out.addAll(rewrite.apply(new JsonObject(e)));
            else out.add(e);
        }
        return out;
    }

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
        if (reply.toolName() != null && model.startsWith("parallel-") && !reply.customTool()) {
            parallelCalls(events, reply, id, created, model, includeUsage);
        } else {
            oneCallOrText(events, reply, id, created, model, includeUsage);
        }
        events.add(chunk(id, created, model, new JsonObject(), reply.truncated() ? "length" : reply.toolName() != null ? "tool_calls" : "stop", includeUsage));
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
                    fn.put("arguments", SimChunks.piece(args, i));
                }
                events.add(chunk(id, created, model, new JsonObject().put("tool_calls", new JsonArray().add(c.put("function", fn))), null, includeUsage));
            }
        }
    }

    /**
     * The 8 characters of {@code s} from {@code i}, one fewer or more where that would cut a character outside the BMP in
     * two (a streamed piece is always whole characters). Callers step by 8 from a piece's start: a piece that took one
     * more character leaves the next one starting on its low surrogate, so a piece never starts on one either.
     */
    static String piece(String s, int i) {
        int from = i > 0 && Character.isLowSurrogate(s.charAt(i)) ? i + 1 : i;
        int to = Math.min(s.length(), i + 8);
        if (to < s.length() && Character.isLowSurrogate(s.charAt(to))) to++;
        return from >= to ? "" : s.substring(from, to);
    }

    /**
     * A whole tool call, as a chat completion's message holds it: a function's name and JSON arguments, or a custom
     * tool's name and input text ({@code {"type":"custom","custom":{"name","input"}}}).
     */
    static JsonObject toolCall(SimReply reply, String callId) {
        String kind = reply.customTool() ? "custom" : "function";
        return new JsonObject().put("id", callId).put("type", kind).put(kind, new JsonObject().put("name", reply.toolName())
                .put(reply.customTool() ? "input" : "arguments", reply.toolArguments()));
    }

    /**
     * A custom tool's call streamed as OpenAI does (its published chunk schema has only functions; the pieces are seen
     * as {@code {"index","id","type":"custom","custom":{"name","input"}}}, then {@code {"index","custom":{"input"}}}).
     */
    private static void customCall(List<String> events, SimReply reply, String id, long created, String model, boolean includeUsage) {
        String input = reply.toolArguments();
        JsonObject first = new JsonObject().put("role", "assistant").putNull("content").putNull("refusal").put("tool_calls",
                new JsonArray().add(new JsonObject().put("index", 0).put("id", "call_sim001").put("type", "custom")
                        .put("custom", new JsonObject().put("name", reply.toolName()).put("input", ""))));
        events.add(chunk(id, created, model, first, null, includeUsage));
        for (int i = 0; i < input.length(); i += 8) {
            JsonObject piece = new JsonObject().put("index", 0)
                    .put("custom", new JsonObject().put("input", SimChunks.piece(input, i)));
            events.add(chunk(id, created, model, new JsonObject().put("tool_calls", new JsonArray().add(piece)), null, includeUsage));
        }
    }

    /**
     * The id of the simulated model's one tool call: OpenAI's shape ({@code call_sim001}), or for {@code kimi-*} models the
     * shape Kimi K2 on vLLM and Moonshot's API give ({@code functions.<name>:<index>}), which Anthropic's tool_use ids
     * ({@code ^[a-zA-Z0-9_-]+$}) do not allow.
     */
    static String callId(String model, SimReply reply) {
        return model.startsWith("kimi-") ? "functions." + reply.toolName() + ":0" : "call_sim001";
    }

    private static void oneCallOrText(List<String> events, SimReply reply, String id, long created, String model, boolean includeUsage) {
        if (reply.customTool()) {
            customCall(events, reply, id, created, model, includeUsage);
            return;
        }
        JsonObject first = new JsonObject().put("role", "assistant").put("content", reply.toolName() == null ? "" : null).putNull("refusal");
        if (reply.toolName() != null) {
            first.put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0).put("id", callId(model, reply))
                    .put("type", "function").put("function", new JsonObject().put("name", reply.toolName()).put("arguments", ""))));
        }
        events.add(chunk(id, created, model, first, null, includeUsage));
        if (reply.toolName() != null) {
            String args = reply.toolArguments();
            // DeepSeek-style servers (also Qwen, Fireworks) repeat the call's id, type and name on every piece.
            boolean repeatsIds = model.startsWith("deepseek");
            for (int i = 0; i < args.length(); i += 8) {
                JsonObject call = new JsonObject().put("index", 0);
                if (repeatsIds) call.put("id", callId(model, reply)).put("type", "function");
                JsonObject fn = new JsonObject().put("arguments", SimChunks.piece(args, i));
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

    /**
     * Perplexity's search models ({@code sonar…}) answer with top-level fields OpenAI has not: {@code citations} (the
     * sources' URLs) and {@code search_results}, on the whole answer and on every stream chunk; null for other models.
     */
    static JsonObject searchFields(String model) {
        if (!model.startsWith("sonar")) return null;
        return new JsonObject().put("citations", new JsonArray().add("https://example.com/simulated-source"))
                .put("search_results", new JsonArray().add(new JsonObject().put("title", "Simulated source")
                        .put("url", "https://example.com/simulated-source").put("date", "2025-01-01")));
    }

    /** The events with {@link #searchFields} on every chunk (not on {@code [DONE]}). */
    static List<String> withSearchFields(String model, List<String> events) {
        JsonObject fields = searchFields(model);
        if (fields == null) return events;
        List<String> out = new ArrayList<>(events.size());
        for (String e : events) out.add(e.startsWith("{") ? new JsonObject(e).mergeIn(fields).encode() : e);
        return out;
    }

    /** Search models (gpt-4o-search-preview and the like) cite their sources as url_citation annotations. */
    static JsonArray annotations(String model, String text) {
        if (!model.contains("search") || text == null || text.isEmpty()) return new JsonArray();
        return new JsonArray().add(new JsonObject().put("type", "url_citation").put("url_citation", new JsonObject()
                .put("start_index", 0).put("end_index", text.length()).put("url", "https://example.com/simulated-source")
                .put("title", "Simulated source")));
    }
}
