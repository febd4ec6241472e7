package dev.switchboard.model;

import java.util.List;

/**
 * One chat message. {@code content} is empty (never null) when there is none, as for an assistant message
 * that only calls tools. {@code reasoning} holds a model's thinking text where a provider returns it.
 */
public record Message(
        Role role,
        List<ContentPart> content,
        String name,
        List<ToolCall> toolCalls,
        String toolCallId,
        String reasoning,
        String refusal) {

    public Message {
        content = content == null ? List.of() : content;
        toolCalls = toolCalls == null ? List.of() : toolCalls;
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
