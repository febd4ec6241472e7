package dev.switchboard.provider;

import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * An Anthropic client's mid-conversation system messages ({@code {"role": "system"}} after the first turn, which Claude
 * Code sends on every request to an alias) for a provider that takes a system prompt only at the start: an
 * OpenAI-style server other than OpenAI's own (vLLM's and Ollama's chat templates, Mistral), Gemini and Bedrock's
 * Converse. Joined to Gemini's {@code systemInstruction} or Converse's {@code system}, such a message changed the very
 * start of the prompt whenever it came, went or changed, so the provider's prompt cache (Gemini's implicit and explicit
 * caches, Bedrock's {@code cachePoint}s) missed the whole conversation from then on; as a note in a user turn only the
 * part from that turn on differs, and the system prompt stays byte for byte what it was.
 */
public final class SystemReminders {
    private SystemReminders() {}

    /** Whether the request came in Anthropic's dialect, whose system messages in the conversation are folded. */
    public static boolean fromAnthropic(dev.switchboard.model.ChatRequest r) {
        return r.raw() != null && r.raw().is(RawJson.ANTHROPIC);
    }

    /**
     * Each system message after the leading ones becomes a text part {@code <system-reminder>…</system-reminder>} at the
     * end of the user turn before it (as Claude Code itself writes such notes for a Claude that takes no system message
     * there), or at the start of the next user turn when none precedes it, or joins the leading system messages when the
     * conversation has no user turn. The turn it joins stays the same in the conversation's later requests, so a
     * provider's prefix cache still matches. Its parts other than text (a directive, the beta's tool blocks) are refused,
     * naming the field. Leading system messages stay as they are; a list without later ones is returned as it is.
     *
     * @param provider who takes no system message there, for the refusal's words
     */
    public static List<Message> folded(List<Message> messages, String provider) {
        int first = 0;
        while (first < messages.size() && isSystem(messages.get(first))) first++;
        boolean any = false;
        for (int i = first; i < messages.size() && !any; i++) any = messages.get(i).role() == Role.SYSTEM;
        if (!any) return messages;
        List<Message> out = new ArrayList<>(messages);
        List<Message> lead = new ArrayList<>();
        for (int i = out.size() - 1; i >= first; i--) {
            Message m = out.get(i);
            if (m.role() != Role.SYSTEM) continue;
            Attachments.systemTextOnly(m, provider);
            out.remove(i);
            StringBuilder text = new StringBuilder();
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Text t) text.append(text.isEmpty() ? "" : "\n\n").append(t.text());
            }
            String note = "<system-reminder>\n" + text + "\n</system-reminder>";
            int before = i - 1;
            while (before >= first && out.get(before).role() != Role.USER) before--;
            if (before >= first) {
                Message u = out.get(before);
                List<ContentPart> parts = new ArrayList<>(u.content());
                parts.add(ContentPart.Text.of(note));
                out.set(before, new Message(u.role(), parts, u.name(), u.toolCalls(), u.toolCallId(), u.reasoning(), u.refusal(), u.extra()));
                continue;
            }
            int after = i;
            while (after < out.size() && out.get(after).role() != Role.USER) after++;
            if (after < out.size()) {
                Message u = out.get(after);
                List<ContentPart> parts = new ArrayList<>();
                parts.add(ContentPart.Text.of(note));
                parts.addAll(u.content());
                out.set(after, new Message(u.role(), parts, u.name(), u.toolCalls(), u.toolCallId(), u.reasoning(), u.refusal(), u.extra()));
            } else {
                lead.add(0, m);
            }
        }
        out.addAll(first, lead);
        return out;
    }

    private static boolean isSystem(Message m) { return m.role() == Role.SYSTEM || m.role() == Role.DEVELOPER; }
}
