package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.AnswerShape;
import dev.switchboard.provider.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * A Converse answer → canonical: {@code text} blocks joined (with the text of {@code citationsContent} blocks, whose
 * citations go in the message's {@link dev.switchboard.model.CitedText#FIELD}), {@code toolUse} blocks as tool calls (their input
 * as JSON text), {@code reasoningContent} as reasoning, {@code stopReason} mapped ({@link BedrockModels}), usage
 * with the prompt-cache counts. Converse gives no response id; the gateway makes one.
 */
final class BedrockResponseDecoder {
    private BedrockResponseDecoder() {}

    static ChatResponse response(JsonNode n, String model, List<String> stops) throws AnswerShape.Wrong {
        return response(n, model, stops, BedrockDocuments.NONE);
    }

    /** @param documents the request's documents, for a citation's Anthropic document_index and document_title */
    static ChatResponse response(JsonNode n, String model, List<String> stops, BedrockDocuments documents) throws AnswerShape.Wrong {
        JsonNode message = n.path("output").path("message");
        if (!message.path("content").isArray()) throw new AnswerShape.Wrong("output.message.content is not a list");
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        ArrayNode signed = null;
        ArrayNode cited = null;
        for (JsonNode b : message.get("content")) {
            if (b.has("text")) {
                text.append(b.get("text").asText());
                if (cited != null) cited.addObject().put("type", "text").put("text", b.get("text").asText());
            } else if (b.has("citationsContent")) {
                if (cited == null) cited = BedrockCitations.textBefore(message.get("content"), b);
                ObjectNode block = BedrockCitations.textBlock(b.get("citationsContent"), documents);
                text.append(block.get("text").asText());
                cited.add(block);
            } else if (b.has("toolUse")) {
                JsonNode t = b.get("toolUse");
                calls.add(new ToolCall(Json.text(t, "toolUseId"), Json.text(t, "name"), t.has("input") ? t.get("input").toString() : "{}"));
            } else if (b.has("reasoningContent")) {
                String r = Json.text(b.get("reasoningContent").path("reasoningText"), "text");
                if (r != null) reasoning.append(r);
                ObjectNode block = BedrockThinking.block(b.get("reasoningContent"));
                if (block != null) {
                    if (signed == null) signed = JsonNodeFactory.instance.arrayNode();
                    signed.add(block);
                }
            }
        }
        // Claude's signed thinking as LiteLLM's thinking_blocks, for the next turn of a tool loop (BedrockThinking)
        ObjectNode extra = signed == null ? null : JsonNodeFactory.instance.objectNode().set("thinking_blocks", signed);
        if (cited != null) { // the answer's text as Anthropic's text blocks with their citations (BedrockCitations)
            if (extra == null) extra = JsonNodeFactory.instance.objectNode();
            extra.set(dev.switchboard.model.CitedText.FIELD, dev.switchboard.model.CitedText.of(cited));
        }
        Message m = new Message(Role.ASSISTANT, calls.isEmpty() || text.length() > 0 ? List.of(ContentPart.Text.of(text.toString())) : List.of(),
                null, calls, null, reasoning.length() > 0 ? reasoning.toString() : null, null, extra);
        FinishReason finish = BedrockModels.finishReason(Json.text(n, "stopReason"), !calls.isEmpty());
        return new ChatResponse(newId(),
                System.currentTimeMillis() / 1000, model, List.of(new Choice(0, m, finish, null, stopSequence(n, stops))), usage(n.get("usage")), null, null);
    }

    /**
     * Which of the request's stop sequences ended the answer, when {@code stopReason} says one did: Claude's own word for
     * it ({@code additionalModelResponseFields.stop_sequence}, asked for by {@link BedrockRequestEncoder}), else the
     * request's only one; null when the request had several and the model did not say (never a guess).
     */
    static String stopSequence(JsonNode n, List<String> stops) {
        if (!"stop_sequence".equals(Json.text(n, "stopReason"))) return null;
        String said = Json.text(n.path("additionalModelResponseFields"), "stop_sequence");
        if (said != null) return said;
        return stops.stream().distinct().count() == 1 ? stops.get(0) : null;
    }

    /** Converse answers carry no id (only the x-amzn-RequestId header): one of ours, in OpenAI's style. */
    static String newId() {
        return "chatcmpl-bedrock-" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    }

    /**
     * Converse's {@code inputTokens} are the uncached ones (as Anthropic's input_tokens); the canonical prompt count
     * includes reads and writes, as OpenAI's does, so the three are added. {@code cacheDetails} splits the writes by
     * lifetime ({@code [{"ttl": "1h", "inputTokens"}, {"ttl": "5m", …}]}): the 1-hour ones are priced at twice the input
     * rate, not the 5-minute 1.25×, as Anthropic's {@code ephemeral_1h_input_tokens} are. With {@code cacheDetails}
     * the lifetimes are said ({@link Usage#writeLifetimesSaid}): a one-hour cache point whose writes Bedrock lists as
     * 5-minute ones has no one-hour write, where a count without them leaves the split unknown.
     */
    static Usage usage(JsonNode u) {
        if (u == null || !u.isObject()) return null;
        int read = u.path("cacheReadInputTokens").asInt();
        int write = u.path("cacheWriteInputTokens").asInt();
        int hour = 0;
        for (JsonNode d : u.path("cacheDetails")) {
            if ("1h".equals(Json.text(d, "ttl"))) hour += d.path("inputTokens").asInt();
        }
        boolean said = u.path("cacheDetails").isArray() && !u.path("cacheDetails").isEmpty();
        return new Usage(u.path("inputTokens").asInt() + read + write, u.path("outputTokens").asInt(), read, write, 0,
                Math.min(hour, write), Usage.Details.NONE, null, null, null, said);
    }
}
