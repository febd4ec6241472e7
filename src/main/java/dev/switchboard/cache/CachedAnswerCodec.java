package dev.switchboard.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.RawJson;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link CachedAnswer} as bytes (JSON), for the Redis store and for sizing entries in memory. Its own small format,
 * versioned ({@code v}), written field by field so that a change of the canonical records cannot silently change what an
 * old entry means: an entry this code cannot read is a miss, never a wrong answer.
 */
public final class CachedAnswerCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VERSION = 1;

    private CachedAnswerCodec() {}

    public static byte[] encode(CachedAnswer a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", VERSION).put("entry", a.entryId()).put("ns", a.namespace()).put("created", a.createdAtMillis())
                .put("expires", a.expiresAtMillis()).put("deployment", a.deployment());
        ChatResponse r = a.response();
        o.put("id", r.id()).put("created_s", r.created()).put("model", r.model())
                .put("fingerprint", r.systemFingerprint()).put("tier", r.serviceTier());
        ArrayNode choices = o.putArray("choices");
        for (Choice c : r.choices()) choices.add(choice(c));
        if (r.usage() != null) o.set("usage", usage(r.usage()));
        if (r.raw() != null) {
            o.put("raw_dialect", r.raw().dialect());
            o.set("raw", r.raw().body());
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the answer, or null when the bytes are not an entry this version can read (a miss) */
    public static CachedAnswer decode(byte[] bytes) {
        try {
            JsonNode o = JSON.readTree(bytes);
            if (o == null || o.path("v").asInt() != VERSION) return null;
            List<Choice> choices = new ArrayList<>();
            for (JsonNode c : o.path("choices")) choices.add(choice(c));
            RawJson raw = o.hasNonNull("raw") ? new RawJson(o.path("raw_dialect").asText(), o.get("raw")) : null;
            ChatResponse r = new ChatResponse(text(o, "id"), o.path("created_s").asLong(), text(o, "model"), choices,
                    o.hasNonNull("usage") ? usage(o.get("usage")) : null, text(o, "fingerprint"), text(o, "tier"), raw);
            return new CachedAnswer(text(o, "entry"), text(o, "ns"), o.path("created").asLong(), o.path("expires").asLong(),
                    text(o, "deployment"), r);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static ObjectNode choice(Choice c) {
        ObjectNode o = JSON.createObjectNode().put("index", c.index())
                .put("finish", c.finishReason() == null ? null : c.finishReason().wire());
        if (c.logprobs() != null) o.set("logprobs", c.logprobs());
        Message m = c.message();
        ObjectNode mo = o.putObject("message").put("role", m.role().wire()).put("text", m.textContent())
                .put("reasoning", m.reasoning()).put("refusal", m.refusal());
        mo.put("has_text", m.content().stream().anyMatch(p -> p instanceof ContentPart.Text));
        ArrayNode calls = mo.putArray("tool_calls");
        for (ToolCall t : m.toolCalls()) calls.addObject().put("id", t.id()).put("name", t.name()).put("arguments", t.arguments());
        if (m.extra() != null) mo.set("extra", m.extra());
        return o;
    }

    private static Choice choice(JsonNode o) {
        JsonNode mo = o.path("message");
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode t : mo.path("tool_calls")) calls.add(new ToolCall(text(t, "id"), text(t, "name"), text(t, "arguments")));
        List<ContentPart> content = mo.path("has_text").asBoolean() ? List.of(ContentPart.Text.of(mo.path("text").asText()))
                : List.of();
        Message m = new Message(Role.fromWire(mo.path("role").asText("assistant")), content, null, calls, null,
                text(mo, "reasoning"), text(mo, "refusal"), mo.get("extra") instanceof ObjectNode x ? x : null);
        return new Choice(o.path("index").asInt(), m, FinishReason.fromWire(text(o, "finish")), o.get("logprobs"));
    }

    private static ObjectNode usage(Usage u) {
        ObjectNode o = JSON.createObjectNode().put("prompt", u.promptTokens()).put("completion", u.completionTokens())
                .put("cache_read", u.cacheReadTokens()).put("cache_write", u.cacheWriteTokens())
                .put("reasoning", u.reasoningTokens()).put("cache_write_1h", u.cacheWrite1hTokens());
        Usage.Details d = u.details();
        o.put("audio_prompt", d.audioPromptTokens()).put("audio_completion", d.audioCompletionTokens())
                .put("accepted_prediction", d.acceptedPredictionTokens()).put("rejected_prediction", d.rejectedPredictionTokens());
        return o;
    }

    private static Usage usage(JsonNode o) {
        return new Usage(o.path("prompt").asInt(), o.path("completion").asInt(), o.path("cache_read").asInt(),
                o.path("cache_write").asInt(), o.path("reasoning").asInt(), o.path("cache_write_1h").asInt(),
                new Usage.Details(o.path("audio_prompt").asInt(), o.path("audio_completion").asInt(),
                        o.path("accepted_prediction").asInt(), o.path("rejected_prediction").asInt()));
    }

    private static String text(JsonNode o, String f) {
        JsonNode v = o.get(f);
        return v == null || v.isNull() ? null : v.asText();
    }
}
