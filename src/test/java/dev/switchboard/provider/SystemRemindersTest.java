package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a mid-conversation system message's note lands. */
class SystemRemindersTest {
    private static Message tool(String id, String text) {
        return new Message(Role.TOOL, List.of(ContentPart.Text.of(text)), null, null, id, null, null);
    }

    private static String texts(Message m) {
        StringBuilder b = new StringBuilder();
        for (ContentPart p : m.content()) if (p instanceof ContentPart.Text t) b.append('[').append(t.text()).append(']');
        return b.toString();
    }

    /** The reviewer's scenario: before, the user turn "fix bug" got [N2, N1] and the tool results none. */
    @Test
    void aNoteAfterToolResultsFollowsThemInItsOwnUserMessageAndNotesKeepTheirOrder() {
        List<Message> in = List.of(Message.text(Role.SYSTEM, "lead"), Message.text(Role.USER, "fix bug"), Message.text(Role.ASSISTANT, "call A"), tool("A", "result A"),
                Message.text(Role.SYSTEM, "N1"), Message.text(Role.ASSISTANT, "call B"), tool("B", "result B"),
                Message.text(Role.SYSTEM, "N2"), Message.text(Role.SYSTEM, "N3"));
        List<Message> out = SystemReminders.folded(in, "Gemini");
        assertThat(out.stream().map(Message::role).toList()).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL,
                Role.USER, Role.ASSISTANT, Role.TOOL, Role.USER);
        assertThat(texts(out.get(1))).isEqualTo("[fix bug]");
        assertThat(texts(out.get(4))).isEqualTo("[<system-reminder>\nN1\n</system-reminder>]");
        assertThat(texts(out.get(7))).isEqualTo("[<system-reminder>\nN2\n</system-reminder>][<system-reminder>\nN3\n</system-reminder>]");
    }

    @Test
    void twoNotesOnOneUserTurnKeepTheirOrderAndNotesBeforeAnyUserTurnOpenTheFirst() {
        List<Message> out = SystemReminders.folded(List.of(Message.text(Role.SYSTEM, "lead"), Message.text(Role.ASSISTANT, "hi"),
                Message.text(Role.SYSTEM, "N0"), Message.text(Role.USER, "q"), Message.text(Role.SYSTEM, "N1"),
                Message.text(Role.SYSTEM, "N2")), "Gemini");
        assertThat(out).hasSize(3);
        assertThat(texts(out.get(2))).isEqualTo("[<system-reminder>\nN0\n</system-reminder>][q]"
                + "[<system-reminder>\nN1\n</system-reminder>][<system-reminder>\nN2\n</system-reminder>]");
    }

    /** A cache_control_injection_points index -1 on the trailing system message: its cachePoint must not be lost. */
    @Test
    void theSystemMessagesCacheMarkerMovesOntoItsNote() {
        var marker = Json.MAPPER.createObjectNode().put("type", "ephemeral");
        Message system = new Message(Role.SYSTEM, List.of(new ContentPart.Text("N", marker)), null, null, null, null, null);
        List<Message> out = SystemReminders.folded(List.of(Message.text(Role.SYSTEM, "lead"), Message.text(Role.USER, "q"), system), "Bedrock");
        assertThat(out).hasSize(2);
        assertThat(out.get(1).content().get(1).cacheControl()).isEqualTo(marker);
    }

    /**
     * An OpenAI client whose only system message is not first: folded, it left the conversation without a system prompt;
     * now the first run of system messages is the prompt (moved first), and only later ones are notes.
     */
    @Test
    void withoutALeadingSystemMessageTheFirstRunIsTheSystemPrompt() {
        List<Message> out = SystemReminders.folded(List.of(Message.text(Role.USER, "q"), Message.text(Role.ASSISTANT, "a"),
                Message.text(Role.SYSTEM, "S1"), Message.text(Role.DEVELOPER, "S2"), Message.text(Role.USER, "q2"),
                Message.text(Role.SYSTEM, "N")), "Gemini");
        assertThat(out.stream().map(Message::role).toList()).containsExactly(Role.SYSTEM, Role.DEVELOPER, Role.USER,
                Role.ASSISTANT, Role.USER);
        assertThat(texts(out.get(0)) + texts(out.get(1))).isEqualTo("[S1][S2]");
        assertThat(texts(out.get(4))).isEqualTo("[q2][<system-reminder>\nN\n</system-reminder>]");
        List<Message> only = List.of(Message.text(Role.USER, "q"), Message.text(Role.ASSISTANT, "a"), Message.text(Role.SYSTEM, "S"),
                Message.text(Role.USER, "q2"));
        assertThat(SystemReminders.folded(only, "Gemini").stream().map(Message::role).toList())
                .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER);
    }

    /** Between parallel calls' results the note made [toolResult a, text, toolResult b], which Claude refuses. */
    @Test
    void aNoteAmidParallelToolResultsFollowsTheLastOfThem() {
        List<Message> out = SystemReminders.folded(List.of(Message.text(Role.SYSTEM, "lead"), Message.text(Role.USER, "q"),
                Message.text(Role.ASSISTANT, "call a, b"), tool("a", "result a"), Message.text(Role.SYSTEM, "N"),
                tool("b", "result b"), Message.text(Role.ASSISTANT, "done")), "Bedrock");
        assertThat(out.stream().map(Message::role).toList()).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL,
                Role.TOOL, Role.USER, Role.ASSISTANT);
        assertThat(texts(out.get(5))).isEqualTo("[<system-reminder>\nN\n</system-reminder>]");
    }
}
