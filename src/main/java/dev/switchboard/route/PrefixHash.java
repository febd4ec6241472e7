package dev.switchboard.route;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolCall;
import java.util.List;

/**
 * A 64-bit hash of the part of a request a provider can serve from its prompt cache: everything up to and
 * including the last {@code cache_control} breakpoint (tools first, as providers order the prompt), but never past the
 * conversation's first message after the system ones (a breakpoint on each turn's last message would key each turn
 * apart); without
 * breakpoints, the system/developer messages plus the tools, which is what automatic prefix caching (OpenAI,
 * DeepSeek, Gemini) reuses across an agent's turns. 0 when a request has no such prefix.
 * Hashed with {@link Fnv64}: one pass, no allocation, and a collision only costs a cache miss.
 */
final class PrefixHash {
    static final long NONE = 0;

    private final Fnv64 h = new Fnv64();

    private PrefixHash() {}

    static long of(ChatRequest r) {
        List<Message> messages = r.messages();
        int lastMessage = -1;
        int lastPart = -1;
        for (int i = 0; i < messages.size(); i++) {
            List<ContentPart> parts = messages.get(i).content();
            for (int j = 0; j < parts.size(); j++) {
                if (parts.get(j).cacheControl() != null) {
                    lastMessage = i;
                    lastPart = j;
                }
            }
        }
        int lastTool = -1;
        for (int k = 0; k < r.tools().size(); k++) if (r.tools().get(k).cacheControl() != null) lastTool = k;

        // A client that marks each turn's last message (Claude Code: the system prompt, then the newest user turn) moves its
        // last breakpoint every turn; the conversation's first turn is what all its turns share. So a breakpoint past the
        // first message that is not a system or developer one keys on the prefix through that message: each turn of one
        // conversation the same key, and the deployment that has its cache keeps it
        int first = 0;
        while (first < messages.size() && (messages.get(first).role() == Role.SYSTEM || messages.get(first).role() == Role.DEVELOPER)) first++;
        if (lastMessage > first) {
            lastMessage = first;
            lastPart = Integer.MAX_VALUE - 1;
        }
        PrefixHash p = new PrefixHash();
        if (lastMessage >= 0) {
            p.tools(r.tools(), r.tools().size());
            for (int i = 0; i < lastMessage; i++) p.message(messages.get(i), Integer.MAX_VALUE);
            p.message(messages.get(lastMessage), lastPart + 1);
        } else if (lastTool >= 0) {
            p.tools(r.tools(), lastTool + 1);
        } else {
            boolean any = !r.tools().isEmpty();
            p.tools(r.tools(), r.tools().size());
            for (Message m : messages) {
                if (m.role() == Role.SYSTEM || m.role() == Role.DEVELOPER) {
                    p.message(m, Integer.MAX_VALUE);
                    any = true;
                }
            }
            if (!any) return NONE;
        }
        return p.h.value() == NONE ? 1 : p.h.value();
    }


    private void tools(List<Tool> tools, int count) {
        for (int k = 0; k < count; k++) {
            Tool t = tools.get(k);
            add("tool").add(t.name()).add(t.description()).add(t.parameters() == null ? null : t.parameters().toString());
            if (t.custom()) add(t.customFormat().toString()); // only for custom tools: a function's hash is unchanged
        }
    }

    private void message(Message m, int parts) {
        add(m.role().name()).add(m.name()).add(m.toolCallId());
        for (int j = 0; j < Math.min(parts, m.content().size()); j++) {
            switch (m.content().get(j)) {
                case ContentPart.Text t -> add("text").add(t.text());
                case ContentPart.Image i -> add("image").add(i.url());
                case ContentPart.File f -> add("file").add(f.raw().toString());
                case ContentPart.Audio a -> add("audio").add(a.raw().toString());
                case ContentPart.Other o -> add(o.type()).add(o.raw().toString());
            }
        }
        for (ToolCall c : m.toolCalls()) add("call").add(c.id()).add(c.name()).add(c.arguments());
    }

    private PrefixHash add(String s) {
        h.add(s);
        return this;
    }
}
