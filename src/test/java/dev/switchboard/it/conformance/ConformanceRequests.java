package dev.switchboard.it.conformance;

import com.anthropic.models.messages.Base64ImageSource;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.ImageBlockParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAny;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionSystemMessageParam;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import java.util.List;
import java.util.Map;

/** The requests the conformance suite sends, built with each official SDK as an app would. */
final class ConformanceRequests {
    /** A 1x1 PNG. */
    static final String PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    /** Well above every provider's minimum cacheable prefix (1,024 tokens). */
    static final String LONG_SYSTEM = "You are a careful assistant who answers in full sentences. ".repeat(110);

    private ConformanceRequests() {}

    static ChatCompletionCreateParams.Builder openAi(String alias, String user) {
        return ChatCompletionCreateParams.builder().model(alias).addUserMessage(user);
    }

    static MessageCreateParams.Builder anthropic(String alias, String user) {
        return MessageCreateParams.builder().model(alias).maxTokens(1024).addUserMessage(user);
    }

    static ChatCompletionFunctionTool openAiWeather() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                .description("The weather at a place")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("location"))).build()).build()).build();
    }

    /** Tools offered and one demanded, so every provider (the mock included) calls it. */
    static ChatCompletionCreateParams.Builder openAiToolCall(String alias) {
        return openAi(alias, "What is the weather in Paris?").addTool(openAiWeather())
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED);
    }

    static Tool anthropicWeather() {
        return Tool.builder().name("get_weather").description("The weather at a place")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(com.anthropic.core.JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .required(List.of("location")).build()).build();
    }

    static MessageCreateParams.Builder anthropicToolCall(String alias) {
        return anthropic(alias, "What is the weather in Paris?").addTool(anthropicWeather())
                .toolChoice(ToolChoiceAny.builder().build());
    }

    static ChatCompletionCreateParams openAiImage(String alias) {
        return ChatCompletionCreateParams.builder().model(alias).addUserMessageOfArrayOfContentParts(List.of(
                ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is in this picture?").build()),
                ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder().imageUrl(
                        ChatCompletionContentPartImage.ImageUrl.builder().url("data:image/png;base64," + PNG_BASE64).build()).build())))
                .build();
    }

    static MessageCreateParams anthropicImage(String alias) {
        return MessageCreateParams.builder().model(alias).maxTokens(1024).addUserMessageOfContentBlockParams(List.of(
                ContentBlockParam.ofText(TextBlockParam.builder().text("What is in this picture?").build()),
                ContentBlockParam.ofImage(ImageBlockParam.builder().source(Base64ImageSource.builder()
                        .mediaType(Base64ImageSource.MediaType.IMAGE_PNG).data(PNG_BASE64).build()).build()))).build();
    }

    /** A long system prompt marked for caching (OpenAI's SDK has no field for cache_control: an extra property, as apps send it). */
    static ChatCompletionCreateParams openAiCached(String alias, String question) {
        ChatCompletionContentPartText part = ChatCompletionContentPartText.builder().text(LONG_SYSTEM)
                .putAdditionalProperty("cache_control", JsonValue.from(Map.of("type", "ephemeral"))).build();
        return ChatCompletionCreateParams.builder().model(alias)
                .addMessage(ChatCompletionSystemMessageParam.builder().contentOfArrayOfContentParts(List.of(part)).build())
                .addUserMessage(question).build();
    }

    static MessageCreateParams anthropicCached(String alias, String question) {
        return MessageCreateParams.builder().model(alias).maxTokens(1024)
                .systemOfTextBlockParams(List.of(TextBlockParam.builder().text("Anthropic dialect. " + LONG_SYSTEM)
                        .cacheControl(CacheControlEphemeral.builder().build()).build()))
                .addUserMessage(question).build();
    }
}
