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

    ChatRequest toChat(ArrayNode history) {
        List<Message> messages = new ArrayList<>();
        if (instructions != null) messages.add(Message.text(Role.SYSTEM, instructions));
        if (history != null) messages.addAll(ResponseItems.toMessages(history, "previous_response_id"));
        messages.addAll(inputMessages);
        // A continued conversation exists only here, so it is translated for every provider; a fresh one keeps its body
        // for OpenAI, which runs what the gateway cannot translate (built-in tools, new fields).
        RawJson raw = history == null ? new RawJson(RawJson.OPENAI_RESPONSES, body) : null;
        return new ChatRequest(model, messages, tools, toolChoice, parallelToolCalls, format, temperature, topP, null,
                maxOutputTokens, List.of(), null, user, metadata, stream, stream, extra, raw);
    }
}
