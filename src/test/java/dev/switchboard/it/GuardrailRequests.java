package dev.switchboard.it;

import com.anthropic.models.messages.MessageCreateParams;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.support.TestGateway;
import java.util.List;

/** The guardrail ITs' requests (alias {@code gpt} / {@code claude}, guardrails named in the body) and provider-call count. */
final class GuardrailRequests {
    private GuardrailRequests() {}

    /** Chat and Messages calls the gateway's simulator received (what a pre_call block must keep at zero). */
    static long providerCalls(TestGateway gw) {
        return gw.simulator.received().stream()
                .filter(r -> r.path().equals("/v1/chat/completions") || r.path().equals("/v1/messages")).count();
    }

    static ChatCompletionCreateParams.Builder ask(String text, String... guardrails) {
        return ChatCompletionCreateParams.builder().model("gpt").addUserMessage(text)
                .putAdditionalBodyProperty("guardrails", JsonValue.from(List.of(guardrails)));
    }

    static MessageCreateParams.Builder askClaude(String text, String... guardrails) {
        return MessageCreateParams.builder().model("claude").maxTokens(256).addUserMessage(text)
                .putAdditionalBodyProperty("guardrails", com.anthropic.core.JsonValue.from(List.of(guardrails)));
    }
}
