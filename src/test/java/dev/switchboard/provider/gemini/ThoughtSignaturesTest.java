package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.config.Deployment;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThoughtSignaturesTest {
    private static final ObjectMapper M = new ObjectMapper();
    /** Standard base64 with '+', '/' and padding: the characters an Anthropic tool_use id may not hold. */
    private static final String SIGNATURE = "+//+c2lnbmF0dXJlIGJ5dGVz/w==";

    @Test
    void theIdCarriesTheSignatureInAnAnthropicSafeFormAndGivesBackTheExactOriginal() {
        String id = ThoughtSignatures.attach("call_r1_0", SIGNATURE);
        assertThat(id).startsWith("call_r1_0__thought__").matches("^[a-zA-Z0-9_-]+$");
        assertThat(ThoughtSignatures.of(id)).isEqualTo(SIGNATURE);
        assertThat(ThoughtSignatures.attach("call_r1_0", null)).isEqualTo("call_r1_0");
        assertThat(ThoughtSignatures.of("call_r1_0")).isNull();
        assertThat(ThoughtSignatures.of("toolu_01abc")).isNull();
    }

    @Test
    void litellmIdsWithTheRawSignatureAreReadToo() {
        assertThat(ThoughtSignatures.of("call_x__thought__" + SIGNATURE)).isEqualTo(SIGNATURE);
        assertThat(ThoughtSignatures.of("call_x__thought__not base64!")).isNull();
    }

    @Test
    void onlyGemini3NeedsSignatures() {
        assertThat(ThoughtSignatures.required("gemini-3-pro-preview")).isTrue();
        assertThat(ThoughtSignatures.required("gemini-3.1-flash-preview")).isTrue();
        assertThat(ThoughtSignatures.required("models/gemini-3-flash-preview")).isTrue();
        assertThat(ThoughtSignatures.required("gemini-2.5-flash")).isFalse();
    }

    private static JsonNode encode(String model, List<Message> messages) {
        Deployment d = new Deployment("g", "gemini", model, null, null, null, null, null, Map.of(), Map.of(), Map.of(), 1);
        ChatRequest r = new ChatRequest("g", messages, null, null, null, null, null, null, null, null, null, null, null,
                null, false, false, null);
        return M.valueToTree(new GeminiRequestEncoder(d).encode(r));
    }

    private static Message calls(ToolCall... calls) {
        return new Message(Role.ASSISTANT, List.of(), null, List.of(calls), null, null, null);
    }

    private static Message result(String id) {
        return new Message(Role.TOOL, List.of(dev.switchboard.model.ContentPart.Text.of("ok")), null, null, id, null, null);
    }

    @Test
    void signaturesGoBackOnTheirPartsAndUnsignedCallsOfTheCurrentTurnGetGooglesDummyOnGemini3() {
        String signed = ThoughtSignatures.attach("call_a_0", SIGNATURE);
        List<Message> history = List.of(
                Message.text(Role.USER, "first question"),
                calls(new ToolCall("call_old", "f", "{}")), // an earlier turn: not validated by Google, left alone
                result("call_old"),
                Message.text(Role.USER, "second question"),
                calls(new ToolCall(signed, "f", "{}"), new ToolCall("call_a_1", "f", "{}")), // parallel: first one signed
                result(signed), result("call_a_1"),
                calls(new ToolCall("call_from_gpt", "g", "{}")), // a step another provider made
                result("call_from_gpt"));
        // contents: user, model, user (tool result + the second question, merged), model, user, model, user
        JsonNode contents = encode("gemini-3-pro-preview", history).get("contents");
        assertThat(contents.at("/1/parts/0").has("thoughtSignature")).isFalse();
        assertThat(contents.at("/3/parts/0/thoughtSignature").asText()).isEqualTo(SIGNATURE);
        assertThat(contents.at("/3/parts/1").has("thoughtSignature")).isFalse();
        assertThat(contents.at("/4/parts/0/functionResponse/name").asText()).isEqualTo("f");
        assertThat(contents.at("/5/parts/0/thoughtSignature").asText()).isEqualTo(ThoughtSignatures.DUMMY);

        JsonNode older = encode("gemini-2.5-flash", history).get("contents");
        assertThat(older.at("/3/parts/0/thoughtSignature").asText()).isEqualTo(SIGNATURE);
        assertThat(older.at("/5/parts/0").has("thoughtSignature")).isFalse();
    }

    @Test
    void aToolResultEchoingOnlyThePlainIdStillFindsItsCall() {
        String signed = ThoughtSignatures.attach("call_a_0", SIGNATURE);
        JsonNode contents = encode("gemini-3-flash-preview", List.of(Message.text(Role.USER, "q"),
                calls(new ToolCall(signed, "lookup", "{}")), result("call_a_0"))).get("contents");
        assertThat(contents.at("/2/parts/0/functionResponse/name").asText()).isEqualTo("lookup");
    }

    @Test
    void theDecoderPutsTheSignatureOfTheFirstParallelCallInItsId() throws Exception {
        var r = GeminiResponseDecoder.response(M.readTree("""
                {"responseId":"r1","candidates":[{"index":0,"finishReason":"STOP","content":{"role":"model","parts":[
                  {"functionCall":{"name":"f","args":{"x":1}},"thoughtSignature":"%s"},
                  {"functionCall":{"name":"f","args":{"x":2}}}]}}]}""".formatted(SIGNATURE)), "m");
        var calls = r.choices().get(0).message().toolCalls();
        assertThat(ThoughtSignatures.of(calls.get(0).id())).isEqualTo(SIGNATURE);
        assertThat(calls.get(1).id()).isEqualTo("call_r1_1");
    }
}
