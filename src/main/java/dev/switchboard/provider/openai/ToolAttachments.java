package dev.switchboard.provider.openai;

import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * Images and files a tool returned (an Anthropic {@code tool_result} with a screenshot, a Responses
 * {@code function_call_output} with an {@code input_image}), for an OpenAI-style server, whose tool messages take text
 * only. Each tool message is sent with its text; what it returned besides text follows all the tool messages of that
 * turn as one user message ("Attachments of tool result toolu_…:" and the parts), the place OpenAI's API allows: tool
 * messages must directly follow the assistant turn that called them. Left out, the model would answer about a
 * screenshot it never saw.
 */
final class ToolAttachments {
    private final List<ContentPart> pending = new ArrayList<>();

    /** Whether this tool message returned more than text; if so, that part is kept for {@link #drain}. */
    boolean take(Message tool) {
        boolean media = false;
        for (ContentPart p : tool.content()) {
            if (p instanceof ContentPart.Text) continue;
            if (!media) pending.add(ContentPart.Text.of("Attachments of tool result " + tool.toolCallId() + ":"));
            media = true;
            pending.add(p);
        }
        return media;
    }

    /** The tool message with its text only (a placeholder when it had none: an empty tool message says nothing). */
    Message textOnly(Message tool) {
        List<ContentPart> text = new ArrayList<>();
        for (ContentPart p : tool.content()) if (p instanceof ContentPart.Text) text.add(p);
        if (text.isEmpty()) text.add(ContentPart.Text.of("(the result is in the attachments that follow)"));
        return new Message(Role.TOOL, text, tool.name(), null, tool.toolCallId(), null, null, tool.extra());
    }

    /** The user message of the attachments kept so far, or null when there are none; empties the list. */
    Message drain() {
        if (pending.isEmpty()) return null;
        Message m = new Message(Role.USER, List.copyOf(pending), null, null, null, null, null);
        pending.clear();
        return m;
    }
}
