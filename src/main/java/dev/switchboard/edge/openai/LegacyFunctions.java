package dev.switchboard.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.ToolCallDelta;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's deprecated function calling, which older clients (LangChain's and AutoGen's early versions, scripts written
 * for gpt-3.5 in 2023) still send and OpenAI still serves: {@code functions} and {@code function_call} in the request,
 * assistant turns with a {@code function_call}, {@code role: "function"} turns with its result, and an answer whose
 * message carries one {@code function_call} with {@code finish_reason: "function_call"}.
 *
 * <p>The request is rewritten into today's tools before it is decoded, so every provider serves it as it serves tools
 * (OpenAI itself treats the two alike); a client that asked with {@code functions} gets its answer back in the old
 * shape ({@link #answer}, {@link #chunk}). The old API has one call an answer, so such a request asks for
 * {@code parallel_tool_calls: false} unless it set it. A history's calls get ids made from their position
 * ({@code call_fn_<message index>}), so the same conversation makes the same request (and cache key) every time, and
 * each {@code function} turn answers the latest earlier call of its name.
 */
final class LegacyFunctions {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private LegacyFunctions() {}

    /** Whether a chat body uses any part of the old shape (a few map lookups: this runs on every chat request). */
    static boolean present(ObjectNode n) {
        if (n.has("functions") || n.has("function_call")) return true;
        JsonNode messages = n.get("messages");
        if (messages == null || !messages.isArray()) return false;
        for (JsonNode m : messages) {
            if (m.has("function_call") || "function".equals(m.path("role").textValue())) return true;
        }
        return false;
    }

    /**
     * Rewrites a chat body in the old shape into tools, in place.
     *
     * @return whether the client asked with {@code functions} (its answer then goes back in the old shape)
     * @throws GatewayException 400 for an old field that is malformed or set beside its new counterpart
     */
    static boolean rewrite(ObjectNode n) {
        JsonNode functions = n.get("functions");
        JsonNode functionCall = n.get("function_call");
        boolean legacyTools = functions != null && !functions.isNull();
        if (legacyTools) {
            if (n.hasNonNull("tools")) {
                throw GatewayException.badRequest("Use either 'tools' or the deprecated 'functions', not both.", "functions");
            }
            if (!functions.isArray()) throw GatewayException.badRequest("'functions' must be an array of function objects.", "functions");
            ArrayNode tools = F.arrayNode(functions.size());
            for (int i = 0; i < functions.size(); i++) {
                if (!functions.get(i).isObject()) {
                    throw GatewayException.badRequest("'functions[" + i + "]' must be an object with a 'name'.", "functions[" + i + "]");
                }
                tools.addObject().put("type", "function").set("function", functions.get(i));
            }
            n.remove("functions");
            n.set("tools", tools);
            if (!n.has("parallel_tool_calls") && !tools.isEmpty()) n.put("parallel_tool_calls", false);
        } else if (functions != null) {
            n.remove("functions");
        }
        if (functionCall != null) {
            n.remove("function_call");
            if (!functionCall.isNull()) {
                if (n.hasNonNull("tool_choice")) {
                    throw GatewayException.badRequest("Use either 'tool_choice' or the deprecated 'function_call', not both.", "function_call");
                }
                n.set("tool_choice", choice(functionCall));
            }
        }
        JsonNode messages = n.get("messages");
        if (messages != null && messages.isArray()) messages(messages);
        return legacyTools;
    }

    /** {@code "none"}, {@code "auto"} or {@code {"name": …}}, as the tool choice it stands for. */
    private static JsonNode choice(JsonNode c) {
        if (c.isTextual() && (c.textValue().equals("none") || c.textValue().equals("auto"))) return c;
        if (c.isObject() && c.path("name").isTextual()) {
            ObjectNode choice = F.objectNode().put("type", "function");
            choice.putObject("function").put("name", c.get("name").textValue());
            return choice;
        }
        throw GatewayException.badRequest("'function_call' must be 'none', 'auto' or an object naming a function: "
                + "{\"name\": \"my_function\"}.", "function_call");
    }

    /** Assistant {@code function_call}s become tool calls, {@code function} turns tool results answering them. */
    private static void messages(JsonNode messages) {
        Map<String, List<String>> open = null; // function name → ids of its calls not answered yet, latest last
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.get(i) instanceof ObjectNode m)) continue; // the decoder names what is wrong with it
            String path = "messages[" + i + "]";
            JsonNode call = m.get("function_call");
            if (call != null && "assistant".equals(m.path("role").textValue())) {
                m.remove("function_call");
                if (call.isNull()) continue;
                if (!call.isObject() || !call.path("name").isTextual()) {
                    throw GatewayException.badRequest("'" + path + ".function_call' must be an object with a 'name' and"
                            + " 'arguments'.", path + ".function_call");
                }
                if (m.hasNonNull("tool_calls")) {
                    throw GatewayException.badRequest("'" + path + "' has both 'tool_calls' and the deprecated 'function_call'.",
                            path + ".function_call");
                }
                String id = "call_fn_" + i;
                ObjectNode tc = m.putArray("tool_calls").addObject().put("id", id).put("type", "function");
                JsonNode args = call.get("arguments");
                tc.putObject("function").put("name", call.get("name").textValue())
                        .put("arguments", args == null || args.isNull() ? "{}" : args.isTextual() ? args.textValue() : args.toString());
                if (open == null) open = new HashMap<>();
                open.computeIfAbsent(call.get("name").textValue(), k -> new ArrayList<>()).add(id);
            } else if ("function".equals(m.path("role").textValue())) {
                String name = m.path("name").textValue();
                if (name == null) {
                    throw OpenAiNumbers.missing(path + ".name");
                }
                List<String> ids = open == null ? null : open.get(name);
                if (ids == null || ids.isEmpty()) {
                    throw GatewayException.badRequest("'" + path + "' (role 'function', name '" + name + "') answers no earlier"
                            + " assistant 'function_call' of that name.", path);
                }
                String id = ids.remove(ids.size() - 1);
                JsonNode content = m.get("content");
                m.removeAll();
                m.put("role", "tool").put("tool_call_id", id);
                m.set("content", content == null || content.isNull() ? F.textNode("") : content);
            }
        }
    }

    /** A non-streamed answer in the old shape: the first tool call as the message's {@code function_call}. */
    static ChatResponse answer(ChatResponse r) {
        List<Choice> choices = new ArrayList<>(r.choices().size());
        for (Choice c : r.choices()) {
            Message m = c.message();
            if (m.toolCalls().isEmpty()) {
                choices.add(c);
                continue;
            }
            ToolCall t = m.toolCalls().get(0);
            ObjectNode extra = m.extra() == null ? F.objectNode() : m.extra().deepCopy();
            extra.putObject("function_call").put("name", t.name()).put("arguments", t.arguments() == null ? "" : t.arguments());
            Message old = new Message(m.role(), m.content(), m.name(), List.of(), m.toolCallId(), m.reasoning(), m.refusal(), extra);
            choices.add(new Choice(c.index(), old, finish(c.finishReason()), c.logprobs(), c.stopSequence(), c.extra()));
        }
        // no relayed bytes: they hold the upstream's tool_calls
        return r.withChoices(choices, r.raw());
    }

    /** A stream chunk in the old shape: the first call's fragments as {@code delta.function_call}. */
    static ChatChunk chunk(ChatChunk c) {
        List<ChunkChoice> choices = null;
        for (int i = 0; i < c.choices().size(); i++) {
            ChunkChoice ch = c.choices().get(i);
            Delta d = ch.delta();
            if (d.toolCalls().isEmpty() && ch.finishReason() != FinishReason.TOOL_CALLS) continue;
            if (choices == null) choices = new ArrayList<>(c.choices());
            ObjectNode extra = d.extra();
            for (ToolCallDelta t : d.toolCalls()) {
                if (t.index() != 0) continue; // the old shape has one call
                extra = extra == null ? F.objectNode() : extra.deepCopy();
                ObjectNode fc = extra.putObject("function_call");
                if (t.name() != null) fc.put("name", t.name());
                fc.put("arguments", t.argumentsFragment() == null ? "" : t.argumentsFragment());
            }
            Delta old = new Delta(d.role(), d.content(), d.reasoning(), d.refusal(), List.of(), extra);
            choices.set(i, new ChunkChoice(ch.index(), old, finish(ch.finishReason()), ch.logprobs(), ch.stopSequence(), ch.extra()));
        }
        if (choices == null) return c;
        return c.withChoices(choices);
    }

    private static FinishReason finish(FinishReason f) {
        return f == FinishReason.TOOL_CALLS ? FinishReason.FUNCTION_CALL : f;
    }
}
