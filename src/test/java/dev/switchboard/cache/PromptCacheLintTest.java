package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptCacheLintTest {
    private static final com.fasterxml.jackson.databind.JsonNode EPHEMERAL = JsonNodeFactory.instance.objectNode().put("type", "ephemeral");
    private final PromptCacheLint lint = new PromptCacheLint();

    private static ChatRequest request(String system, boolean breakpoint, String user) {
        Message sys = new Message(Role.SYSTEM, List.of(new ContentPart.Text(system, breakpoint ? EPHEMERAL : null)), null, null, null, null, null);
        return new ChatRequest("claude", List.of(sys, Message.text(Role.USER, user)), null, null, null, null, null, null,
                null, null, null, null, null, null, false, false, null);
    }

    @Test
    void nothingToSayWithoutABreakpoint() {
        assertThat(lint.lint("app", request("Now: 2026-11-27T10:00:00Z", false, "hi"))).isEmpty();
    }

    @Test
    void volatileContentInTheCachedPrefix() {
        assertThat(lint.lint("a1", request("You are helpful. Current time: 2026-11-27T10:00:00Z", true, "hi")))
                .containsExactly("volatile timestamp '2026-11-27T10:00:00' in cached prefix at messages[0]");
        assertThat(lint.lint("a2", request("Session 1b4e28ba-2fa1-11d2-883f-0016d3cca427", true, "hi")))
                .singleElement().asString().contains("UUID");
        assertThat(lint.lint("a3", request("Stable instructions only.", true, "at 2026-11-27T10:00:00Z")))
                .as("volatile text after the breakpoint does not matter").isEmpty();
    }

    /**
     * Claude Code's long tool loops repeat one session id in every tool result: one finding per value (at its first
     * segment, with how many later ones repeat it), at most five values, else the log line grew to megabytes a request.
     */
    @Test
    void aValueRepeatedInManySegmentsIsOneFindingAndTheFindingsAreCapped() {
        java.util.List<Message> messages = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) messages.add(Message.text(Role.USER, "output in /tmp/1b4e28ba-2fa1-11d2-883f-0016d3cca427/tasks/" + i));
        for (int i = 0; i < 8; i++) messages.add(Message.text(Role.USER, "run 1b4e28ba-2fa1-11d2-883f-0016d3cca4" + (10 + i)));
        messages.add(new Message(Role.USER, List.of(new ContentPart.Text("now", EPHEMERAL)), null, null, null, null, null));
        ChatRequest r = new ChatRequest("claude", messages, null, null, null, null, null, null, null, null, null, null, null, null,
                false, false, null);
        List<String> findings = lint.lint("long", r);
        assertThat(findings).hasSize(PromptCacheLint.MAX_VOLATILE + 1);
        assertThat(findings.get(0)).isEqualTo("volatile UUID '1b4e28ba-2fa1-11d2-883f-0016d3cca427' in cached prefix at messages[0] "
                + "(and 499 later segments)");
        assertThat(findings.get(1)).isEqualTo("volatile UUID '1b4e28ba-2fa1-11d2-883f-0016d3cca410' in cached prefix at messages[500]");
        assertThat(findings.get(PromptCacheLint.MAX_VOLATILE)).isEqualTo("4 more volatile values in cached prefix");
    }

    @Test
    void prefixThatChangedSinceThePreviousRequestOfTheSameApp() {
        assertThat(lint.lint("app", request("Instructions v1", true, "first"))).isEmpty();
        assertThat(lint.lint("app", request("Instructions v1", true, "second"))).isEmpty();
        assertThat(lint.lint("app", request("Instructions v2", true, "third")))
                .containsExactly("cached prefix changed at messages[0] since the previous request (cache miss from there on)");
        assertThat(lint.lint("other-app", request("Instructions v3", true, "x"))).as("apps are compared separately").isEmpty();
    }
}
