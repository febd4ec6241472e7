package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.GatewayReasoning;
import dev.switchboard.provider.ToolCallIds;
import java.util.regex.Pattern;

/**
 * The client's Responses body as an OpenAI deployment's {@code /responses} is passed it: {@code model} replaced,
 * {@code stream} as the call streams, and the input cleaned of what the gateway made for another provider, which a
 * stateless client (Codex CLI, {@code store: false}) hands back when its conversation moves to OpenAI (a model switch,
 * an alias whose deployments mix providers, a fallback):
 * <ul>
 * <li>the reasoning items the gateway made from another provider's answer: OpenAI verifies every reasoning item and
 *     can verify only its own (Claude's signed thinking in {@code encrypted_content} is its 400
 *     {@code invalid_encrypted_content}, an item without it its 404 "Item with id 'rs_…' not found"). Ours are told by
 *     {@link GatewayReasoning#CONTENT_PREFIX} or {@link GatewayReasoning#ID_PREFIX} on any endpoint; the plain
 *     {@code rs_} and 32 hex of earlier gateways only on OpenAI's own ({@code openAiItself}), since vLLM names its own
 *     reasoning items so (a uuid4's hex) and wants them back. Codex CLI hands reasoning items back without their id
 *     and, without {@code encrypted_content}, with the model's {@code reasoning_text} {@code content} when the model
 *     wrote some (gpt-oss on vLLM, MiniMax-M2, Qwen3): an id-less item is left out on OpenAI's own endpoint (nothing
 *     to look up there, its 404 "Item with id … not found"), and on every other one (a vLLM, an
 *     {@code OPENAI_API_BASE} proxy) only when it carries no {@code reasoning_text}: the gateway's own items carry
 *     only {@code summary}, so a proxy in front of OpenAI is not handed them, while a vLLM gets its model's reasoning
 *     back between tool calls (it takes the item without an id, names it and feeds the text to the prompt).</li>
 * <li>the Gemini signature the Gemini provider appends to tool-call ids ({@link ToolCallIds#SIGNATURE_SEPARATOR}), as
 *     the chat encoder strips it: OpenAI refuses a {@code call_id} over 64 characters, and a signed one is longer.</li>
 * <li>Anthropic's prompt-cache markers, the top-level {@code cache_control} and the one on an input message's
 *     content part, which the gateway takes on the Responses API for Claude (LiteLLM's clients send them): OpenAI
 *     refuses a field it does not know (its 400 "Unknown parameter"), so they go only to a flavor that forwards
 *     {@code cache_control} on chat ({@link OpenAiFlavor#forwardsCacheControl}), the chat encoder's rule.</li>
 * </ul>
 * A shallow copy: the client's nodes are shared, never changed; only the input array and the items with a new
 * {@code call_id} are new.
 */
final class ResponsesPassThrough {
    /** An earlier gateway's reasoning id (OpenAI's are {@code rs_} and 48 or 50 hex). */
    private static final Pattern EARLIER_GATEWAY_ID = Pattern.compile("rs_[0-9a-f]{32}");

    private ResponsesPassThrough() {}

    static ObjectNode body(ObjectNode client, String model, boolean stream, boolean openAiItself) {
        return body(client, model, stream, openAiItself, false);
    }

    static ObjectNode body(ObjectNode client, String model, boolean stream, boolean openAiItself, boolean forwardsCacheControl) {
        ObjectNode body = client.objectNode();
        body.setAll(client);
        body.put("model", model);
        if (stream) body.put("stream", true);
        else body.remove("stream");
        JsonNode input = withoutOurs(client.get("input"), openAiItself);
        if (!forwardsCacheControl) {
            body.remove("cache_control");
            input = withoutCacheControl(input);
        }
        if (input != null) body.set("input", input);
        return body;
    }

    /** The input without its content parts' {@code cache_control}; the same node when none has one. */
    static JsonNode withoutCacheControl(JsonNode input) {
        if (!(input instanceof ArrayNode items)) return input;
        boolean any = false;
        for (JsonNode i : items) any |= markedParts(i);
        if (!any) return input;
        ArrayNode kept = items.arrayNode(items.size());
        for (JsonNode i : items) {
            if (!markedParts(i)) {
                kept.add(i);
                continue;
            }
            ObjectNode copy = items.objectNode();
            copy.setAll((ObjectNode) i);
            ArrayNode parts = copy.putArray("content");
            for (JsonNode part : i.get("content")) {
                if (part.isObject() && part.has("cache_control")) {
                    ObjectNode p = ((ObjectNode) part).deepCopy();
                    p.remove("cache_control");
                    parts.add(p);
                } else {
                    parts.add(part);
                }
            }
            kept.add(copy);
        }
        return kept;
    }

    private static boolean markedParts(JsonNode item) {
        JsonNode content = item.get("content");
        if (!item.isObject() || content == null || !content.isArray()) return false;
        for (JsonNode part : content) if (part.isObject() && part.has("cache_control")) return true;
        return false;
    }

    /** The input without our reasoning items and signatures; the same node when there is nothing to take out. */
    static JsonNode withoutOurs(JsonNode input, boolean openAiItself) {
        if (!(input instanceof ArrayNode items)) return input;
        boolean any = false;
        for (JsonNode i : items) any |= ours(i, openAiItself) || signedCallId(i) != null;
        if (!any) return input;
        ArrayNode kept = items.arrayNode(items.size());
        for (JsonNode i : items) {
            if (ours(i, openAiItself)) continue;
            String signed = signedCallId(i);
            if (signed == null) {
                kept.add(i);
            } else {
                ObjectNode copy = items.objectNode();
                copy.setAll((ObjectNode) i);
                copy.put("call_id", ToolCallIds.withoutSignature(signed));
                kept.add(copy);
            }
        }
        return kept;
    }

    static boolean ours(JsonNode item, boolean openAiItself) {
        if (!"reasoning".equals(item.path("type").textValue())) return false;
        JsonNode encrypted = item.get("encrypted_content");
        if (encrypted != null && encrypted.isTextual()) return encrypted.textValue().startsWith(GatewayReasoning.CONTENT_PREFIX);
        String id = item.path("id").textValue();
        // Codex CLI hands reasoning items back without their id (its ResponseItem skips it): OpenAI can resolve none
        // without encrypted_content; any other server can read one that carries the model's reasoning_text (see above)
        if (id == null) return openAiItself || !hasReasoningText(item);
        return id.startsWith(GatewayReasoning.ID_PREFIX) || openAiItself && EARLIER_GATEWAY_ID.matcher(id).matches();
    }

    /** Whether the item's {@code content} holds a {@code reasoning_text} part (the model's own reasoning, as Codex hands it back). */
    private static boolean hasReasoningText(JsonNode item) {
        JsonNode content = item.get("content");
        if (content == null || !content.isArray()) return false;
        for (JsonNode part : content) if ("reasoning_text".equals(part.path("type").textValue())) return true;
        return false;
    }

    /** A tool call's or output's {@code call_id} that carries a Gemini signature, else null. */
    private static String signedCallId(JsonNode item) {
        String type = item.path("type").textValue();
        if (type == null || !(type.equals("function_call") || type.equals("function_call_output")
                || type.equals("custom_tool_call") || type.equals("custom_tool_call_output"))) return null;
        String id = item.path("call_id").textValue();
        return id != null && id.contains(ToolCallIds.SIGNATURE_SEPARATOR) ? id : null;
    }
}
