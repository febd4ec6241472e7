package dev.switchboard.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
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
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link CachedAnswer} as bytes (JSON), for the Redis store and for sizing entries in memory. Its own small format,
 * versioned ({@code v}), written field by field so that a change of the canonical records cannot silently change what an
 * old entry means: an entry this code cannot read is a miss, never a wrong answer.
 */
public final class CachedAnswerCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The mapper's factory: its generators write the entry's JSON trees (logprobs, extra, raw) too. */
    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final int VERSION = 1;
    /** The entry's member names, encoded once: a name written from a String is re-encoded character by character per entry. */
    private static final SerializedString F_ENTRY = new SerializedString("entry");
    private static final SerializedString F_NS = new SerializedString("ns");
    private static final SerializedString F_DEPLOYMENT = new SerializedString("deployment");
    /** The auto alias's tier decision ({@code tier} is taken: the answer's own {@code service_tier}). */
    private static final SerializedString F_AUTO_TIER = new SerializedString("auto_tier");
    /** The deployment entry's {@code model_info.id} ({@code CachedAnswer.modelId}). */
    private static final SerializedString F_MODEL_ID = new SerializedString("model_id");
    /** What the answer cost on its entry when stored ({@code CachedAnswer.costNanos}). */
    private static final SerializedString F_COST_NANOS = new SerializedString("cost_nanos");
    private static final SerializedString F_ID = new SerializedString("id");
    private static final SerializedString F_MODEL = new SerializedString("model");
    private static final SerializedString F_FINGERPRINT = new SerializedString("fingerprint");
    private static final SerializedString F_TIER = new SerializedString("tier");
    private static final SerializedString F_RAW_DIALECT = new SerializedString("raw_dialect");
    private static final SerializedString F_FINISH = new SerializedString("finish");
    private static final SerializedString F_STOP_SEQUENCE = new SerializedString("stop_sequence");
    private static final SerializedString F_ROLE = new SerializedString("role");
    private static final SerializedString F_TEXT = new SerializedString("text");
    private static final SerializedString F_REASONING = new SerializedString("reasoning");
    private static final SerializedString F_REFUSAL = new SerializedString("refusal");
    private static final SerializedString F_NAME = new SerializedString("name");
    private static final SerializedString F_ARGUMENTS = new SerializedString("arguments");
    private static final SerializedString F_V = new SerializedString("v");
    private static final SerializedString F_CREATED = new SerializedString("created");
    private static final SerializedString F_EXPIRES = new SerializedString("expires");
    private static final SerializedString F_CREATED_S = new SerializedString("created_s");
    private static final SerializedString F_INDEX = new SerializedString("index");
    private static final SerializedString F_PROMPT = new SerializedString("prompt");
    private static final SerializedString F_COMPLETION = new SerializedString("completion");
    private static final SerializedString F_CACHE_READ = new SerializedString("cache_read");
    private static final SerializedString F_CACHE_WRITE = new SerializedString("cache_write");
    private static final SerializedString F_CACHE_WRITE_1H = new SerializedString("cache_write_1h");
    private static final SerializedString F_AUDIO_PROMPT = new SerializedString("audio_prompt");
    private static final SerializedString F_AUDIO_COMPLETION = new SerializedString("audio_completion");
    private static final SerializedString F_ACCEPTED_PREDICTION = new SerializedString("accepted_prediction");
    private static final SerializedString F_REJECTED_PREDICTION = new SerializedString("rejected_prediction");
    private static final SerializedString F_IMAGE_COMPLETION = new SerializedString("image_completion");
    private static final SerializedString F_WRITE_LIFETIMES = new SerializedString("write_lifetimes_said");
    private static final SerializedString F_HAS_TEXT = new SerializedString("has_text");
    private static final SerializedString F_CHOICES = new SerializedString("choices");
    private static final SerializedString F_TOOL_CALLS = new SerializedString("tool_calls");
    private static final SerializedString F_CUSTOM = new SerializedString("custom");
    private static final SerializedString F_MESSAGE = new SerializedString("message");
    /** The message's extra holds the gateway's own cited text blocks ({@link dev.switchboard.model.CitedText.Blocks}). */
    private static final SerializedString F_CITED = new SerializedString("cited");
    private static final SerializedString F_USAGE = new SerializedString("usage");
    private static final SerializedString F_RAW = new SerializedString("raw");
    private static final SerializedString F_LOGPROBS = new SerializedString("logprobs");
    private static final SerializedString F_EXTRA = new SerializedString("extra");

    private CachedAnswerCodec() {}

    /**
     * The entry's bytes, written by a streaming generator straight into one array: a miss through the in-memory cache
     * pays this on its request path (the entry is kept as these bytes), so no intermediate tree is built.
     */
    public static byte[] encode(CachedAnswer a) { return encode(a, (buf, len) -> Arrays.copyOf(buf, len)); }

    /** What an encoded entry becomes: its bytes are {@code buf[0, len)}, valid only during the call (the buffer is reused). */
    @FunctionalInterface
    interface Sink<T> {
        T take(byte[] buf, int len);
    }

    /**
     * The entry's bytes, handed to {@code sink} straight from the encoder's reused buffer: the in-memory store copies
     * them off the heap ({@link OffHeapBytes}) with no intermediate array.
     */
    static <T> T encode(CachedAnswer a, Sink<T> sink) {
        Out out = OUT.get();
        out.len = 0;
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName(F_V);
            g.writeNumber(VERSION);
            g.writeFieldName(F_ENTRY);
            g.writeString(a.entryId());
            g.writeFieldName(F_NS);
            g.writeString(a.namespace());
            g.writeFieldName(F_CREATED);
            g.writeNumber(a.createdAtMillis());
            g.writeFieldName(F_EXPIRES);
            g.writeNumber(a.expiresAtMillis());
            g.writeFieldName(F_DEPLOYMENT);
            g.writeString(a.deployment());
            // only an auto alias's entry has one: every other entry keeps its v1 bytes, an entry without it (written
            // before, or by an older gateway sharing Redis) reads as no tier, and an older gateway skips it
            if (a.tier() != null) {
                g.writeFieldName(F_AUTO_TIER);
                g.writeString(a.tier());
            }
            // likewise only an entry of a deployment with a model_info.id: an older entry reads as none, an older gateway
            // skips it
            if (a.modelId() != null) {
                g.writeFieldName(F_MODEL_ID);
                g.writeString(a.modelId());
            }
            // likewise only when known: an older entry reads as unknown (priced by its id, as before), an older gateway
            // skips it
            if (a.costNanos() != null) {
                g.writeFieldName(F_COST_NANOS);
                g.writeNumber(a.costNanos());
            }
            ChatResponse r = a.response();
            g.writeFieldName(F_ID);
            g.writeString(r.id());
            g.writeFieldName(F_CREATED_S);
            g.writeNumber(r.created());
            g.writeFieldName(F_MODEL);
            g.writeString(r.model());
            g.writeFieldName(F_FINGERPRINT);
            g.writeString(r.systemFingerprint());
            g.writeFieldName(F_TIER);
            g.writeString(r.serviceTier());
            g.writeFieldName(F_CHOICES);
            g.writeStartArray();
            for (Choice c : r.choices()) choice(g, c);
            g.writeEndArray();
            if (r.usage() != null) usage(g, r.usage());
            if (r.raw() != null) {
                g.writeFieldName(F_RAW_DIALECT);
                g.writeString(r.raw().dialect());
                tree(g, F_RAW, r.raw().body());
            }
            if (r.extra() != null) tree(g, F_EXTRA, r.extra()); // a hit answers with the citations the miss had
            g.writeEndObject();
            g.flush();
            return sink.take(out.buf, out.len);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            out.release();
        }
    }

    /** A member whose value is a JSON tree. */
    private static void tree(JsonGenerator g, SerializedString name, JsonNode n) throws IOException {
        g.writeFieldName(name);
        node(g, n);
    }

    /**
     * A JSON tree, written node by node as the mapper's own serialization does (its default features): the mapper's
     * {@code writeTree} builds a serializer provider per call, and nearly every answer carries a small tree (a
     * message's {@code annotations}, say), so a miss paid that on every store.
     */
    private static void node(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (var it = n.fields(); it.hasNext(); ) {
                    var e = it.next();
                    g.writeFieldName(e.getKey());
                    node(g, e.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode e : n) node(g, e);
                g.writeEndArray();
            }
            case STRING -> g.writeString(n.textValue());
            case BOOLEAN -> g.writeBoolean(n.booleanValue());
            case NULL, MISSING -> g.writeNull();
            case NUMBER -> {
                switch (n.numberType()) {
                    case INT -> g.writeNumber(n.intValue());
                    case LONG -> g.writeNumber(n.longValue());
                    case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
                    case FLOAT -> g.writeNumber(n.floatValue());
                    case DOUBLE -> g.writeNumber(n.doubleValue());
                    default -> g.writeNumber(n.decimalValue());
                }
            }
            default -> g.writeTree(n); // binary, POJO: not what a decoded answer holds
        }
    }

    /**
     * The encoder's output, one growable buffer per thread, reused: the generator flushes into it (once, for an
     * ordinary answer) and the entry is a single exact-size copy of it, where a fresh builder allocated, grew and copied.
     */
    private static final class Out extends OutputStream {
        private static final int KEEP = 64 << 10; // a thread keeps at most this much between entries
        private byte[] buf = new byte[4096];
        private int len;

        @Override
        public void write(int b) {
            if (len == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
            buf[len++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int n) {
            if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }

        void release() {
            if (buf.length > KEEP) buf = new byte[4096];
        }
    }

    private static final ThreadLocal<Out> OUT = ThreadLocal.withInitial(Out::new);

    /** @return the answer, or null when the bytes are not an entry this version can read (a miss) */
    public static CachedAnswer decode(byte[] bytes) {
        try {
            JsonNode o = JSON.readTree(bytes);
            if (o == null || o.path("v").asInt() != VERSION) return null;
            List<Choice> choices = new ArrayList<>();
            for (JsonNode c : o.path("choices")) choices.add(choice(c));
            RawJson raw = o.hasNonNull("raw") ? new RawJson(o.path("raw_dialect").asText(), o.get("raw")) : null;
            ChatResponse r = new ChatResponse(text(o, "id"), o.path("created_s").asLong(), text(o, "model"), choices,
                    o.hasNonNull("usage") ? usage(o.get("usage")) : null, text(o, "fingerprint"), text(o, "tier"), raw, null,
                    o.get("extra") instanceof ObjectNode x ? x : null);
            return new CachedAnswer(text(o, "entry"), text(o, "ns"), o.path("created").asLong(), o.path("expires").asLong(),
                    text(o, "deployment"), text(o, "auto_tier"), r, text(o, "model_id"),
                    o.path("cost_nanos").isIntegralNumber() ? o.get("cost_nanos").asLong() : null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void choice(JsonGenerator g, Choice c) throws IOException {
        g.writeStartObject();
        g.writeFieldName(F_INDEX);
        g.writeNumber(c.index());
        g.writeFieldName(F_FINISH);
        g.writeString(c.finishReason() == null ? null : c.finishReason().wire());
        if (c.stopSequence() != null) {
            g.writeFieldName(F_STOP_SEQUENCE);
            g.writeString(c.stopSequence());
        }
        if (c.logprobs() != null) tree(g, F_LOGPROBS, c.logprobs());
        if (c.extra() != null) tree(g, F_EXTRA, c.extra()); // a choice's own fields (Azure's content filter results)
        Message m = c.message();
        g.writeFieldName(F_MESSAGE);
        g.writeStartObject();
        g.writeFieldName(F_ROLE);
        g.writeString(m.role().wire());
        g.writeFieldName(F_TEXT);
        g.writeString(m.textContent());
        g.writeFieldName(F_REASONING);
        g.writeString(m.reasoning());
        g.writeFieldName(F_REFUSAL);
        g.writeString(m.refusal());
        boolean hasText = false;
        for (ContentPart p : m.content()) hasText |= p instanceof ContentPart.Text;
        g.writeFieldName(F_HAS_TEXT);
        g.writeBoolean(hasText);
        g.writeFieldName(F_TOOL_CALLS);
        g.writeStartArray();
        for (ToolCall t : m.toolCalls()) {
            g.writeStartObject();
            g.writeFieldName(F_ID);
            g.writeString(t.id());
            g.writeFieldName(F_NAME);
            g.writeString(t.name());
            g.writeFieldName(F_ARGUMENTS);
            g.writeString(t.arguments());
            if (t.custom()) { // a custom tool's call (its arguments are its input text); absent for a function's
                g.writeFieldName(F_CUSTOM);
                g.writeBoolean(true);
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        if (m.extra() != null) {
            tree(g, F_EXTRA, m.extra());
            // ours by type, which JSON does not keep: said apart, so a hit's blocks are ours and an upstream's field stays its own
            if (m.extra().get(dev.switchboard.model.CitedText.FIELD) instanceof dev.switchboard.model.CitedText.Blocks) {
                g.writeFieldName(F_CITED);
                g.writeBoolean(true);
            }
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static Choice choice(JsonNode o) {
        JsonNode mo = o.path("message");
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode t : mo.path("tool_calls")) calls.add(new ToolCall(text(t, "id"), text(t, "name"), text(t, "arguments"), t.path("custom").asBoolean(false)));
        List<ContentPart> content = mo.path("has_text").asBoolean() ? List.of(ContentPart.Text.of(mo.path("text").asText()))
                : List.of();
        ObjectNode extra = mo.get("extra") instanceof ObjectNode x ? x : null;
        if (extra != null && mo.path("cited").asBoolean() && extra.get(dev.switchboard.model.CitedText.FIELD) instanceof ArrayNode blocks) {
            extra.set(dev.switchboard.model.CitedText.FIELD, dev.switchboard.model.CitedText.of(blocks));
        }
        Message m = new Message(Role.fromWire(mo.path("role").asText("assistant")), content, null, calls, null,
                text(mo, "reasoning"), text(mo, "refusal"), extra);
        return new Choice(o.path("index").asInt(), m, FinishReason.fromWire(text(o, "finish")), o.get("logprobs"),
                text(o, "stop_sequence"), o.get("extra") instanceof ObjectNode x ? x : null);
    }

    private static void usage(JsonGenerator g, Usage u) throws IOException {
        g.writeFieldName(F_USAGE);
        g.writeStartObject();
        g.writeFieldName(F_PROMPT);
        g.writeNumber(u.promptTokens());
        g.writeFieldName(F_COMPLETION);
        g.writeNumber(u.completionTokens());
        g.writeFieldName(F_CACHE_READ);
        g.writeNumber(u.cacheReadTokens());
        g.writeFieldName(F_CACHE_WRITE);
        g.writeNumber(u.cacheWriteTokens());
        g.writeFieldName(F_REASONING);
        g.writeNumber(u.reasoningTokens());
        g.writeFieldName(F_CACHE_WRITE_1H);
        g.writeNumber(u.cacheWrite1hTokens());
        Usage.Details d = u.details();
        g.writeFieldName(F_AUDIO_PROMPT);
        g.writeNumber(d.audioPromptTokens());
        g.writeFieldName(F_AUDIO_COMPLETION);
        g.writeNumber(d.audioCompletionTokens());
        g.writeFieldName(F_ACCEPTED_PREDICTION);
        g.writeNumber(d.acceptedPredictionTokens());
        g.writeFieldName(F_REJECTED_PREDICTION);
        g.writeNumber(d.rejectedPredictionTokens());
        // written only when there are some, so every other entry keeps its v1 bytes; an entry without it (written
        // before, or by an older gateway sharing Redis) reads as 0, and an older gateway skips it
        if (d.imageCompletionTokens() != 0) {
            g.writeFieldName(F_IMAGE_COMPLETION);
            g.writeNumber(d.imageCompletionTokens());
        }
        if (u.writeLifetimesSaid()) { // the same: only when said, absent (false) in every other entry
            g.writeFieldName(F_WRITE_LIFETIMES);
            g.writeBoolean(true);
        }
        g.writeEndObject();
    }

    private static Usage usage(JsonNode o) {
        return new Usage(o.path("prompt").asInt(), o.path("completion").asInt(), o.path("cache_read").asInt(),
                o.path("cache_write").asInt(), o.path("reasoning").asInt(), o.path("cache_write_1h").asInt(),
                new Usage.Details(o.path("audio_prompt").asInt(), o.path("audio_completion").asInt(),
                        o.path("accepted_prediction").asInt(), o.path("rejected_prediction").asInt(),
                        o.path("image_completion").asInt()), null, null, null, o.path("write_lifetimes_said").asBoolean());
    }

    private static String text(JsonNode o, String f) {
        JsonNode v = o.get(f);
        return v == null || v.isNull() ? null : v.asText();
    }
}
