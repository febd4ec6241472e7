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
        List<Message> in = List.of(Message.text(Role.USER, "fix bug"), Message.text(Role.ASSISTANT, "call A"), tool("A", "result A"),
                Message.text(Role.SYSTEM, "N1"), Message.text(Role.ASSISTANT, "call B"), tool("B", "result B"),
                Message.text(Role.SYSTEM, "N2"), Message.text(Role.SYSTEM, "N3"));
        List<Message> out = SystemReminders.folded(in, "Gemini");
        assertThat(out.stream().map(Message::role).toList()).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.USER,
                Role.ASSISTANT, Role.TOOL, Role.USER);
        assertThat(texts(out.get(0))).isEqualTo("[fix bug]");
        assertThat(texts(out.get(3))).isEqualTo("[<system-reminder>\nN1\n</system-reminder>]");
        assertThat(texts(out.get(6))).isEqualTo("[<system-reminder>\nN2\n</system-reminder>][<system-reminder>\nN3\n</system-reminder>]");
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
        List<Message> out = SystemReminders.folded(List.of(Message.text(Role.USER, "q"), system), "Bedrock");
        assertThat(out).hasSize(1);
        assertThat(out.get(0).content().get(1).cacheControl()).isEqualTo(marker);
    }
}
