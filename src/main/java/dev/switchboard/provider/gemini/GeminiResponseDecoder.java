package dev.switchboard.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Gemini {@code GenerateContentResponse} → canonical: text parts joined (thought parts as reasoning),
 * functionCall parts as tool calls (Gemini gives no id unless asked, so one is made from the response id and
 * the part's position; a thoughtSignature travels inside it), finishReason mapped, a blocked prompt as one
 * content_filter choice, usageMetadata with the implicit-cache count.
 */
final class GeminiResponseDecoder {
    private GeminiResponseDecoder() {}

    static ChatResponse response(JsonNode n, String fallbackModel) {
        List<Choice> choices = new ArrayList<>();
        String responseId = answerId(Json.text(n, "responseId"));
        for (JsonNode c : n.path("candidates")) {
            int index = c.path("index").asInt(choices.size());
            StringBuilder text = new StringBuilder();
            StringBuilder thought = new StringBuilder();
            List<ToolCall> calls = new ArrayList<>();
            ArrayNode images = null;
            for (JsonNode p : c.path("content").path("parts")) {
                if (p.has("functionCall")) {
                    JsonNode fc = p.get("functionCall");
                    calls.add(new ToolCall(callId(p, responseId, index, calls.size()), fc.path("name").asText(),
                            fc.has("args") ? fc.get("args").toString() : "{}"));
                } else if (p.path("thought").asBoolean(false)) {
                    thought.append(p.path("text").asText());
                } else if (p.has("text")) {
                    text.append(p.get("text").asText());
                } else if (isImage(p)) {
                    if (images == null) images = F.arrayNode();
                    images.add(image(p, images.size()));
                }
            }
            Message m = new Message(Role.ASSISTANT, calls.isEmpty() || text.length() > 0 ? List.of(ContentPart.Text.of(text.toString())) : List.of(),
                    null, calls, null, thought.length() > 0 ? thought.toString() : null, null,
                    images == null ? null : F.objectNode().set("images", images));
            FinishReason finish = calls.isEmpty() ? finishReason(Json.text(c, "finishReason")) : FinishReason.TOOL_CALLS;
            choices.add(new Choice(index, m, finish == null ? FinishReason.STOP : finish, null));
        }
        // A blocked prompt has no candidates at all; OpenAI's shape for that is a filtered, empty choice.
        if (choices.isEmpty() && promptBlocked(n)) {
            choices.add(new Choice(0, new Message(Role.ASSISTANT, List.of(ContentPart.Text.of("")), null, List.of(), null, null, null),
                    FinishReason.CONTENT_FILTER, null));
        }
        String model = Json.text(n, "modelVersion");
        return new ChatResponse(responseId,
                System.currentTimeMillis() / 1000, model == null ? fallbackModel : model, choices, usage(n.get("usageMetadata")), null, null);
    }

    private static final com.fasterxml.jackson.databind.node.JsonNodeFactory F = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;

    /** An image the model made ({@code inlineData} with an image type; its thought images, drafts, are not the answer). */
    static boolean isImage(JsonNode part) {
        return !part.path("thought").asBoolean(false) && part.path("inlineData").path("mimeType").asText().startsWith("image/")
                && part.path("inlineData").path("data").isTextual();
    }

    /**
     * An image part as OpenRouter and LiteLLM give a generated image in a chat answer, {@code message.images} (and
     * {@code delta.images} streamed): {@code {"type":"image_url","image_url":{"url":"data:<type>;base64,…"},"index":N}}.
     */
    static ObjectNode image(JsonNode part, int index) {
        JsonNode d = part.get("inlineData");
        ObjectNode img = F.objectNode().put("type", "image_url");
        img.putObject("image_url").put("url", "data:" + d.path("mimeType").asText() + ";base64," + d.path("data").asText());
        return img.put("index", index);
    }

    /** {@code promptFeedback.blockReason}: the prompt itself was refused and no candidate was generated. */
    static boolean promptBlocked(JsonNode n) {
        return Json.text(n.path("promptFeedback"), "blockReason") != null;
    }

    /**
     * The answer's id: Gemini's responseId, or (an answer without one) {@code gemini-} and 64 random bits. The tool-call
     * ids are made from it, so it must differ per answer: a constant fallback gave every turn's calls the same ids
     * ({@code call_gemini_0}), which a client keying tool results by id mixes up across turns.
     */
    static String answerId(String responseId) {
        return responseId != null ? responseId
                : "gemini-" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    }

    /**
     * The tool-call id of a functionCall part: Gemini's own id or one made up from the answer's id, the candidate
     * (from the second on, so that n > 1 gives no two calls one id) and the call's place, carrying the part's
     * thoughtSignature (if any) for the next request of the tool loop.
     */
    static String callId(JsonNode part, String answerId, int candidate, int index) {
        String id = Json.text(part.get("functionCall"), "id");
        if (id == null) id = "call_" + answerId + (candidate > 0 ? "_c" + candidate : "") + "_" + index;
        return ThoughtSignatures.attach(id, Json.text(part, "thoughtSignature"));
    }

    /**
     * Gemini finishReason → OpenAI's. Every value of Google's FinishReason enum that means "filtered" (text and
     * image safety, recitation, blocklists, prohibited content, SPII; Vertex's MODEL_ARMOR) is content_filter.
     */
    /**
     * Gemini's "the function call the model wrote is invalid": no answer at all (an empty turn ending normally
     * misled the client), but an upstream failure, which the router retries (a new try usually gives a valid call).
     */
    static final String MALFORMED = "MALFORMED_FUNCTION_CALL";

    static String malformed(JsonNode candidate) {
        String message = Json.text(candidate, "finishMessage");
        return "finishReason " + MALFORMED + " (the function call the model wrote was invalid" + (message == null ? "" : ": " + message) + ")";
    }

    static FinishReason finishReason(String r) {
        if (r == null || r.equals("FINISH_REASON_UNSPECIFIED")) return null;
        return switch (r) {
            case "STOP" -> FinishReason.STOP;
            case "MAX_TOKENS" -> FinishReason.LENGTH;
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT",
                 "IMAGE_RECITATION", "MODEL_ARMOR" -> FinishReason.CONTENT_FILTER;
            // LANGUAGE, OTHER, MALFORMED_FUNCTION_CALL, IMAGE_OTHER, NO_IMAGE, UNEXPECTED_TOOL_CALL, TOO_MANY_TOOL_CALLS, …:
            // not a filter, and OpenAI has no better word
            default -> FinishReason.STOP;
        };
    }

    /**
     * Prompt tokens include toolUsePromptTokenCount (the results of Google's built-in tools, such as search,
     * fed back to the model as input): Google documents totalTokenCount as prompt + candidates + tool-use prompt
     * + thoughts, so with thinking tokens inside completion tokens (as OpenAI counts reasoning_tokens inside
     * completion_tokens) our total is Google's.
     */
    static Usage usage(JsonNode u) {
        if (u == null || u.isNull()) return null;
        int thoughts = u.path("thoughtsTokenCount").asInt();
        // Audio in the prompt (and spoken answers) has its own price (the catalog's input_audio / output_audio), and
        // so do generated images (output_image: gemini-2.5-flash-image's $30 a million against $2.50 for text):
        // Google says how many tokens each modality took; without this an audio prompt was priced as text
        JsonNode answer = u.path("candidatesTokensDetails");
        Usage.Details details = new Usage.Details(modality(u.path("promptTokensDetails"), "AUDIO"),
                modality(answer, "AUDIO"), 0, 0, modality(answer, "IMAGE"));
        return new Usage(u.path("promptTokenCount").asInt() + u.path("toolUsePromptTokenCount").asInt(),
                u.path("candidatesTokenCount").asInt() + thoughts, u.path("cachedContentTokenCount").asInt(), 0, thoughts, 0,
                details);
    }

    /** The tokens of one modality in Gemini's {@code [{modality, tokenCount}]} list; 0 when it is not there. */
    static int modality(JsonNode details, String modality) {
        int tokens = 0;
        for (JsonNode d : details) if (modality.equals(Json.text(d, "modality"))) tokens += d.path("tokenCount").asInt();
        return tokens;
    }
}
