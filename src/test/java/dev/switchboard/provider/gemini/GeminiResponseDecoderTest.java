package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeminiResponseDecoderTest {
    private static final ObjectMapper M = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
            "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "MODEL_ARMOR"})
    void everyFilteringFinishReasonIsContentFilter(String reason) {
        assertThat(GeminiResponseDecoder.finishReason(reason)).isEqualTo(FinishReason.CONTENT_FILTER);
    }

    @Test
    void otherFinishReasons() {
        assertThat(GeminiResponseDecoder.finishReason("STOP")).isEqualTo(FinishReason.STOP);
        assertThat(GeminiResponseDecoder.finishReason("MAX_TOKENS")).isEqualTo(FinishReason.LENGTH);
        assertThat(GeminiResponseDecoder.finishReason("MALFORMED_FUNCTION_CALL")).isEqualTo(FinishReason.STOP);
        assertThat(GeminiResponseDecoder.finishReason("IMAGE_OTHER")).isEqualTo(FinishReason.STOP);
        assertThat(GeminiResponseDecoder.finishReason("FINISH_REASON_UNSPECIFIED")).isNull();
    }

    @Test
    void toolUsePromptTokensCountAsPromptAndTheTotalMatchesGooglesTotal() throws Exception {
        Usage u = GeminiResponseDecoder.usage(M.readTree("""
                {"promptTokenCount":100,"toolUsePromptTokenCount":40,"candidatesTokenCount":20,"thoughtsTokenCount":5,
                 "cachedContentTokenCount":30,"totalTokenCount":165}"""));
        assertThat(u.promptTokens()).isEqualTo(140);
        assertThat(u.completionTokens()).isEqualTo(25);
        assertThat(u.cacheReadTokens()).isEqualTo(30);
        assertThat(u.reasoningTokens()).isEqualTo(5);
        assertThat(u.totalTokens()).isEqualTo(165);
    }

    @Test
    void aBlockedPromptIsOneEmptyFilteredChoice() throws Exception {
        ChatResponse r = GeminiResponseDecoder.response(M.readTree("""
                {"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":12,"totalTokenCount":12},
                 "modelVersion":"gemini-2.5-flash","responseId":"r1"}"""), "m");
        assertThat(r.choices()).hasSize(1);
        assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(r.choices().get(0).message().textContent()).isEmpty();
        assertThat(r.choices().get(0).message().toolCalls()).isEmpty();
        assertThat(r.usage().promptTokens()).isEqualTo(12);
    }

    @Test
    void audioTokensOfThePromptAndTheAnswerAreTheirOwnDetails() throws Exception {
        Usage u = GeminiResponseDecoder.usage(M.readTree("""
                {"promptTokenCount":100,"candidatesTokenCount":30,"totalTokenCount":130,
                 "promptTokensDetails":[{"modality":"TEXT","tokenCount":36},{"modality":"AUDIO","tokenCount":64}],
                 "candidatesTokensDetails":[{"modality":"AUDIO","tokenCount":20},{"modality":"TEXT","tokenCount":10}]}"""));
        assertThat(u.promptTokens()).isEqualTo(100);
        assertThat(u.details().audioPromptTokens()).isEqualTo(64);
        assertThat(u.details().audioCompletionTokens()).isEqualTo(20);
        assertThat(u.details().imageCompletionTokens()).isZero();
    }

    /**
     * An image model's picture: Google lists its tokens as the answer's IMAGE modality (1,290 for gemini-2.5-flash-image
     * up to 1024×1024), inside candidatesTokenCount. They are the answer's image tokens, which the catalog prices at
     * the image output rate ($30 a million against $2.50 for text); before, the whole answer was priced as text.
     */
    @Test
    void anAnswersImageTokensAreTheirOwnDetail() throws Exception {
        ChatResponse r = GeminiResponseDecoder.response(M.readTree("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"A cat."},
                   {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}}]},"finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":1294,"totalTokenCount":1301,
                   "promptTokensDetails":[{"modality":"TEXT","tokenCount":7}],
                   "candidatesTokensDetails":[{"modality":"TEXT","tokenCount":4},{"modality":"IMAGE","tokenCount":1290}]},
                 "modelVersion":"gemini-2.5-flash-image","responseId":"r1"}"""), "m");
        assertThat(r.choices().get(0).message().extra().get("images")).hasSize(1);
        Usage u = r.usage();
        assertThat(u.completionTokens()).isEqualTo(1294);
        assertThat(u.details().imageCompletionTokens()).isEqualTo(1290);
        assertThat(u.details().audioCompletionTokens()).isZero();
        assertThat(u.details().audioPromptTokens()).isZero();
        // no per-modality list (a text model, or an older answer): nothing is an image
        assertThat(GeminiResponseDecoder.usage(M.readTree("{\"promptTokenCount\":7,\"candidatesTokenCount\":4}")).details())
                .isEqualTo(Usage.Details.NONE);
    }

    /**
     * An answer without responseId: its tool-call ids were call_gemini_0, … on every turn, so a client keying results by
     * id mixed turns up. Each answer now has its own; a second candidate's calls differ from the first's too.
     */
    @Test
    void withoutAResponseIdEachAnswersToolCallIdsAreItsOwn() throws Exception {
        String body = """
                {"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{}}}]},"finishReason":"STOP"},
                               {"content":{"parts":[{"functionCall":{"name":"f","args":{}}}]},"finishReason":"STOP","index":1}]}""";
        ChatResponse a = GeminiResponseDecoder.response(M.readTree(body), "m");
        ChatResponse b = GeminiResponseDecoder.response(M.readTree(body), "m");
        String first = a.choices().get(0).message().toolCalls().get(0).id();
        assertThat(first).startsWith("call_gemini-").isNotEqualTo(b.choices().get(0).message().toolCalls().get(0).id());
        assertThat(a.choices().get(1).message().toolCalls().get(0).id()).isNotEqualTo(first);
        assertThat(a.id()).isEqualTo(first.substring("call_".length(), first.lastIndexOf('_')));
    }
}
