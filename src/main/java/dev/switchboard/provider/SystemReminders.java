package dev.switchboard.provider;

import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * Mid-conversation system messages (an Anthropic client's {@code {"role": "system"}} after the first turn, which Claude
 * Code sends on every request to an alias; an OpenAI client's {@code system} or {@code developer} message after the first
 * non-system one) for a provider that takes a system prompt only at the start: an OpenAI-style server other than OpenAI's
 * own (vLLM's and Ollama's chat templates, Mistral; an Anthropic client's only, see {@code OpenAiRequestEncoder}), and,
 * whichever the dialect, Gemini and Bedrock's Converse ({@link #forSystemPromptOnly}). Joined to Gemini's {@code systemInstruction} or Converse's {@code system}, such a message changed the very
 * start of the prompt whenever it came, went or changed, so the provider's prompt cache (Gemini's implicit and explicit
 * caches, Bedrock's {@code cachePoint}s) missed the whole conversation from then on; as a note in a user turn only the
 * part from that turn on differs, and the system prompt stays byte for byte what it was.
 */
public final class SystemReminders {
    private SystemReminders() {}

    /**
     * The conversation for a provider whose system prompt is one block at the start (Gemini's {@code systemInstruction},
     * Converse's {@code system}), in either dialect: {@link #folded}. The canonical model gives both dialects' later
     * system messages as {@link Role#SYSTEM} or {@link Role#DEVELOPER} messages, so this is the one place for both.
     */
    public static List<Message> forSystemPromptOnly(dev.switchboard.model.ChatRequest r, String provider) {
        return folded(r.messages(), provider);
    }

    /**
     * Each system (or developer) message after the leading ones becomes a text part {@code <system-reminder>…</system-reminder>} at the
     * end of the user turn before it (as Claude Code itself writes such notes for a Claude that takes no system message
     * there), or at the start of the next user turn when none precedes it, or joins the leading system messages when the
     * conversation has no user turn. A user turn of tool results (Claude Code's tool loop: they decode to TOOL messages)
     * is such a turn too: the note goes in a user message right after those results, which the encoders join to the same
     * turn after its toolResult / functionResponse blocks — not to the last human text, maybe many tool rounds back.
     * A note amid parallel calls' results waits for the run's last result. With no leading system message at all, the
     * first run of system messages is the system prompt (moved to the start) and only the later ones are notes.
     * Notes keep their order; the turn one joins stays the same in the conversation's later requests, so a provider's
     * prefix cache still matches; the message's cache marker (a {@code cache_control_injection_points} index -1 on it)
     * moves onto its note. Its parts other than text (a directive, the beta's tool blocks) are refused, naming the
     * field. Leading system messages stay as they are; a list without later ones is returned as it is.
     *
     * @param provider who takes no system message there, for the refusal's words
     */
    public static List<Message> folded(List<Message> messages, String provider) {
        int first = 0;
        while (first < messages.size() && isSystem(messages.get(first))) first++;
        if (first == 0) {
            // no leading system message (an OpenAI client's [user, assistant, system, user]): the first run of system
            // messages is the system prompt, as LiteLLM's Converse takes it, and goes first; folded, the prompt was lost
            int start = 0;
            while (start < messages.size() && !isSystem(messages.get(start))) start++;
            if (start == messages.size()) return messages;
            int end = start;
            while (end < messages.size() && isSystem(messages.get(end))) end++;
            List<Message> moved = new ArrayList<>(messages.size());
            moved.addAll(messages.subList(start, end));
            moved.addAll(messages.subList(0, start));
            moved.addAll(messages.subList(end, messages.size()));
            messages = moved;
            first = end - start;
        }
        boolean any = false;
        for (int i = first; i < messages.size() && !any; i++) any = isSystem(messages.get(i));
        if (!any) return messages;
        List<Message> out = new ArrayList<>(messages.size() + 1);
        out.addAll(messages.subList(0, first));
        List<Message> lead = new ArrayList<>(); // notes before any user turn, as they came
        List<ContentPart> waiting = new ArrayList<>(); // their notes, for the first user turn
        List<ContentPart> afterTools = new ArrayList<>(); // notes for after the run of tool results still coming
        for (int i = first; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (!isSystem(m)) {
                if (m.role() != Role.TOOL && !afterTools.isEmpty()) {
                    out.add(new Message(Role.USER, List.copyOf(afterTools), null, null, null, null, null));
                    afterTools.clear();
                }
                if (m.role() == Role.USER && !waiting.isEmpty()) {
                    List<ContentPart> parts = new ArrayList<>(waiting);
                    parts.addAll(m.content());
                    m = with(m, parts);
                    waiting.clear();
                    lead.clear();
                }
                out.add(m);
                continue;
            }
            Attachments.systemTextOnly(m, provider);
            ContentPart note = note(m);
            int before = out.size() - 1;
            while (before >= first && out.get(before).role() != Role.USER && out.get(before).role() != Role.TOOL) before--;
            if (before < first) {
                waiting.add(note);
                lead.add(m);
            } else if (out.get(before).role() == Role.TOOL && before == out.size() - 1) {
                // amid or after a run of tool results (parallel calls' answers): after the run's last one, when it has
                // come; a note between two toolResult blocks of one turn Claude refuses
                afterTools.add(note);
            } else if (out.get(before).role() == Role.TOOL) {
                // right after the tool results (the last of them: the search runs backwards)
                out.add(before + 1, new Message(Role.USER, List.of(note), null, null, null, null, null));
            } else {
                Message u = out.get(before);
                List<ContentPart> parts = new ArrayList<>(u.content());
                parts.add(note);
                out.set(before, with(u, parts));
            }
        }
        if (!afterTools.isEmpty()) out.add(new Message(Role.USER, List.copyOf(afterTools), null, null, null, null, null));
        out.addAll(first, lead); // no user turn took them: they join the leading system messages
        return out;
    }

    /** The system message as a note, with the message's cache marker (its last one) on it. */
    private static ContentPart note(Message m) {
        StringBuilder text = new StringBuilder();
        com.fasterxml.jackson.databind.JsonNode marker = null;
        for (ContentPart p : m.content()) {
            if (p instanceof ContentPart.Text t) text.append(text.isEmpty() ? "" : "\n\n").append(t.text());
            if (p.cacheControl() != null) marker = p.cacheControl();
        }
        return new ContentPart.Text("<system-reminder>\n" + text + "\n</system-reminder>", marker);
    }

    private static Message with(Message u, List<ContentPart> parts) {
        return new Message(u.role(), parts, u.name(), u.toolCalls(), u.toolCallId(), u.reasoning(), u.refusal(), u.extra());
    }

    private static boolean isSystem(Message m) { return m.role() == Role.SYSTEM || m.role() == Role.DEVELOPER; }
}
