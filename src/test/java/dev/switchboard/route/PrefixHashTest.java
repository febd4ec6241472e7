package dev.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What counts as the cacheable prefix that affinity keys on. */
class PrefixHashTest {
    private static final Tool TOOL = new Tool("search", "Search the web", JsonNodeFactory.instance.objectNode(), null, null);

    private static ChatRequest req(List<Message> messages, List<Tool> tools) {
        return new ChatRequest("m", messages, tools, null, null, null, null, null, null, null, null, null, null, null,
                false, false, null);
    }

    private static List<Message> conversation(String system, int turns) {
        List<Message> out = new ArrayList<>();
        out.add(Message.text(Role.SYSTEM, system));
        for (int i = 0; i < turns; i++) {
            out.add(Message.text(Role.USER, "question " + i));
            out.add(Message.text(Role.ASSISTANT, "answer " + i));
        }
        return out;
    }

    @Test
    void anAgentsTurnsShareTheSystemPromptAndToolsPrefix() {
        long first = PrefixHash.of(req(conversation("You are a coding agent.", 1), List.of(TOOL)));
        long later = PrefixHash.of(req(conversation("You are a coding agent.", 7), List.of(TOOL)));
        long other = PrefixHash.of(req(conversation("You are a travel agent.", 1), List.of(TOOL)));
        long noTools = PrefixHash.of(req(conversation("You are a coding agent.", 1), List.of()));
        assertThat(first).isNotZero().isEqualTo(later);
        assertThat(other).isNotEqualTo(first);
        assertThat(noTools).isNotEqualTo(first);
    }

    @Test
    void aCacheControlBreakpointEndsThePrefix() {
        var marker = JsonNodeFactory.instance.objectNode().put("type", "ephemeral");
        Message doc = new Message(Role.USER, List.of(new ContentPart.Text("a long document", marker),
                new ContentPart.Text("question one", null)), null, null, null, null, null);
        Message doc2 = new Message(Role.USER, List.of(new ContentPart.Text("a long document", marker),
                new ContentPart.Text("question two", null)), null, null, null, null, null);
        Message otherDoc = new Message(Role.USER, List.of(new ContentPart.Text("another document", marker),
                new ContentPart.Text("question one", null)), null, null, null, null, null);
        assertThat(PrefixHash.of(req(List.of(doc), List.of()))).isEqualTo(PrefixHash.of(req(List.of(doc2), List.of())))
                .isNotEqualTo(PrefixHash.of(req(List.of(otherDoc), List.of())));
    }

    /**
     * Claude Code marks the system prompt and each turn's last message: the last breakpoint moves every turn, so keyed up
     * to it each turn had a prefix of its own and could land on another deployment. Keyed through the conversation's first
     * message, the turns of one conversation share a key; another conversation (another first message) has its own.
     */
    @Test
    void aBreakpointOnEachTurnsLastMessageKeepsOneKeyForTheConversation() {
        var marker = JsonNodeFactory.instance.objectNode().put("type", "ephemeral");
        Message system = new Message(Role.SYSTEM, List.of(new ContentPart.Text("You are Claude Code.", null),
                new ContentPart.Text("House rules.", marker)), null, null, null, null, null);
        List<Long> keys = new ArrayList<>();
        List<Message> turns = new ArrayList<>(List.of(system));
        for (int turn = 0; turn < 3; turn++) {
            List<Message> sent = new ArrayList<>(turns);
            sent.add(new Message(Role.USER, List.of(new ContentPart.Text("<system-reminder>ctx</system-reminder>", null),
                    new ContentPart.Text(turn == 0 ? "Fix the bug" : "tool result " + turn, marker)), null, null, null, null, null));
            keys.add(PrefixHash.of(req(sent, List.of(TOOL))));
            turns.add(new Message(Role.USER, List.of(new ContentPart.Text("<system-reminder>ctx</system-reminder>", null),
                    new ContentPart.Text(turn == 0 ? "Fix the bug" : "tool result " + turn, null)), null, null, null, null, null));
            turns.add(Message.text(Role.ASSISTANT, "step " + turn));
        }
        assertThat(keys.get(0)).isNotZero();
        assertThat(keys).containsOnly(keys.get(0));
        List<Message> other = List.of(system, new Message(Role.USER, List.of(new ContentPart.Text("Write the docs", marker)),
                null, null, null, null, null));
        assertThat(PrefixHash.of(req(other, List.of(TOOL)))).isNotEqualTo(keys.get(0));
    }

    @Test
    void aBarePromptHasNoCacheablePrefix() {
        assertThat(PrefixHash.of(req(List.of(Message.text(Role.USER, "hi")), List.of()))).isEqualTo(PrefixHash.NONE);
    }
}
