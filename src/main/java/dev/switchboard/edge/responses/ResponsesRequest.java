package dev.switchboard.edge.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A decoded {@code POST /v1/responses}: what becomes the canonical chat request, plus what only this dialect
 * needs: the input as items (stored for the next turn), {@code instructions}, {@code previous_response_id},
 * {@code store}, and the request's own fields as written, which the Response object echoes back.
 *
 * @param input  the input as a list of items (a string input is one user message item)
 * @param background {@code background: true}: the gateway runs the call without the client and keeps its answer
 * @param namespaced the function tools of namespace tools: canonical name ({@code ns__name}) → {namespace, name}
 * @param inputMessages the same input as canonical messages (converted once, when it was checked)
 * @param echo   the request fields the Response object repeats (tools, tool_choice, text, reasoning, …), as sent
 * @param body   the request as the client wrote it: passed to OpenAI deployments as is (only {@code model} replaced)
 * @param extra  fields for the canonical request's {@code extra}: {@code reasoning_effort} and the gateway's
 *               routing controls
 */
record ResponsesRequest(
        String model,
        ArrayNode input,
        List<Message> inputMessages,
        Map<String, String[]> namespaced,
        String instructions,
        String previousResponseId,
        boolean store,
        boolean stream,
        boolean background,
        List<Tool> tools,
        ToolChoice toolChoice,
        Boolean parallelToolCalls,
        ResponseFormat format,
        Double temperature,
        Double topP,
        Integer maxOutputTokens,
        String user,
        Map<String, String> metadata,
        Map<String, JsonNode> extra,
        ObjectNode echo,
        ObjectNode body) {

    /**
     * The canonical request: {@code instructions} as the system message, then the conversation so far
     * ({@code history}: the items of the previous response's chain, or none), then this input.
     */
    /** The canonical name of a namespaced function. */
    static String flatName(String namespace, String name) { return namespace + "__" + name; }

    /** {namespace or null, name} of a canonical tool name. */
    String[] split(String canonicalName) {
        String[] ns = namespaced.get(canonicalName);
        return ns != null ? ns : new String[] {null, canonicalName};
    }

    private static Message unmarked(Message m) {
        boolean marked = false;
        for (dev.switchboard.model.ContentPart p : m.content()) marked |= p.cacheControl() != null;
        if (!marked) return m;
        List<dev.switchboard.model.ContentPart> parts = new ArrayList<>(m.content().size());
        for (dev.switchboard.model.ContentPart p : m.content()) {
            parts.add(switch (p) {
                case dev.switchboard.model.ContentPart.Text t when t.cacheControl() != null -> t.withCacheControl(null);
                case dev.switchboard.model.ContentPart.Image i when i.cacheControl() != null -> i.withCacheControl(null);
                default -> p;
            });
        }
        return new Message(m.role(), parts, m.name(), m.toolCalls(), m.toolCallId(), m.reasoning(), m.refusal(), m.extra());
    }

    ChatRequest toChat(ArrayNode history) {
        List<Message> messages = new ArrayList<>();
        if (instructions != null) messages.add(Message.text(Role.SYSTEM, instructions));
        if (history != null) {
            // the breakpoints earlier turns were sent with are not sent again: each turn's own marker caches the whole
            // prefix (Claude looks back for the longest hit), and kept ones would pass Claude's limit of four by turn five
            for (Message m : ResponseItems.toMessages(history, "previous_response_id")) messages.add(unmarked(m));
        }
        messages.addAll(inputMessages);
        // A continued conversation exists only here, so it is translated for every provider; a fresh one keeps its body
        // for OpenAI, which runs what the gateway cannot translate (built-in tools, new fields).
        RawJson raw = history == null ? new RawJson(RawJson.OPENAI_RESPONSES, body) : null;
        ChatRequest chat = new ChatRequest(model, messages, tools, toolChoice, parallelToolCalls, format, temperature, topP, null,
                maxOutputTokens, List.of(), null, user, metadata, stream, stream, extra, raw);
        // a top-level cache_control's edge cases (another ttl on the last part, no breakpoint left): chat's 400s
        dev.switchboard.model.CacheInjectionPoint.checkAutomatic(chat);
        return chat;
    }
}
