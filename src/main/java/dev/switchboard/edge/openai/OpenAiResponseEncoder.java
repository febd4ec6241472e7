package dev.switchboard.edge.openai;

import dev.switchboard.model.RequestIds;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.Delta;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.ToolCallDelta;
import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;

/**
 * Canonical → OpenAI's response JSON, whichever provider served. Every field OpenAI's schema requires is
 * written even when null ({@code content}, {@code refusal}, {@code logprobs}, {@code finish_reason}), so SDKs
 * that validate strictly accept translated answers too.
 */
public final class OpenAiResponseEncoder {
    private static final byte[] DATA = "data: ".getBytes();
    private static final byte[] EVENT_END = "\n\n".getBytes();
    public static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * The encoded bytes as a Buffer without copying them: {@code Buffer.buffer(byte[])} copies into a new heap buffer,
     * a second copy of every answer after the one out of the generator's builder. An unpooled heap wrapper needs no
     * release (Vert.x writes it through an unreleasable slice).
     */
    private static Buffer wrap(byte[] bytes) {
        return io.vertx.core.internal.buffer.BufferInternal.buffer(io.netty.buffer.Unpooled.wrappedBuffer(bytes));
    }

    private static byte[] json(Writer w) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator g = OpenAiRequestDecoder.MAPPER.getFactory().createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Whether {@link #response} writes this answer as the upstream's bytes with only its usage written here. */
    static boolean relays(ChatResponse r) {
        dev.switchboard.model.RelayedAnswer relayed = r.relayed();
        return relayed != null && r.usage() != null && r.usage().fields() == null // a provider's own members: encoded
                && relayed.is(dev.switchboard.model.RelayedEvent.OPENAI_CHAT);
    }

    /** About the size of a relayed answer ({@link #relays}), the usage the gateway writes included. */
    static int relayedSize(ChatResponse r) {
        dev.switchboard.model.RelayedAnswer a = r.relayed();
        return a.end() - a.start() - (a.usageTo() - a.usageFrom()) + USAGE_ROOM;
    }

    /** Appends a relayed answer ({@link #relays}) to {@code out}: the bytes {@link #response} would give. */
    static void relayedInto(Buffer out, ChatResponse r) {
        dev.switchboard.model.RelayedAnswer a = r.relayed();
        out.appendBytes(a.body(), a.start(), a.usageFrom() - a.start());
        usageInto(out, r.usage());
        out.appendBytes(a.body(), a.usageTo(), a.end() - a.usageTo());
    }

    private static final byte[] PROMPT_TOKENS = ascii("{\"prompt_tokens\":");
    private static final byte[] COMPLETION_TOKENS = ascii(",\"completion_tokens\":");
    private static final byte[] TOTAL_TOKENS = ascii(",\"total_tokens\":");
    private static final byte[] CACHED_TOKENS = ascii(",\"prompt_tokens_details\":{\"cached_tokens\":");
    private static final byte[] AUDIO_TOKENS = ascii(",\"audio_tokens\":");
    private static final byte[] CACHE_WRITE_TOKENS = ascii(",\"cache_write_tokens\":");
    private static final byte[] REASONING_TOKENS = ascii("},\"completion_tokens_details\":{\"reasoning_tokens\":");
    private static final byte[] ACCEPTED_TOKENS = ascii(",\"accepted_prediction_tokens\":");
    private static final byte[] REJECTED_TOKENS = ascii(",\"rejected_prediction_tokens\":");
    private static final byte[] IMAGE_TOKENS = ascii(",\"image_tokens\":");
    private static final byte[] CACHE_CREATION = ascii("},\"cache_creation_input_tokens\":");
    private static final byte[] DETAILS_END = ascii("}");
    private static final byte[] COST = ascii(",\"cost\":");

    private static byte[] ascii(String s) { return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII); }

    /**
     * The bytes {@link #usageObject} writes, appended without a JSON generator: a relayed answer's one encoded object
     * (the generator, its context and Jackson's per-thread recycler were about 2.5 % of the event loop's samples on a
     * plain request). Every value is an integer or {@code PlainDecimal}'s ASCII text, so nothing needs escaping;
     * {@code OpenAiAnswerRelayTest} compares both writers.
     */
    static void usageInto(Buffer out, Usage u) {
        out.appendBytes(PROMPT_TOKENS);
        digits(out, u.promptTokens());
        out.appendBytes(COMPLETION_TOKENS);
        digits(out, u.completionTokens());
        out.appendBytes(TOTAL_TOKENS);
        digits(out, u.totalTokens());
        out.appendBytes(CACHED_TOKENS);
        digits(out, u.cacheReadTokens());
        out.appendBytes(AUDIO_TOKENS);
        digits(out, u.details().audioPromptTokens());
        if (u.cacheWriteTokens() > 0) {
            out.appendBytes(CACHE_WRITE_TOKENS);
            digits(out, u.cacheWriteTokens());
        }
        out.appendBytes(REASONING_TOKENS);
        digits(out, u.reasoningTokens());
        out.appendBytes(AUDIO_TOKENS);
        digits(out, u.details().audioCompletionTokens());
        out.appendBytes(ACCEPTED_TOKENS);
        digits(out, u.details().acceptedPredictionTokens());
        out.appendBytes(REJECTED_TOKENS);
        digits(out, u.details().rejectedPredictionTokens());
        if (u.details().imageCompletionTokens() > 0) {
            out.appendBytes(IMAGE_TOKENS);
            digits(out, u.details().imageCompletionTokens());
        }
        if (u.cacheWriteTokens() > 0) {
            out.appendBytes(CACHE_CREATION);
            digits(out, u.cacheWriteTokens());
        } else {
            out.appendBytes(DETAILS_END);
        }
        if (u.cost() != null) {
            out.appendBytes(COST);
            out.appendString(dev.switchboard.model.PlainDecimal.of(u.cost()));
        }
        out.appendByte((byte) '}');
    }

    /** {@code n} in decimal, as {@code Integer.toString} (and Jackson's generator) writes it. */
    static void digits(Buffer out, int n) {
        if (n < 0) {
            if (n == Integer.MIN_VALUE) {
                out.appendString("-2147483648");
                return;
            }
            out.appendByte((byte) '-');
            n = -n;
        }
        int d = 1;
        while (d <= 100_000_000 && n >= d * 10) d *= 10;
        for (; d > 0; d /= 10) out.appendByte((byte) ('0' + n / d % 10));
    }

    public Buffer response(ChatResponse r) {
        if (relays(r)) {
            // One heap buffer with room for the usage the gateway writes (~300 bytes): copying the answer's few hundred
            // bytes costs less than a composite of three wrapped pieces, which was measured at a quarter of this method
            Buffer out = Buffer.buffer(relayedSize(r));
            relayedInto(out, r);
            return out;
        }
        return wrap(json(g -> {
            g.writeStartObject();
            g.writeStringField("id", r.id() == null ? RequestIds.answerId(CHAT_ID_PREFIX) : r.id());
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", r.created());
            g.writeStringField("model", r.model());
            g.writeArrayFieldStart("choices");
            for (Choice c : r.choices()) {
                g.writeStartObject();
                g.writeNumberField("index", c.index());
                message(g, c.message());
                g.writeFieldName("logprobs");
                if (c.logprobs() == null) g.writeNull(); else g.writeTree(c.logprobs());
                g.writeStringField("finish_reason", c.finishReason() == null ? "stop" : c.finishReason().wire());
                writeExtra(g, c.extra());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (r.usage() != null) usage(g, r.usage());
            if (r.systemFingerprint() != null) g.writeStringField("system_fingerprint", r.systemFingerprint());
            if (r.serviceTier() != null) g.writeStringField("service_tier", r.serviceTier());
            writeExtra(g, r.extra());
            g.writeEndObject();
        }));
    }

    private static void message(JsonGenerator g, Message m) throws IOException {
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        if (m.content().isEmpty()) g.writeNullField("content");
        else g.writeStringField("content", m.textContent());
        if (m.refusal() == null) g.writeNullField("refusal");
        else g.writeStringField("refusal", m.refusal());
        if (m.reasoning() != null) g.writeStringField("reasoning_content", m.reasoning());
        if (!m.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall t : m.toolCalls()) {
                g.writeStartObject();
                g.writeStringField("id", t.id());
                if (t.custom()) { // a custom (free-form) tool's call: its input text
                    g.writeStringField("type", "custom");
                    g.writeObjectFieldStart("custom");
                    g.writeStringField("name", t.name());
                    g.writeStringField("input", t.arguments() == null ? "" : t.arguments());
                } else {
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", t.name());
                    g.writeStringField("arguments", t.arguments() == null ? "" : t.arguments());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        writeExtra(g, m.extra());
        g.writeEndObject();
    }

    /**
     * Fields an OpenAI-style upstream sent that we do not model (a message's annotations, audio, …; a choice's
     * content_filter_results, …; an answer's citations, search_results, prompt_filter_results, …), as it sent them.
     */
    private static void writeExtra(JsonGenerator g, com.fasterxml.jackson.databind.node.ObjectNode extra) throws IOException {
        if (extra == null) return;
        for (var e : extra.properties()) {
            if (dev.switchboard.model.CitedText.internal(e.getValue())) continue; // the Anthropic edge's block mark
            g.writeFieldName(e.getKey());
            g.writeTree(e.getValue());
        }
    }

    /**
     * One SSE event for a chunk, or null when there is nothing to send: the usage-only chunk the gateway
     * always requests upstream is dropped for a client that did not ask for usage.
     */
    public Buffer chunkEvent(ChatChunk c, boolean includeUsage) { return chunkEvent(c, includeUsage, null); }

    /** The prefix of OpenAI's chat completion ids, which the gateway's own ids for an answer without one take too. */
    public static final String CHAT_ID_PREFIX = "chatcmpl-";

    /**
     * @param ownId the id a chunk without one is written with: one per stream, made by the caller when the first such
     *              chunk comes (a server that sends no ids gets every chunk of an answer the same id, and each answer its
     *              own, as OpenAI's); null: a new one
     */
    public Buffer chunkEvent(ChatChunk c, boolean includeUsage, String ownId) {
        boolean usage = includeUsage && c.usage() != null;
        if (c.choices().isEmpty() && !usage) return null;
        // straight into the buffer that is written: no byte array in between
        Buffer out = Buffer.buffer(384).appendBytes(DATA);
        try (JsonGenerator g = OpenAiRequestDecoder.MAPPER.getFactory().createGenerator(new dev.switchboard.edge.BufferOutput(out))) {
            g.writeStartObject();
            g.writeStringField("id", c.id() != null ? c.id() : ownId != null ? ownId : RequestIds.answerId(CHAT_ID_PREFIX));
            g.writeStringField("object", "chat.completion.chunk");
            g.writeNumberField("created", c.created());
            g.writeStringField("model", c.model());
            if (c.systemFingerprint() != null) g.writeStringField("system_fingerprint", c.systemFingerprint());
            if (c.serviceTier() != null) g.writeStringField("service_tier", c.serviceTier());
            g.writeArrayFieldStart("choices");
            for (ChunkChoice ch : c.choices()) {
                g.writeStartObject();
                g.writeNumberField("index", ch.index());
                delta(g, ch.delta());
                g.writeFieldName("logprobs");
                if (ch.logprobs() == null) g.writeNull(); else g.writeTree(ch.logprobs());
                if (ch.finishReason() == null) g.writeNullField("finish_reason");
                else g.writeStringField("finish_reason", ch.finishReason().wire());
                writeExtra(g, ch.extra());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (usage) usage(g, c.usage());
            else if (includeUsage) g.writeNullField("usage"); // OpenAI's every chunk before the usage chunk
            writeExtra(g, c.extra());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.appendBytes(EVENT_END);
    }

    private static void delta(JsonGenerator g, Delta d) throws IOException {
        g.writeObjectFieldStart("delta");
        if (d.role() != null) g.writeStringField("role", d.role().wire());
        if (d.content() != null) g.writeStringField("content", d.content());
        if (d.reasoning() != null) g.writeStringField("reasoning_content", d.reasoning());
        if (d.refusal() != null) g.writeStringField("refusal", d.refusal());
        if (!d.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCallDelta t : d.toolCalls()) {
                g.writeStartObject();
                g.writeNumberField("index", t.index());
                String type = t.custom() ? "custom" : "function";
                if (t.id() != null) {
                    g.writeStringField("id", t.id());
                    g.writeStringField("type", type);
                }
                // a custom tool's piece: {"custom":{"name","input"}}, as OpenAI streams them (its spec has no schema for it)
                g.writeObjectFieldStart(type);
                if (t.name() != null) g.writeStringField("name", t.name());
                g.writeStringField(t.custom() ? "input" : "arguments", t.argumentsFragment() == null ? "" : t.argumentsFragment());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        writeExtra(g, d.extra());
        g.writeEndObject();
    }

    /**
     * An OpenAI-style upstream's answer as it sent it, but for the usage value, which is the gateway's (the cost, every
     * detail the encoder always writes): the decoder found the answer in the exact shape {@link #response} writes, so
     * the client receives what the canonical path would send, without encoding the answer again.
     */
    /** Room for the usage object the gateway writes into a relayed answer (~300 bytes). */
    private static final int USAGE_ROOM = 384;

    private static void usage(JsonGenerator g, Usage u) throws IOException {
        g.writeFieldName("usage");
        usageObject(g, u);
    }

    static void usageObject(JsonGenerator g, Usage u) throws IOException {
        g.writeStartObject();
        g.writeNumberField("prompt_tokens", u.promptTokens());
        g.writeNumberField("completion_tokens", u.completionTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", u.cacheReadTokens());
        g.writeNumberField("audio_tokens", u.details().audioPromptTokens());
        // the prompt tokens written to the provider's cache where OpenAI's SDKs type them (PromptTokensDetails
        // .cache_write_tokens, OpenRouter's field); only when there are some, so every other answer's usage is as before
        if (u.cacheWriteTokens() > 0) g.writeNumberField("cache_write_tokens", u.cacheWriteTokens());
        g.writeEndObject();
        g.writeObjectFieldStart("completion_tokens_details");
        g.writeNumberField("reasoning_tokens", u.reasoningTokens());
        g.writeNumberField("audio_tokens", u.details().audioCompletionTokens());
        g.writeNumberField("accepted_prediction_tokens", u.details().acceptedPredictionTokens());
        g.writeNumberField("rejected_prediction_tokens", u.details().rejectedPredictionTokens());
        // a generated image's tokens (Gemini's image models), where LiteLLM reports them; only when there are some, so
        // every other answer's usage is as before
        if (u.details().imageCompletionTokens() > 0) g.writeNumberField("image_tokens", u.details().imageCompletionTokens());
        g.writeEndObject();
        // Anthropic-style cache write count, as LiteLLM reports it, so OpenAI-dialect clients can see it too.
        if (u.cacheWriteTokens() > 0) g.writeNumberField("cache_creation_input_tokens", u.cacheWriteTokens());
        // What the call cost in USD, where OpenRouter puts it, so a streaming client learns it in the last chunk; but
        // a provider that said its own cost there (OpenRouter's number, Perplexity's object) is not contradicted: its
        // field goes back as sent, with its other usage members (x-switchboard-cost says what the ledger recorded)
        com.fasterxml.jackson.databind.node.ObjectNode own = u.fields();
        if (u.cost() != null && (own == null || !own.has("cost"))) {
            g.writeFieldName("cost");
            g.writeNumber(dev.switchboard.model.PlainDecimal.of(u.cost())); // 0.00000825, not 8.25E-6
        }
        if (own != null) {
            for (var e : own.properties()) {
                g.writeFieldName(e.getKey());
                g.writeTree(e.getValue());
            }
        }
        g.writeEndObject();
    }

    /** @param base64 the client asked for base64 embeddings (see {@link EmbeddingEncoding}) */
    public Buffer embeddings(EmbeddingResponse r, boolean base64) {
        return wrap(json(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (EmbeddingResponse.Item i : r.data()) {
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", i.index());
                g.writeFieldName("embedding");
                g.writeTree(EmbeddingEncoding.as(i.embedding(), base64));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", r.model());
            Usage u = r.usage() == null ? Usage.ZERO : r.usage();
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", u.promptTokens());
            g.writeNumberField("total_tokens", u.totalTokens());
            g.writeEndObject();
            g.writeEndObject();
        }));
    }

    public Buffer models(Collection<String> aliases, long created) {
        return wrap(json(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (String a : aliases) model(g, a, created);
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    /** One alias as OpenAI's Model object ({@code GET /v1/models/{model}}). */
    public Buffer model(String alias, long created) {
        return wrap(json(g -> model(g, alias, created)));
    }

    private static void model(JsonGenerator g, String alias, long created) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", alias);
        g.writeStringField("object", "model");
        g.writeNumberField("created", created);
        g.writeStringField("owned_by", "switchboard");
        g.writeEndObject();
    }

    public Buffer error(GatewayException e) {
        return wrap(json(g -> errorObject(g, e)));
    }

    /** The SSE event that ends a broken stream: the SDKs raise on an event carrying {@code error}. */
    public Buffer errorEvent(GatewayException e) {
        byte[] body = json(g -> errorObject(g, e));
        return Buffer.buffer().appendBytes(DATA).appendBytes(body).appendBytes(EVENT_END);
    }

    private static void errorObject(JsonGenerator g, GatewayException e) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("error");
        g.writeStringField("message", e.getMessage() == null ? "Unknown error" : e.getMessage());
        g.writeStringField("type", e.openAiType());
        if (e.param() == null) g.writeNullField("param"); else g.writeStringField("param", e.param());
        String code = e.openAiKindCode();
        if (code == null) g.writeNullField("code"); else g.writeStringField("code", code);
        g.writeEndObject();
        g.writeEndObject();
    }
}
