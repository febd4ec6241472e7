package dev.switchboard.edge.responses;

import dev.switchboard.model.GatewayException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Responses client's error in the Responses API's own names. The gateway serves a Responses request as a chat
 * request; a check that fails on it (a provider refusing a parameter, a thinking budget with no room) or a chat-style
 * upstream's 400 names the chat field ({@code max_completion_tokens}), which this client never sent: it sent
 * {@code max_output_tokens}. A fresh request's own checks already use the Responses names; a conversation continued by
 * {@code previous_response_id} has no Responses body left to tell them, so the names are put right here, once, for
 * every error this dialect answers.
 */
final class ResponsesErrorNames {
    /** Chat Completions' name → the Responses API's, for the fields whose names differ. */
    private static final Map<String, String> NAMES = Map.of("max_completion_tokens", "max_output_tokens",
            "max_tokens", "max_output_tokens", "reasoning_effort", "reasoning.effort", "response_format", "text.format",
            "messages", "input", // the param only: "messages" in a message's text is left alone
            "logprobs", "include"); // chat's logprobs is what include's message.output_text.logprobs asked for
    private static final Pattern CHAT_NAME = Pattern.compile("\\b(max_completion_tokens|max_tokens|reasoning_effort|response_format)\\b");

    private ResponsesErrorNames() {}

    /** The same failure with its param and message naming the Responses API's fields; the same instance when none differ. */
    static GatewayException of(GatewayException e) {
        // a chat message's index (messages[2].content) is not the input item's (instructions, item kinds): the input
        String param = e.param() == null ? null : e.param().startsWith("messages[") ? "input" : NAMES.getOrDefault(e.param(), e.param());
        String message = e.getMessage();
        if (message != null) {
            Matcher m = CHAT_NAME.matcher(message);
            if (m.find()) message = m.replaceAll(r -> NAMES.get(r.group(1)));
        }
        if (java.util.Objects.equals(param, e.param()) && java.util.Objects.equals(message, e.getMessage())) return e;
        return e.renamed(message, param);
    }
}
