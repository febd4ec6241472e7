package dev.switchboard.model;

import java.util.List;

/**
 * One chat message. {@code content} is empty (never null) when there is none, as for an assistant message
 * that only calls tools. {@code reasoning} holds a model's thinking text where a provider returns it.
 * {@code extra} holds the message fields a client sent that we do not model (DeepSeek's and Mistral's
 * {@code prefix}, OpenAI's {@code audio} reference, …), as sent, or null when there are none: OpenAI-compatible
 * upstreams get them back unchanged, translating providers have nowhere to put them.
 */
public record Message(
        Role role,
        List<ContentPart> content,
        String name,
        List<ToolCall> toolCalls,
        String toolCallId,
        String reasoning,
        String refusal,
        com.fasterxml.jackson.databind.node.ObjectNode extra) {

    public Message {
        content = content == null ? List.of() : content;
        toolCalls = toolCalls == null ? List.of() : toolCalls;
        if (extra != null && extra.isEmpty()) extra = null;
    }

    /** A message without unmodelled fields: what providers' answers and the other dialects produce. */
    public Message(Role role, List<ContentPart> content, String name, List<ToolCall> toolCalls, String toolCallId,
                   String reasoning, String refusal) {
        this(role, content, name, toolCalls, toolCallId, reasoning, refusal, null);
    }

    public static Message text(Role role, String text) {
        return new Message(role, List.of(ContentPart.Text.of(text)), null, null, null, null, null);
    }

    /** All text parts joined; the empty string when there are none. */
    public String textContent() {
        if (content.size() == 1 && content.get(0) instanceof ContentPart.Text t) return t.text();
        StringBuilder sb = new StringBuilder();
        for (ContentPart p : content) if (p instanceof ContentPart.Text t) sb.append(t.text());
        return sb.toString();
    }
}
