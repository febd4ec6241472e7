package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.FinishReason;
import org.junit.jupiter.api.Test;

class FinishReasonsTest {
    @Test
    void openAisOwnAndOtherServersWordsKeepTheirMeaning() throws Exception {
        assertThat(FinishReasons.of("stop")).isEqualTo(FinishReason.STOP);
        assertThat(FinishReasons.of("eos")).isEqualTo(FinishReason.STOP);
        assertThat(FinishReasons.of("tool_calls")).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(FinishReasons.of("model_length")).as("Mistral: cut by the context length").isEqualTo(FinishReason.LENGTH);
        assertThat(FinishReasons.of(null)).isNull();
        assertThat(FinishReasons.of("safety")).as("a safety stop is a filter, not a cut").isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(FinishReasons.of("recitation")).isEqualTo(FinishReason.CONTENT_FILTER);
    }

    /** As LiteLLM's map_finish_reason: an unmapped word is a stop, not a cut answer a client would act on. */
    @Test
    void aReasonNoServerInTheTableWritesIsAStopAsInLiteLlm() throws Exception {
        assertThat(FinishReasons.of("some_new_reason")).isEqualTo(FinishReason.STOP);
        assertThat(FinishReasons.of("COMPLETE")).as("Cohere's normal end").isEqualTo(FinishReason.STOP);
        assertThat(FinishReasons.of("FINISH_REASON_UNSPECIFIED")).isEqualTo(FinishReason.STOP);
    }

    /** The words of LiteLLM's table that mean a cut or filtered answer keep that meaning, in any case. */
    @Test
    void wordsForACutOrFilteredAnswerKeepTheirMeaningInAnyCase() throws Exception {
        assertThat(FinishReasons.of("MAX_TOKENS")).isEqualTo(FinishReason.LENGTH);
        assertThat(FinishReasons.of("SAFETY")).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(FinishReasons.of("PROHIBITED_CONTENT")).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(FinishReasons.of("ERROR_TOXIC")).as("Cohere").isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(FinishReasons.of("sensitive")).as("Zhipu GLM").isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(FinishReasons.of("guardrail_intervened")).as("Bedrock").isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(FinishReasons.of("refusal")).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(FinishReasons.of("Eos")).isEqualTo(FinishReason.STOP);
    }

    @Test
    void aFailedGenerationIsAnErrorNamingTheDeployment() {
        assertThatThrownBy(() -> FinishReasons.of("error")).isInstanceOfSatisfying(FinishReasons.Failed.class, f -> {
            assertThat(f.error("mistral/m").kind()).isEqualTo(ErrorKind.UPSTREAM);
            assertThat(f.error("mistral/m").getMessage()).contains("mistral/m").contains("'error'");
        });
        assertThatThrownBy(() -> FinishReasons.of("insufficient_system_resource")).isInstanceOfSatisfying(FinishReasons.Failed.class,
                f -> assertThat(f.error("deepseek/d").kind()).isEqualTo(ErrorKind.UNAVAILABLE));
        assertThatThrownBy(() -> FinishReasons.of("abort")).as("vLLM's aborted request").isInstanceOf(FinishReasons.Failed.class);
    }
}
