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

    /** The same message with other tool calls. */
    public Message withToolCalls(List<ToolCall> calls) {
        return new Message(role, content, name, calls, toolCallId, reasoning, refusal, extra);
    }

    /** A message without unmodelled fields: what providers' answers and the other dialects produce. */
    public Message(Role role, List<ContentPart> content, String name, List<ToolCall> toolCalls, String toolCallId,
                   String reasoning, String refusal) {
        this(role, content, name, toolCalls, toolCallId, reasoning, refusal, null);
    }

    public static Message text(Role role, String text) {
        return new Message(role, List.of(ContentPart.Text.of(text)), null, null, null, null, null);
    }

    /**
     * What an assistant turn refused with: its {@code refusal}, or its {@code refusal} content parts joined (the two
     * forms OpenAI's SDKs put in the history); null when there is none. A provider without a refusal field is given it
     * as the turn's text, so the turn is neither empty nor sent in OpenAI's shape.
     */
    public String refusalText() {
        if (refusal != null && !refusal.isEmpty()) return refusal;
        StringBuilder sb = null;
        for (ContentPart p : content) {
            if (p instanceof ContentPart.Other o && "refusal".equals(o.type()) && o.raw().path("refusal").isTextual()) {
                if (sb == null) sb = new StringBuilder();
                sb.append(o.raw().get("refusal").textValue());
            }
        }
        return sb == null || sb.isEmpty() ? null : sb.toString();
    }

    /** A refusal content part ({@link #refusalText}), which translating providers take as text, not as a part. */
    public static boolean isRefusalPart(ContentPart p) {
        return p instanceof ContentPart.Other o && "refusal".equals(o.type());
    }

    /** All text parts joined; the empty string when there are none. */
    public String textContent() {
        if (content.size() == 1 && content.get(0) instanceof ContentPart.Text t) return t.text();
        StringBuilder sb = new StringBuilder();
        for (ContentPart p : content) if (p instanceof ContentPart.Text t) sb.append(t.text());
        return sb.toString();
    }
}
