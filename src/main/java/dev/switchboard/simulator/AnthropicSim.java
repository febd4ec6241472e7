package dev.switchboard.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Anthropic's Messages API as the simulator speaks it: {@code x-api-key} and {@code anthropic-version}
 * required, {@code max_tokens} required, the exact SSE event sequence, Anthropic's error shape and 529
 * overloaded, and cache-token accounting (a breakpointed prefix of 1024+ tokens is written, then read).
 */
final class AnthropicSim {
    /** Claude's words for a prompt that fits its window only without the request's max_tokens. */
    static final String CONTEXT_LIMIT_MESSAGE = "input length and `max_tokens` exceed context limit: 197626 + 8192 > 200000, "
            + "decrease input length or `max_tokens` and try again";
    private final Vertx vertx;
    private final SimPromptCache cache;
    private final AtomicInteger cancelled;
    private final AtomicInteger completed;

    AnthropicSim(Vertx vertx, SimPromptCache cache, AtomicInteger cancelled, AtomicInteger completed) {
        this.vertx = vertx;
        this.cache = cache;
        this.cancelled = cancelled;
        this.completed = completed;
    }

    /** @return the parsed body when the request passed the API's checks (the caller records it), else null */
    JsonObject admit(HttpServerRequest req, io.vertx.core.buffer.Buffer body, String requiredKey) {
        HttpServerResponse resp = req.response();
        String key = req.getHeader("x-api-key");
        if (key == null || key.isEmpty()) {
            error(resp, 401, "authentication_error", "x-api-key header is required");
            return null;
        }
        if (requiredKey != null && !requiredKey.equals(key)) {
            error(resp, 401, "authentication_error", "invalid x-api-key");
            return null;
        }
        if (req.getHeader("anthropic-version") == null) {
            error(resp, 400, "invalid_request_error", "anthropic-version: header is required");
            return null;
        }
        try {
            return body.toJsonObject();
        } catch (RuntimeException e) {
            error(resp, 400, "invalid_request_error", "There was an issue with your request body: invalid JSON");
            return null;
        }
    }

    void messages(HttpServerResponse resp, JsonObject req, SimBehaviour behaviour) {
        messages(resp, req, behaviour, null);
    }

    /** @param betaHeader the request's {@code anthropic-beta} header, null when absent */
    void messages(HttpServerResponse resp, JsonObject req, SimBehaviour behaviour, String betaHeader) {
        if (behaviour.status() != 0) {
            fault(resp, behaviour);
            return;
        }
        String invalid = validate(req, betaHeader);
        if (invalid != null) {
            error(resp, 400, "invalid_request_error", invalid);
            return;
        }
        SimReply reply = SimReply.to(asOpenAi(req), behaviour.streamRepeat());
        JsonObject usage = usage(req, reply);
        String id = "msg_sim" + Long.toHexString(System.nanoTime());
        String model = req.getString("model");
        if (Boolean.TRUE.equals(req.getBoolean("stream"))) {
            new SimStream(vertx, resp, events(reply, id, model, usage, thinks(req)), behaviour, cancelled, completed).start();
            return;
        }
        JsonArray content = new JsonArray();
        boolean thinking = thinks(req);
        if (thinking) content.add(new JsonObject().put("type", "thinking").put("thinking", THOUGHT).put("signature", SIGNATURE));
        if (reply.toolName() != null) {
            content.add(new JsonObject().put("type", "tool_use").put("id", "toolu_sim001").put("name", reply.toolName())
                    .put("input", new JsonObject(reply.toolArguments())));
        } else {
            content.add(new JsonObject().put("type", "text").put("text", reply.text()));
        }
        resp.setStatusCode(200).putHeader("content-type", "application/json").putHeader("request-id", "req_sim" + id.substring(7))
                .end(new JsonObject().put("id", id).put("type", "message").put("role", "assistant").put("model", model)
                        .put("content", content).put("stop_reason", stopReason(reply))
                        .put("stop_sequence", reply.stopSequence()).put("usage", usage).toBuffer());
    }

    /** Anthropic's stop_reason for a reply; {@code stop_sequence} names the sequence beside it. */
    static String stopReason(SimReply reply) {
        return reply.toolName() != null ? "tool_use" : reply.truncated() ? "max_tokens" : reply.stopSequence() != null ? "stop_sequence" : "end_turn";
    }

    /** The fields {@code count_tokens} takes: the prompt's. Anything else is Anthropic's 400 ("Extra inputs are not permitted"). */
    private static final java.util.Set<String> COUNTED = java.util.Set.of("model", "messages", "system", "tools", "tool_choice",
            "thinking", "mcp_servers");

    /** {@code POST /v1/messages/count_tokens}: {@code {"input_tokens": N}}, N as a call's usage would count the prompt. */
    void countTokens(HttpServerResponse resp, JsonObject req, SimBehaviour behaviour) {
        if (behaviour.status() != 0) {
            fault(resp, behaviour);
            return;
        }
        for (String field : req.fieldNames()) {
            if (!COUNTED.contains(field)) {
                error(resp, 400, "invalid_request_error", field + ": Extra inputs are not permitted");
                return;
            }
        }
        if (!(req.getValue("model") instanceof String)) {
            error(resp, 400, "invalid_request_error", "model: Field required");
            return;
        }
        if (!(req.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
            error(resp, 400, "invalid_request_error", "messages: Field required");
            return;
        }
        int tokens = SimReply.to(asOpenAi(req.copy().put("max_tokens", 1)), 1).promptTokens();
        resp.setStatusCode(200).putHeader("content-type", "application/json")
                .end(new JsonObject().put("input_tokens", tokens).toBuffer());
    }

    static final String THOUGHT = "Let me think about that.";
    static final String SIGNATURE = "sig_sim_EqQBCgIYAhIM";

    /**
     * The simulated Claude's signature of a thinking block's text: {@link #SIGNATURE} for its own {@link #THOUGHT}, else
     * one made of the text, so that a test's canned block of another text carries a signature the simulator's Claude
     * verifies when it is handed back with that text, and with no other ({@link OpenRouterSim}'s check).
     */
    static String signatureOf(String text) {
        if (THOUGHT.equals(text)) return SIGNATURE;
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256").digest((text == null ? "" : text)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return "sig_sim_" + java.util.HexFormat.of().formatHex(digest, 0, 12);
    }

    /** Extended thinking was asked for: the answer starts with a thinking block (with its signature). */
    private static boolean thinks(JsonObject req) {
        return req.getValue("thinking") instanceof JsonObject t && "enabled".equals(t.getValue("type"));
    }

    /**
     * Anthropic's rule for a tool loop with thinking on: the last assistant turn, when it called tools, must start with
     * its (signed) thinking block, which the client hands back; its words, or null when the request keeps the rule.
     */
    private static String unsignedToolTurn(JsonArray messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonObject m = messages.getJsonObject(i);
            if (!"assistant".equals(m.getString("role"))) continue;
            if (!(m.getValue("content") instanceof JsonArray blocks) || blocks.isEmpty()) return null;
            boolean calls = false;
            for (int b = 0; b < blocks.size(); b++) calls |= "tool_use".equals(blocks.getJsonObject(b).getString("type"));
            String first = blocks.getJsonObject(0).getString("type");
            if (!calls || "thinking".equals(first) || "redacted_thinking".equals(first)) return null;
            return "messages." + i + ".content.0.type: Expected `thinking` or `redacted_thinking`, but found `" + first + "`. When "
                    + "`thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost "
                    + "set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To "
                    + "avoid this requirement, disable `thinking`. Please consult our documentation at "
                    + "https://docs.claude.com/en/docs/build-with-claude/extended-thinking";
        }
        return null;
    }

    /** Whether the model takes {@code {"role": "system"}} messages: Claude Opus 4.8 and later, not the older ones. */
    static boolean midConversationSystem(String model) {
        if (model == null) return false;
        String m = model.replaceFirst("^anthropic\\.", "");
        if (m.startsWith("claude-3")) return false;
        for (String old : new String[] {"claude-opus-4-0", "claude-opus-4-1", "claude-opus-4-5", "claude-opus-4-6", "claude-opus-4-7",
                "claude-sonnet-4-0", "claude-sonnet-4-5", "claude-sonnet-4-6", "claude-haiku-4-5",
                "claude-opus-4-2", "claude-sonnet-4-2" /* the 4.0 ids: claude-sonnet-4-20250514 */}) {
            if (m.startsWith(old)) return false;
        }
        return true; // Opus 4.8, and the models after it
    }

    private static String validate(JsonObject req, String betaHeader) {
        if (!(req.getValue("model") instanceof String)) return "model: Field required";
        if (!(req.getValue("max_tokens") instanceof Number)) return "max_tokens: Field required";
        if (!(req.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) return "messages: Field required";
        String params = AnthropicSimParams.check(req, betaHeader);
        if (params != null) return params;
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.getValue(i) instanceof JsonObject m)) return "messages." + i + ": Input should be a valid dictionary";
            if (!(m.getValue("role") instanceof String role)) return "messages." + i + ".role: Input should be 'user' or 'assistant'";
            if ("system".equals(role)) {
                // a system message in the conversation: Claude Opus 4.8 and later take one at any position, of text
                // blocks, of the beta's tool_addition / tool_removal blocks (with its anthropic-beta), or none at all (the
                // directive-only form, content: [] with output_config); older models refuse it in these words (which
                // Claude Code falls back on, to a <system-reminder>)
                if (!midConversationSystem(req.getString("model"))) return "role 'system' is not supported on this model";
                Object sc = m.getValue("content");
                boolean tools = betaHeader != null && betaHeader.contains("mid-conversation-tool-changes-2026-07-01");
                boolean ok = sc instanceof String str ? !str.isBlank() : sc instanceof JsonArray a
                        && a.stream().allMatch(b -> b instanceof JsonObject o && ("text".equals(o.getString("type"))
                                ? !o.getString("text", "").isEmpty()
                                : tools && ("tool_addition".equals(o.getString("type")) || "tool_removal".equals(o.getString("type")))));
                if (!ok) return "messages." + i + ".content: system messages take non-empty text, or tool_addition and tool_removal blocks with the beta";
                continue;
            }
            if (!"user".equals(role) && !"assistant".equals(role)) {
                return "messages." + i + ".role: Input should be 'user' or 'assistant'";
            }
            // (consecutive turns of one role are accepted: the API combines them into one turn)
            Object c = m.getValue("content");
            boolean finalAssistant = i == messages.size() - 1 && "assistant".equals(role);
            if (!finalAssistant && (c instanceof JsonArray a && a.isEmpty() || c instanceof String str && str.isEmpty())) {
                return "messages." + i + ": all messages must have non-empty content except for the optional final assistant message";
            }
            if (c instanceof JsonArray blocks) {
                String invalid = AnthropicSimBlocks.checkAll(blocks, "messages." + i + ".content", betaHeader);
                if (invalid != null) return invalid;
                for (int b = 0; b < blocks.size(); b++) {
                    JsonObject block = blocks.getJsonObject(b);
                    if ("text".equals(block.getString("type")) && block.getString("text", "").isEmpty()) {
                        return "messages." + i + ".content." + b + ".text: text content blocks must be non-empty";
                    }
                }
            } else if (!(c instanceof String)) {
                return "messages." + i + ".content: Input should be a valid list";
            }
        }
        if (thinks(req)) {
            String unsigned = unsignedToolTurn(messages);
            if (unsigned != null) return unsigned;
        }
        Object system = req.getValue("system");
        if (system != null && !(system instanceof String) && !(system instanceof JsonArray)) return "system: Input should be a valid list";
        JsonArray tools = req.getJsonArray("tools");
        if (tools != null) {
            for (int i = 0; i < tools.size(); i++) {
                if (!(tools.getValue(i) instanceof JsonObject tool)) return "tools." + i + ": Input should be a valid dictionary";
                // Anthropic's own tools (web_search_20250305, bash_20250124, text_editor_20250728, …) have a dated type and
                // a fixed name instead of a schema, as the API documents them
                String type = tool.getString("type", "");
                if (type.matches("[a-z_]+_\\d{8}")) {
                    if (!(tool.getValue("name") instanceof String)) return "tools." + i + ".name: Field required";
                    continue;
                }
                if (!(tool.getValue("input_schema") instanceof JsonObject)) return "tools." + i + ".input_schema: Field required";
            }
        }
        String automatic = AnthropicSimShapes.automaticRefusal(req);
        if (automatic != null) return automatic;
        int slots = AnthropicSimShapes.slots(req);
        if (slots > 4) return "A maximum of 4 blocks with cache_control may be provided. Found " + slots + ".";
        return null;
    }

    /** The request reshaped for the shared reply logic: text per message, tools as functions, tool results as tool turns. */
    private static JsonObject asOpenAi(JsonObject req) {
        JsonArray messages = new JsonArray();
        // the system prompt counts in input_tokens, as Anthropic counts it (it was left out: a long system prompt cost
        // nothing in tests against the simulator)
        Object system = req.getValue("system");
        String systemText = system instanceof String s ? s : system instanceof JsonArray blocks ? AnthropicSimShapes.text(blocks) : null;
        if (systemText != null && !systemText.isEmpty()) messages.add(new JsonObject().put("role", "system").put("content", systemText));
        for (Object o : req.getJsonArray("messages")) {
            JsonObject m = (JsonObject) o;
            Object c = m.getValue("content");
            if (c instanceof String s) {
                messages.add(new JsonObject().put("role", m.getString("role")).put("content", s));
                continue;
            }
            JsonArray parts = new JsonArray();
            String role = m.getString("role");
            for (Object b : (JsonArray) c) {
                JsonObject block = (JsonObject) b;
                switch (block.getString("type")) {
                    case "text" -> parts.add(new JsonObject().put("type", "text").put("text", block.getString("text")));
                    case "image" -> parts.add(new JsonObject().put("type", "image_url"));
                    case "document" -> parts.add(AnthropicSimBlocks.asOpenAiFile(block));
                    case "tool_result" -> {
                        role = "tool";
                        Object rc = block.getValue("content");
                        // content is optional in a tool_result (a tool that returned nothing)
                        parts.add(new JsonObject().put("type", "text").put("text", rc instanceof String s ? s
                                : rc == null ? "" : AnthropicSimShapes.text((JsonArray) rc))); // another type: SimGuard's 400
                    }
                    default -> { }
                }
            }
            messages.add(new JsonObject().put("role", role).put("content", parts));
        }
        // the model's id: its own maximum output caps the answer too (SimOutputLimits)
        JsonObject out = new JsonObject().put("messages", messages).put("model", req.getValue("model"));
        if (req.getValue("max_tokens") instanceof Number limit) out.put("max_tokens", limit); // the answer stops there
        if (req.getValue("stop_sequences") instanceof JsonArray stops) out.put("stop", stops); // and at these
        JsonArray tools = req.getJsonArray("tools");
        if (tools != null) {
            JsonArray fns = new JsonArray();
            for (Object t : tools) {
                JsonObject tool = (JsonObject) t;
                fns.add(new JsonObject().put("type", "function").put("function", new JsonObject()
                        .put("name", tool.getString("name")).put("description", tool.getValue("description"))
                        .put("parameters", tool.getJsonObject("input_schema"))));
            }
            out.put("tools", fns);
            JsonObject choice = req.getJsonObject("tool_choice");
            if (choice != null && "none".equals(choice.getString("type"))) out.put("tool_choice", "none");
            if (choice != null && "tool".equals(choice.getString("type"))) {
                out.put("tool_choice", new JsonObject().put("type", "function").put("function", new JsonObject().put("name", choice.getString("name"))));
            }
        }
        return out;
    }

    private JsonObject usage(JsonObject req, SimReply reply) {
        String prefix = AnthropicSimShapes.cachedPrefix(req);
        int prefixTokens = prefix == null ? 0 : SimPromptCache.tokens(prefix);
        int total = Math.max(reply.promptTokens(), prefixTokens + 4);
        int read = 0, write = 0, hourWrite = 0;
        if (prefixTokens >= SimPromptCache.MIN_TOKENS) {
            if (cache.readOrWrite("anthropic:" + req.getString("model") + ":" + prefix)) {
                read = prefixTokens;
            } else {
                write = prefixTokens;
                String hour = AnthropicSimShapes.hourPrefix(req); // a 1-hour breakpoint's part of the write
                hourWrite = hour == null ? 0 : Math.min(write, SimPromptCache.tokens(hour));
            }
        }
        return new JsonObject().put("input_tokens", total - read - write).put("cache_creation_input_tokens", write)
                .put("cache_read_input_tokens", read).put("output_tokens", reply.completionTokens())
                .put("cache_creation", new JsonObject().put("ephemeral_5m_input_tokens", write - hourWrite)
                        .put("ephemeral_1h_input_tokens", hourWrite))
                .put("service_tier", "standard");
    }

    /** message_start, then per block start / ping / deltas / stop, message_delta, message_stop. */
    private static List<String> events(SimReply reply, String id, String model, JsonObject usage, boolean thinking) {
        List<String> out = new ArrayList<>();
        int index = 0;
        JsonObject startUsage = usage.copy().put("output_tokens", 1);
        out.add(event("message_start", new JsonObject().put("type", "message_start").put("message", new JsonObject()
                .put("id", id).put("type", "message").put("role", "assistant").put("model", model).put("content", new JsonArray())
                .putNull("stop_reason").putNull("stop_sequence").put("usage", startUsage))));
        if (thinking) {
            out.add(event("content_block_start", new JsonObject().put("type", "content_block_start").put("index", 0)
                    .put("content_block", new JsonObject().put("type", "thinking").put("thinking", ""))));
            out.add(event("content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", 0)
                    .put("delta", new JsonObject().put("type", "thinking_delta").put("thinking", THOUGHT))));
            out.add(event("content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", 0)
                    .put("delta", new JsonObject().put("type", "signature_delta").put("signature", SIGNATURE))));
            out.add(event("content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", 0)));
            index = 1;
        }
        if (reply.toolName() != null) {
            out.add(event("content_block_start", new JsonObject().put("type", "content_block_start").put("index", index)
                    .put("content_block", new JsonObject().put("type", "tool_use").put("id", "toolu_sim001")
                            .put("name", reply.toolName()).put("input", new JsonObject()))));
            out.add(event("ping", new JsonObject().put("type", "ping")));
            String args = reply.toolArguments();
            // a call with no arguments: Anthropic streams one empty piece, never the "{}" its message holds
            if ("{}".equals(args)) args = "";
            if (args.isEmpty()) out.add(event("content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", index)
                    .put("delta", new JsonObject().put("type", "input_json_delta").put("partial_json", ""))));
            for (int i = 0; i < args.length(); i += 8) {
                out.add(event("content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", index)
                        .put("delta", new JsonObject().put("type", "input_json_delta").put("partial_json", SimChunks.piece(args, i)))));
            }
        } else {
            out.add(event("content_block_start", new JsonObject().put("type", "content_block_start").put("index", index)
                    .put("content_block", new JsonObject().put("type", "text").put("text", ""))));
            out.add(event("ping", new JsonObject().put("type", "ping")));
            for (String piece : reply.text().split("(?<= )")) {
                out.add(event("content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", index)
                        .put("delta", new JsonObject().put("type", "text_delta").put("text", piece))));
            }
        }
        out.add(event("content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", index)));
        out.add(event("message_delta", new JsonObject().put("type", "message_delta")
                .put("delta", new JsonObject().put("stop_reason", stopReason(reply)).put("stop_sequence", reply.stopSequence()))
                // cumulative counts, input and cache fields included, as the API sends them today
                .put("usage", new JsonObject().put("input_tokens", usage.getInteger("input_tokens"))
                        .put("cache_creation_input_tokens", usage.getInteger("cache_creation_input_tokens"))
                        .put("cache_read_input_tokens", usage.getInteger("cache_read_input_tokens"))
                        .put("output_tokens", reply.completionTokens()))));
        out.add(event("message_stop", new JsonObject().put("type", "message_stop")));
        return out;
    }

    /** One whole SSE frame with its event: line. */
    private static String event(String name, JsonObject data) {
        return SimStream.namedFrame(name, data.encode());
    }

    private static void fault(HttpServerResponse resp, SimBehaviour b) {
        if (b.retryAfterSeconds() > 0) resp.putHeader("retry-after", Long.toString(b.retryAfterSeconds()));
        switch (b.status()) {
            case 529 -> error(resp, 529, "overloaded_error", "Overloaded");
            case 429 -> error(resp, 429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit");
            case 400 -> {
                switch (b.errorOr400()) {
                    // what Anthropic answers when its filter stops an output (e.g. reproducing copyrighted text)
                    case SimBehaviour.CONTENT_POLICY -> error(resp, 400, "invalid_request_error", "Output blocked by content filtering policy");
                    case SimBehaviour.INVALID_REQUEST -> error(resp, 400, "invalid_request_error", "messages: at least one message is required");
                    case SimBehaviour.CONTEXT_LIMIT -> error(resp, 400, "invalid_request_error", CONTEXT_LIMIT_MESSAGE);
                    default -> error(resp, 400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum");
                }
            }
            case 401 -> error(resp, 401, "authentication_error", "invalid x-api-key");
            default -> error(resp, b.status(), "api_error", "Internal server error");
        }
    }

    static void error(HttpServerResponse resp, int status, String type, String message) {
        resp.setStatusCode(status).putHeader("content-type", "application/json")
                .end(new JsonObject().put("type", "error").put("error", new JsonObject().put("type", type).put("message", message))
                        .put("request_id", "req_sim_error").toBuffer());
    }
}
