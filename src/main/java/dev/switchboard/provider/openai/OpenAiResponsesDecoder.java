package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's Responses-API answer → canonical, for the stages (usage for accounting, text for the cache), with the
 * body itself kept as {@link RawJson} for the Responses-dialect client it is passed back to.
 */
final class OpenAiResponsesDecoder {
    private OpenAiResponsesDecoder() {}

    /** @throws dev.switchboard.provider.AnswerShape.Wrong when the 200 is not a Response object (no {@code output} array) */
    static ChatResponse response(JsonNode body, String fallbackModel) throws dev.switchboard.provider.AnswerShape.Wrong {
        dev.switchboard.provider.AnswerShape.require(body != null && body.path("output").isArray(),
                "no 'output' array (not a Responses API object)");
        List<ToolCall> calls = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        String refusal = null;
        for (JsonNode item : body.path("output")) {
            switch (item.path("type").asText()) {
                case "message" -> {
                    for (JsonNode c : item.path("content")) {
                        if (c.path("type").asText().equals("output_text")) text.append(c.path("text").asText());
                        if (c.path("type").asText().equals("refusal")) refusal = c.path("refusal").asText();
                    }
                }
                case "function_call" -> calls.add(new ToolCall(item.path("call_id").asText(), item.path("name").asText(),
                        item.path("arguments").asText("")));
                case "custom_tool_call" -> calls.add(new ToolCall(item.path("call_id").asText(), item.path("name").asText(),
                        item.path("input").asText(""), true));
                case "reasoning" -> {
                    for (JsonNode s : item.path("summary")) reasoning.append(s.path("text").asText());
                }
                default -> { } // built-in tool calls: only in the raw body
            }
        }
        Message m = new Message(Role.ASSISTANT, text.isEmpty() ? List.of() : List.of(ContentPart.Text.of(text.toString())), null,
                calls, null, reasoning.isEmpty() ? null : reasoning.toString(), refusal);
        String model = body.path("model").asText(fallbackModel);
        return new ChatResponse(body.path("id").asText(null), body.path("created_at").asLong(), model,
                List.of(new Choice(0, m, finish(body, !calls.isEmpty()), null)),
                withTools(usage(body.path("usage")), dev.switchboard.provider.OpenAiBuiltInTools.used(body.path("output"))), null,
                body.path("service_tier").asText(null), new RawJson(RawJson.OPENAI_RESPONSES, body));
    }

    static FinishReason finish(JsonNode response, boolean calledTools) {
        if (response.path("status").asText().equals("incomplete")) {
            return response.path("incomplete_details").path("reason").asText().equals("content_filter")
                    ? FinishReason.CONTENT_FILTER : FinishReason.LENGTH;
        }
        return calledTools ? FinishReason.TOOL_CALLS : FinishReason.STOP;
    }

    /**
     * The usage with the built-in tool calls the answer holds (web and file searches, code interpreter containers),
     * which OpenAI bills beside the tokens; {@code usage} itself when there are none. Calls in an answer without usage
     * count on a zero usage: the fee is billed all the same.
     */
    static Usage withTools(Usage usage, dev.switchboard.provider.OpenAiBuiltInTools.Used used) {
        if (!used.any()) return usage;
        Usage u = usage == null ? Usage.ZERO : usage;
        return u.withDetails(u.details().withTools(used.webSearches(), used.fileSearches(), used.codeSessions()));
    }

    /** The Responses usage object; null when there is none. */
    static Usage usage(JsonNode u) {
        if (!u.isObject()) return null;
        return new Usage(u.path("input_tokens").asInt(), u.path("output_tokens").asInt(),
                u.path("input_tokens_details").path("cached_tokens").asInt(), u.path("input_tokens_details").path("cache_write_tokens").asInt(),
                u.path("output_tokens_details").path("reasoning_tokens").asInt());
    }
}
