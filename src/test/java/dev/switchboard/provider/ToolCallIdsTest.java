package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolCallIdsTest {
    private static ChatResponse answer(List<ToolCall>... perChoice) {
        List<Choice> choices = new java.util.ArrayList<>();
        for (List<ToolCall> calls : perChoice) {
            choices.add(new Choice(choices.size(), new Message(Role.ASSISTANT, List.of(), null, calls, null, null, null),
                    FinishReason.TOOL_CALLS, null));
        }
        return new ChatResponse("id", 1, "m", choices, Usage.ZERO, null, null);
    }

    @Test
    void anAnswerWhoseCallsAllHaveIdsIsTheSameAnswer() {
        ChatResponse r = answer(List.of(), List.of(new ToolCall("call_1", "f", "{}"), new ToolCall("call_2", "g", "{}")));
        assertThat(ToolCallIds.filled(r)).isSameAs(r);
    }

    @Test
    void aCallWithoutAnIdOrWithAnEmptyOneGetsOneTheOthersKeepTheirs() {
        ChatResponse r = answer(List.of(new ToolCall("call_1", "f", "{}")),
                List.of(new ToolCall("call_2", "f", "{}"), new ToolCall(null, "g", "{}")),
                List.of(new ToolCall("", "h", "{}")));
        ChatResponse out = ToolCallIds.filled(r);
        assertThat(out).isNotSameAs(r);
        assertThat(out.choices().get(0)).isSameAs(r.choices().get(0));
        List<ToolCall> second = out.choices().get(1).message().toolCalls();
        assertThat(second.get(0).id()).isEqualTo("call_2");
        assertThat(second.get(1).id()).startsWith("call_").hasSize(29);
        assertThat(second.get(1).name()).isEqualTo("g");
        assertThat(out.choices().get(2).message().toolCalls().get(0).id()).startsWith("call_").isNotEqualTo(second.get(1).id());
    }
}
