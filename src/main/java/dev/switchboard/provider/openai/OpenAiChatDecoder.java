package dev.switchboard.provider.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Delta;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.ToolCallDelta;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.AnswerShape;
import dev.switchboard.provider.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's chat completion and stream-chunk JSON → canonical, read with Jackson's streaming parser straight
 * into the canonical records: every OpenAI-compatible call passes through here (once per answer, once per
 * streamed event), and building a tree first cost more than the rest of the decoding. Unknown fields of the
 * answer or chunk, a choice, a message or a delta are kept as sent ({@code extra}); where an answer lacks {@code model} (some compatible servers) the deployment's model fills in.
 * {@code reasoning_content} (DeepSeek, vLLM) and {@code reasoning} (OpenRouter) both become reasoning text.
 */
final class OpenAiChatDecoder {
    /** A stream event that carried {@code {"error":…}} instead of a chunk. */
    static final class ErrorEvent extends IOException {
        final transient JsonNode error;

        ErrorEvent(JsonNode error) {
            super("upstream error event", null);
            this.error = error;
        }
    }

    private final String fallbackModel;
    /**
     * The last {@code model}, {@code system_fingerprint} and {@code service_tier} strings read: a deployment's answers
     * repeat them, so one whose characters match is taken instead of a new String. Written without a lock by the event
     * loops sharing this decoder: each is a whole immutable String, and a stale one only means a new String is built.
     */
    private String lastModel, lastFingerprint, lastTier;

    /** How this deployment's service reports usage and cost where it is not OpenAI's (xAI, OpenRouter, Perplexity, Groq). */
    private final UsageRules rules;

    OpenAiChatDecoder(String fallbackModel) { this(fallbackModel, UsageRules.OPENAI); }

    OpenAiChatDecoder(String fallbackModel, UsageRules rules) {
        this.fallbackModel = fallbackModel;
        this.rules = rules;
    }

    /** Whether the byte scans may read this service's usage: they read OpenAI's, and skip what they do not model. */
    boolean usageIsPlain() { return rules.plain(); }

    /**
     * Whether a stream's finishing chunk may carry its usage where the chunk scan does not look (Groq's
     * {@code x_groq.usage}): such a chunk is decoded, and its usage held until the stream ends, since a top-level usage
     * chunk may still follow it.
     */
    boolean usageMayRideTheFinish() { return rules.groqStreamUsage(); }

    /** The model a chunk or answer without one (or with an empty one) is said to come from. */
    String fallbackModel() { return fallbackModel; }

    /**
     * A whole answer. When it is in the exact shape {@link dev.switchboard.edge.openai.OpenAiResponseEncoder} would write
     * (see {@link ExactShape}), the answer also carries its bytes to relay to an OpenAI-dialect client: checked in the
     * same pass, so the relay costs no second parse. {@code json} must not be changed afterwards.
     */
    ChatResponse response(byte[] json) throws IOException { return response(json, json.length); }

    /**
     * {@link #response(byte[])} of the bytes {@code json[0, length)}: read from the bytes when the answer is in the
     * shape OpenAI and the simulator send ({@link OpenAiAnswerByteScan}: no parser object, the same records), else
     * with Jackson.
     */
    ChatResponse response(byte[] json, int length) throws IOException {
        ChatResponse scanned = rules.plain() ? new OpenAiAnswerByteScan(lastModel, lastFingerprint, lastTier).read(json, length) : null;
        if (scanned != null) {
            lastModel = scanned.model();
            if (scanned.systemFingerprint() != null) lastFingerprint = scanned.systemFingerprint();
            if (scanned.serviceTier() != null) lastTier = scanned.serviceTier();
            return scanned;
        }
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json, 0, length)) {
            ExactShape exact = new ExactShape();
            Top top = top(p, false, exact, json, 0, length);
            if (!top.sawChoices) throw new AnswerShape.Wrong("no `choices` array");
            return new ChatResponse(top.id, top.created(), top.model(), top.choices(), top.usage, top.fingerprint, top.tier,
                    null, exact.relay(json), top.extra);
        }
    }

    /**
     * Whether a whole answer is exactly what the gateway's OpenAI encoder would write from its canonical records, so
     * its bytes can go to the client as sent (only the usage value rewritten, with the gateway's numbers): every field
     * the encoder writes is there (it writes {@code content}, {@code refusal}, {@code logprobs}, {@code finish_reason}
     * even when null), with the types it writes, no field the canonical records drop (an unknown top-level field, a
     * null the encoder would leave out, another server's spelling such as {@code reasoning}), no field twice, no value
     * the decoder normalises (a finish reason it does not know, content as parts, a tool call with more than id, type
     * and function). Anything else is answered through the canonical records, as before.
     */
    private static final class ExactShape {
        static final int ID = 1, OBJECT = 2, CREATED = 4, MODEL = 8, CHOICES = 16, USAGE = 32, FINGERPRINT = 64, TIER = 128;
        static final int REQUIRED = ID | OBJECT | CREATED | MODEL | CHOICES | USAGE;
        boolean ok = true;
        int seen;
        int start = -1, usageFrom = -1, usageTo = -1, end = -1;

        /** Marks a top-level field seen; a second one (the canonical path keeps the last) is not relayed. */
        void field(int bit) {
            if ((seen & bit) != 0) ok = false;
            seen |= bit;
        }

        void require(boolean condition) { if (!condition) ok = false; }

        dev.switchboard.model.RelayedAnswer relay(byte[] json) {
            if (!ok || (seen & REQUIRED) != REQUIRED || start < 0 || end < 0) return null;
            return new dev.switchboard.model.RelayedAnswer(dev.switchboard.model.RelayedEvent.OPENAI_CHAT, json, start,
                    usageFrom, usageTo, end);
        }
    }

    /** @throws ErrorEvent when the event is an error object */
    ChatChunk chunk(byte[] json) throws IOException {
        return chunk(json, 0, json.length);
    }

    /** {@link #chunk(byte[])} of the bytes {@code json[offset, offset + length)}. */
    ChatChunk chunk(byte[] json, int offset, int length) throws IOException {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json, offset, length)) {
            Top top = top(p, true, null, json, offset, offset + length);
            if (!top.sawChoices && top.usage == null) throw new AnswerShape.Wrong("a chunk with neither `choices` nor `usage`");
            return new ChatChunk(top.id, top.created(), top.model(), top.choices(), top.usage, top.fingerprint, top.tier,
                    null, top.extra);
        }
    }

    private final class Top {
        String id;
        long created;
        boolean sawCreated;
        String model;
        String fingerprint;
        String tier;
        Usage usage;
        /** Groq's {@code x_groq.usage}, or null: the usage when the chunk has no top-level one. */
        Usage groqUsage;
        /** Top-level fields we do not model (Perplexity's citations and search_results, …), as sent; or null. */
        ObjectNode extra;
        final List<Object> choices = new ArrayList<>(1);
        boolean sawChoices;

        String model() { return model == null || model.isEmpty() ? fallbackModel : model; }

        /** {@code created}, or (none, or not a number) now. */
        long created() { return sawCreated ? created : System.currentTimeMillis() / 1000; }

        /** The choices as the list they were read into (all {@link Choice} or all {@link ChunkChoice}). */
        @SuppressWarnings("unchecked")
        <T> List<T> choices() { return (List<T>) (List<?>) choices; }
    }

    /**
     * @param x the exact-shape check of a whole answer, or null (a stream chunk)
     * @param json the bytes the parser reads, {@code [base, end)} (the parser's byte offsets count from {@code base})
     */
    private Top top(JsonParser p, boolean chunk, ExactShape x, byte[] json, int base, int end) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) throw new AnswerShape.Wrong("not a JSON object");
        if (x != null) x.start = (int) p.currentTokenLocation().getByteOffset();
        Top t = new Top();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "id" -> {
                    t.id = string(p, "`id`");
                    if (x != null) { x.field(ExactShape.ID); x.require(v == JsonToken.VALUE_STRING); }
                }
                case "created" -> {
                    if (v.isNumeric()) {
                        t.created = p.getLongValue();
                        t.sawCreated = true;
                    }
                    if (x != null) { x.field(ExactShape.CREATED); x.require(v == JsonToken.VALUE_NUMBER_INT); }
                }
                case "model" -> {
                    t.model = v == JsonToken.VALUE_STRING ? (lastModel = reuse(p, lastModel)) : string(p, "`model`");
                    if (x != null) { x.field(ExactShape.MODEL); x.require(t.model != null && !t.model.isEmpty()); }
                }
                case "system_fingerprint" -> {
                    t.fingerprint = v == JsonToken.VALUE_STRING ? (lastFingerprint = reuse(p, lastFingerprint)) : text(p);
                    if (x != null) { x.field(ExactShape.FINGERPRINT); x.require(v == JsonToken.VALUE_STRING); }
                }
                case "service_tier" -> {
                    t.tier = v == JsonToken.VALUE_STRING ? (lastTier = reuse(p, lastTier)) : text(p);
                    if (x != null) { x.field(ExactShape.TIER); x.require(v == JsonToken.VALUE_STRING); }
                }
                case "usage" -> {
                    if (v != JsonToken.START_OBJECT && v != JsonToken.VALUE_NULL) throw new AnswerShape.Wrong("`usage` is not an object");
                    if (x != null) {
                        x.field(ExactShape.USAGE);
                        x.require(v == JsonToken.START_OBJECT);
                        x.usageFrom = (int) p.currentTokenLocation().getByteOffset();
                    }
                    t.usage = v == JsonToken.START_OBJECT ? usage(p) : null;
                    if (x != null) x.usageTo = (int) p.currentLocation().getByteOffset();
                    // the provider's own usage members go back as sent: the relay writes only the gateway's counts
                    if (x != null && t.usage != null && t.usage.fields() != null) x.ok = false;
                }
                case "choices" -> {
                    if (v != JsonToken.START_ARRAY) throw new AnswerShape.Wrong("`choices` is not an array");
                    t.sawChoices = true;
                    if (x != null) x.field(ExactShape.CHOICES);
                    while (p.nextToken() == JsonToken.START_OBJECT) t.choices.add(chunk ? chunkChoice(p, json, base, end) : choice(p, t.choices.size(), x, json, base, end));
                    if (p.currentToken() != JsonToken.END_ARRAY) throw new AnswerShape.Wrong("a choice is not an object");
                }
                case "error" -> {
                    if (v != JsonToken.VALUE_NULL) throw new ErrorEvent(p.readValueAsTree());
                    if (x != null) x.ok = false; // the encoder writes no "error": null
                }
                case "object" -> {
                    if (x != null) {
                        x.field(ExactShape.OBJECT);
                        x.require(v == JsonToken.VALUE_STRING && is(p, "chat.completion"));
                    }
                    p.skipChildren();
                }
                case "obfuscation" -> {
                    // OpenAI's padding of a streamed chunk's length: meaningless once the chunk is written again
                    if (x != null) x.ok = false;
                    p.skipChildren();
                }
                default -> {
                    if (x != null) x.ok = false; // not relayed as bytes: the encoder writes it from extra
                    // kept, as a message's unknown fields are: the README promises an OpenAI-compatible server's
                    // answer fields back unchanged (dropping Perplexity's citations lost the answer's sources)
                    t.extra = keep(t.extra, f, p, v, json, base, end);
                    if (rules.groqStreamUsage() && f.equals("x_groq")) t.groqUsage = groqUsage(t.extra.get(f));
                }
            }
        }
        if (t.usage == null) t.usage = t.groqUsage; // Groq's stream: its usage only in x_groq, unless it sent both
        if (x != null) x.end = (int) p.currentLocation().getByteOffset();
        return t;
    }

    private static Choice choice(JsonParser p, int position, ExactShape x, byte[] json, int base, int end) throws IOException {
        int index = position;
        Message message = null;
        FinishReason finish = null;
        JsonNode logprobs = null;
        ObjectNode extra = null;
        int seen = 0; // index 1, message 2, finish_reason 4, logprobs 8: the encoder writes all four
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            int bit = 0;
            switch (f) {
                case "index" -> {
                    if (v.isNumeric()) index = p.getIntValue();
                    bit = v == JsonToken.VALUE_NUMBER_INT ? 1 : 16;
                }
                case "message" -> {
                    if (v != JsonToken.START_OBJECT) throw new AnswerShape.Wrong("a choice's `message` is not an object");
                    message = message(p, x, json, base, end);
                    bit = 2;
                }
                case "finish_reason" -> {
                    finish = v == JsonToken.VALUE_STRING ? known(p) : null;
                    if (finish != null) {
                        bit = 4;
                    } else {
                        String wire = string(p, "`finish_reason`");
                        finish = FinishReasons.of(wire);
                        bit = finish != null && finish.wire().equals(wire) ? 4 : 16; // another server's word is written as ours
                    }
                }
                case "logprobs" -> {
                    logprobs = v == JsonToken.VALUE_NULL ? null : p.readValueAsTree();
                    bit = 8;
                }
                default -> {
                    // kept (Azure's content_filter_results, vLLM's stop_reason), as the answer's and message's are;
                    // not relayed as bytes, since the exact shape has none: the encoder writes it from extra
                    extra = keep(extra, f, p, v, json, base, end);
                    bit = 16;
                }
            }
            if (x != null) x.require((seen & bit) == 0 && bit != 16);
            seen |= bit;
        }
        if (message == null) throw new AnswerShape.Wrong("a choice without a `message` object");
        if (x != null) x.require(seen == 15);
        return new Choice(index, message, finish, logprobs, null, extra);
    }

    private static Message message(JsonParser p, ExactShape x, byte[] json, int base, int end) throws IOException {
        String content = null, refusal = null, reasoning = null;
        List<ToolCall> calls = List.of();
        ObjectNode extra = null;
        int seen = 0; // role 1, content 2, refusal 4 (the encoder writes these three), reasoning_content 8, tool_calls 16
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            int bit = 0;
            switch (f) {
                case "content" -> {
                    if (v == JsonToken.START_ARRAY) {
                        Parts parts = parts(p);
                        content = parts.text();
                        reasoning = Parts.join(reasoning, parts.thinking());
                    } else {
                        content = string(p, "`content`");
                    }
                    bit = v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NULL ? 2 : 32;
                }
                case "refusal" -> {
                    refusal = text(p);
                    bit = v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NULL ? 4 : 32;
                }
                case "reasoning_content" -> {
                    reasoning = text(p);
                    bit = v == JsonToken.VALUE_STRING ? 8 : 32;
                }
                case "reasoning" -> {
                    if (reasoning == null) reasoning = text(p); else p.skipChildren();
                    bit = 32; // written as reasoning_content
                }
                case "tool_calls" -> {
                    if (v == JsonToken.START_ARRAY) {
                        ExactCalls exact = x == null ? null : new ExactCalls();
                        calls = toolCalls(p, exact);
                        bit = exact == null || exact.ok ? 16 : 32;
                    } else {
                        calls = nullOrWrong(p, "`tool_calls`");
                        bit = 32; // a null the encoder leaves out
                    }
                }
                case "role" -> {
                    bit = v == JsonToken.VALUE_STRING && is(p, "assistant") ? 1 : 32;
                    p.skipChildren();
                }
                default -> {
                    extra = keep(extra, f, p, v, json, base, end);
                    bit = v == JsonToken.VALUE_NULL ? 32 : 0; // kept and written as sent; a null is left out
                }
            }
            if (x != null) x.require((seen & bit) == 0 && bit != 32);
            seen |= bit;
        }
        if (x != null) x.require((seen & 7) == 7);
        return new Message(Role.ASSISTANT, content == null ? List.of() : List.of(ContentPart.Text.of(content)), null,
                calls, null, reasoning, refusal, extra);
    }

    /** Whether every tool call is what the encoder writes: id, type "function", function with a name and arguments. */
    private static final class ExactCalls {
        boolean ok = true;
    }

    /**
     * A field we do not model (annotations with url citations, audio, function_call, a server's own fields),
     * kept as sent so an OpenAI-dialect client receives it; nulls are not worth keeping.
     */
    private static ObjectNode keep(ObjectNode extra, String field, JsonParser p, JsonToken v, byte[] json, int base, int end)
            throws IOException {
        if (v == JsonToken.VALUE_NULL) return extra;
        ObjectNode out = extra != null ? extra : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        out.set(field, tree(p, v, json, base, end));
        return out;
    }

    private static final JsonNodeFactory NODES = Json.MAPPER.getDeserializationConfig().getNodeFactory();

    /**
     * The value the parser is at as a tree, what {@code p.readValueAsTree()} returns: the common values (a string, a
     * boolean, an empty array such as OpenAI's {@code "annotations": []}, an empty object) built here, without the
     * databind context (and type lookups) every {@code readValueAsTree} sets up; anything else through databind.
     */
    private static JsonNode tree(JsonParser p, JsonToken v, byte[] json, int base, int end) throws IOException {
        switch (v) {
            case VALUE_STRING -> { return NODES.textNode(p.getText()); }
            case VALUE_TRUE -> { return NODES.booleanNode(true); }
            case VALUE_FALSE -> { return NODES.booleanNode(false); }
            case START_ARRAY, START_OBJECT -> {
                if (closesNext(json, base + (int) p.currentTokenLocation().getByteOffset() + 1, end,
                        v == JsonToken.START_ARRAY ? ']' : '}')) {
                    p.nextToken(); // the closing bracket: the parser checks it as usual
                    return v == JsonToken.START_ARRAY ? NODES.arrayNode() : NODES.objectNode();
                }
                return p.readValueAsTree();
            }
            default -> { return p.readValueAsTree(); }
        }
    }

    /** Whether the next byte in {@code [i, end)} that is not JSON whitespace is {@code close}. */
    private static boolean closesNext(byte[] json, int i, int end, char close) {
        for (; i < end; i++) {
            byte b = json[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return b == close;
        }
        return false;
    }

    private static List<ToolCall> toolCalls(JsonParser p, ExactCalls exact) throws IOException {
        List<ToolCall> out = new ArrayList<>(1);
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String id = null;
            Function fn = Function.NONE;
            Function customFn = null; // a "custom" member with a name or an input
            boolean typeCustom = false;
            int seen = 0; // id 1, type 2, function 4
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                int bit;
                if (f.equals("id")) {
                    id = text(p);
                    bit = v == JsonToken.VALUE_STRING ? 1 : 8;
                } else if (f.equals("function")) {
                    fn = function(p, v, exact);
                    bit = v == JsonToken.START_OBJECT ? 4 : 8;
                } else if (f.equals("custom") && v == JsonToken.START_OBJECT) { // a custom tool's call: {"name", "input"}
                    Function c = custom(p, v);
                    if (c.name() != null || c.arguments() != null) { // servers that echo "custom": {} on function calls: ignored
                        customFn = c;
                    }
                    bit = 8; // not the shape the relay checks: the edge encodes the answer
                } else {
                    if (f.equals("type") && v == JsonToken.VALUE_STRING && is(p, "custom")) typeCustom = true;
                    bit = f.equals("type") && v == JsonToken.VALUE_STRING && is(p, "function") ? 2 : 8;
                    p.skipChildren();
                }
                if (exact != null && ((seen & bit) != 0 || bit == 8)) exact.ok = false;
                seen |= bit;
            }
            if (exact != null && (seen != 7 || fn.name() == null || fn.arguments() == null)) exact.ok = false;
            // a custom call says so by its type, or has a custom member and no function (a server that leaves out type)
            boolean custom = customFn != null && (typeCustom || (seen & 4) == 0);
            if (custom) fn = customFn;
            out.add(new ToolCall(id, fn.name(), fn.arguments(), custom)); // no id: ToolCallIds.filled gives one
        }
        if (p.currentToken() != JsonToken.END_ARRAY && exact != null) exact.ok = false;
        return out;
    }

    private static ChunkChoice chunkChoice(JsonParser p, byte[] json, int base, int end) throws IOException {
        int index = 0;
        Delta delta = Delta.EMPTY;
        FinishReason finish = null;
        JsonNode logprobs = null;
        ObjectNode extra = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "index" -> { if (v.isNumeric()) index = p.getIntValue(); }
                case "delta" -> {
                    if (v != JsonToken.START_OBJECT && v != JsonToken.VALUE_NULL) throw new AnswerShape.Wrong("a choice's `delta` is not an object");
                    if (v == JsonToken.START_OBJECT) delta = delta(p, json, base, end);
                }
                case "finish_reason" -> {
                    finish = v == JsonToken.VALUE_STRING ? known(p) : null;
                    if (finish == null) finish = FinishReasons.of(string(p, "`finish_reason`"));
                }
                case "logprobs" -> logprobs = v == JsonToken.VALUE_NULL ? null : p.readValueAsTree();
                default -> extra = keep(extra, f, p, v, json, base, end);
            }
        }
        return new ChunkChoice(index, delta, finish, logprobs, null, extra);
    }

    private static Delta delta(JsonParser p, byte[] json, int base, int end) throws IOException {
        Role role = null;
        String content = null, refusal = null, reasoning = null;
        List<ToolCallDelta> calls = List.of();
        ObjectNode extra = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "role" -> role = Role.fromWire(text(p));
                case "content" -> {
                    if (v == JsonToken.START_ARRAY) {
                        Parts parts = parts(p);
                        content = parts.text();
                        reasoning = Parts.join(reasoning, parts.thinking());
                    } else {
                        content = string(p, "`content`");
                    }
                }
                case "refusal" -> refusal = text(p);
                case "reasoning_content" -> reasoning = text(p);
                case "reasoning" -> { if (reasoning == null) reasoning = text(p); else p.skipChildren(); }
                case "tool_calls" -> calls = v == JsonToken.START_ARRAY ? toolCallDeltas(p) : nullOrWrong(p, "`tool_calls`");
                default -> extra = keep(extra, f, p, v, json, base, end);
            }
        }
        return new Delta(role, content, reasoning, refusal, calls, extra);
    }

    private static List<ToolCallDelta> toolCallDeltas(JsonParser p) throws IOException {
        List<ToolCallDelta> out = new ArrayList<>(1);
        while (p.nextToken() == JsonToken.START_OBJECT) {
            int index = out.size();
            String id = null;
            Function fn = Function.NONE;
            Function customFn = null; // a "custom" member with a name or an input
            boolean typeCustom = false, hasFunction = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                switch (f) {
                    case "index" -> { if (v.isNumeric()) index = p.getIntValue(); }
                    case "id" -> id = text(p);
                    case "function" -> {
                        fn = function(p, v);
                        hasFunction = v == JsonToken.START_OBJECT;
                    }
                    case "custom" -> { // a piece of a custom tool's call: {"name", "input"}, each possibly absent
                        Function c = custom(p, v);
                        if (c.name() != null || c.arguments() != null) customFn = c; // "custom": {} echoed on a function: ignored
                    }
                    case "type" -> {
                        typeCustom = v == JsonToken.VALUE_STRING && is(p, "custom");
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            // later pieces carry only "custom": {"input"}; a function's pieces never a custom member with content
            boolean custom = customFn != null && (typeCustom || !hasFunction);
            if (custom) fn = customFn;
            out.add(new ToolCallDelta(index, id, fn.name(), fn.arguments(), custom));
        }
        return out;
    }

    /** A tool call's {@code function} object: name and arguments, either possibly absent in a stream piece. */
    private record Function(String name, String arguments) {
        static final Function NONE = new Function(null, null);
    }

    private static Function function(JsonParser p, JsonToken v) throws IOException {
        return function(p, v, null);
    }

    /** A custom tool's call, {@code {"name", "input"}}: its input text in the place of a function's arguments. */
    private static Function custom(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return Function.NONE;
        }
        String name = null, input = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String g = p.currentName();
            p.nextToken();
            if (g.equals("name")) name = text(p);
            else if (g.equals("input")) input = text(p);
            else p.skipChildren();
        }
        return new Function(name, input);
    }

    /** @param exact cleared unless the function is exactly a string name and string arguments, once each */
    private static Function function(JsonParser p, JsonToken v, ExactCalls exact) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return Function.NONE;
        }
        String name = null, args = null;
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String g = p.currentName();
            JsonToken w = p.nextToken();
            int bit;
            if (g.equals("name")) {
                name = text(p);
                bit = w == JsonToken.VALUE_STRING ? 1 : 4;
            } else if (g.equals("arguments")) {
                args = arguments(p, w);
                bit = w == JsonToken.VALUE_STRING ? 2 : 4;
            } else {
                p.skipChildren();
                bit = 4;
            }
            if (exact != null && ((seen & bit) != 0 || bit == 4)) exact.ok = false;
            seen |= bit;
        }
        return new Function(name, args);
    }

    /**
     * The usage of a whole answer that could not be taken as one (its finish reason said the generation failed,
     * {@link FinishReasons.Failed}): the provider bills it, so the failed attempt is charged it. Read as the answer's
     * usage is (the service's {@link UsageRules}, Groq's {@code x_groq.usage}); null when the answer reports none or is
     * not an object.
     */
    Usage usageOf(byte[] json) { return usageOf(json, 0, json.length); }

    /** {@link #usageOf(byte[])} of the bytes {@code json[offset, offset + length)} (a stream's event, read in place). */
    Usage usageOf(byte[] json, int offset, int length) {
        try {
            JsonNode answer = Json.MAPPER.readTree(json, offset, length);
            if (answer == null || !answer.isObject()) return null;
            JsonNode u = answer.get("usage");
            if (u != null && u.isObject()) {
                try (JsonParser p = Json.MAPPER.treeAsTokens(u)) {
                    p.nextToken();
                    return usage(p);
                }
            }
            return rules.groqStreamUsage() ? groqUsage(answer.get("x_groq")) : null;
        } catch (IOException | RuntimeException e) {
            return null; // not readable: the attempt stays unpriced, as any failed attempt is
        }
    }

    /** Groq's {@code x_groq} object's {@code usage}, read as a top-level usage is, or null. */
    private Usage groqUsage(JsonNode xGroq) throws IOException {
        JsonNode u = xGroq == null ? null : xGroq.get("usage");
        if (u == null || !u.isObject()) return null;
        try (JsonParser p = Json.MAPPER.treeAsTokens(u)) {
            p.nextToken();
            return usage(p);
        }
    }

    private Usage usage(JsonParser p) throws IOException {
        int prompt = 0, completion = 0, total = -1;
        ObjectNode fields = null; // the members not modelled, kept where the service bills in them
        int cached = 0, promptAudio = 0, cacheWrite = 0; // prompt_tokens_details
        int reasoning = 0, completionAudio = 0, accepted = 0, rejected = 0; // completion_tokens_details
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "prompt_tokens" -> prompt = v.isNumeric() ? p.getIntValue() : 0;
                case "completion_tokens" -> completion = v.isNumeric() ? p.getIntValue() : 0;
                case "prompt_tokens_details" -> {
                    if (v != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    // the named integer fields (a null or other value leaves them as they were)
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String g = p.currentName();
                        if (!p.nextToken().isNumeric()) p.skipChildren();
                        else if (g.equals("cached_tokens")) cached = p.getIntValue();
                        else if (g.equals("audio_tokens")) promptAudio = p.getIntValue();
                        // the prompt tokens written to the provider's cache (OpenRouter for Claude and Gemini, OpenAI's
                        // newer usage): counted in prompt_tokens, as Anthropic's cache_creation_input_tokens are in ours
                        else if (g.equals("cache_write_tokens")) cacheWrite = p.getIntValue();
                    }
                }
                case "completion_tokens_details" -> {
                    if (v != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String g = p.currentName();
                        if (!p.nextToken().isNumeric()) {
                            p.skipChildren();
                            continue;
                        }
                        switch (g) {
                            case "reasoning_tokens" -> reasoning = p.getIntValue();
                            case "audio_tokens" -> completionAudio = p.getIntValue();
                            case "accepted_prediction_tokens" -> accepted = p.getIntValue();
                            case "rejected_prediction_tokens" -> rejected = p.getIntValue();
                            default -> { }
                        }
                    }
                }
                case "total_tokens" -> {
                    // read only where it tells where reasoning was counted (xAI), and only a count that fits: OpenAI's
                    // reading (and its byte scan's) never looks at it
                    if (rules.reasoningOutside() && v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                        total = p.getIntValue();
                    }
                }
                default -> {
                    if (rules.billsInUsage() && v != JsonToken.VALUE_NULL) {
                        if (fields == null) fields = NODES.objectNode();
                        fields.set(f, p.readValueAsTree());
                    } else {
                        p.skipChildren();
                    }
                }
            }
        }
        completion = rules.completion(prompt, completion, reasoning, total);
        return rules.withBill(new Usage(prompt, completion, cached, cacheWrite, reasoning, 0, new Usage.Details(promptAudio, completionAudio,
                accepted, rejected, 0)), fields);
    }

    private static final FinishReason[] FINISH_REASONS = FinishReason.values();

    /** The finish reason whose wire name the string value at the parser is, or null (no String is built). */
    private static FinishReason known(JsonParser p) throws IOException {
        for (FinishReason r : FINISH_REASONS) if (is(p, r.wire())) return r;
        return null;
    }

    /** Whether the string value at the parser is {@code s}, compared in the parser's buffer (no String is built). */
    private static boolean is(JsonParser p, String s) throws IOException {
        int n = p.getTextLength();
        if (n != s.length()) return false;
        char[] c = p.getTextCharacters();
        int o = p.getTextOffset();
        for (int i = 0; i < n; i++) if (c[o + i] != s.charAt(i)) return false;
        return true;
    }

    /** The string value at the parser: {@code last} when it has the same characters, else a new String. */
    private static String reuse(JsonParser p, String last) throws IOException {
        return last != null && is(p, last) ? last : p.getText();
    }

    /** A string value, null for null; any other value as its JSON text. */
    private static String text(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) return null;
        if (t == JsonToken.VALUE_STRING) return p.getText();
        if (t.isStructStart()) return p.readValueAsTree().toString();
        return p.getText();
    }

    /** A string or null; anything else is an answer of the wrong shape. */
    private static String string(JsonParser p, String what) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) return null;
        if (t != JsonToken.VALUE_STRING) throw new AnswerShape.Wrong(what + " is not a string");
        return p.getText();
    }

    /**
     * Content given as an array of parts (some servers; Mistral's reasoning models always): the text parts joined as the
     * text, and Mistral's thinking chunks ({@code {"type":"thinking","thinking":[{"type":"text","text":…}]}}, Magistral's
     * reasoning) joined as the reasoning, which reaches clients as other providers' reasoning does (LiteLLM reads them
     * as reasoning_content too). The text is null when the parts held only thinking (a streamed piece of reasoning).
     */
    private record Parts(String text, String thinking) {
        /** {@code a} then {@code b}, either possibly null. */
        static String join(String a, String b) { return a == null ? b : b == null ? a : a + b; }
    }

    private static Parts parts(JsonParser p) throws IOException {
        StringBuilder text = new StringBuilder(), thinking = null;
        for (JsonNode part : (JsonNode) p.readValueAsTree()) {
            if ("thinking".equals(part.path("type").textValue())) {
                if (thinking == null) thinking = new StringBuilder();
                JsonNode t = part.get("thinking");
                if (t != null && t.isTextual()) thinking.append(t.textValue());
                else if (t != null) for (JsonNode piece : t) if (piece.path("text").isTextual()) thinking.append(piece.get("text").textValue());
            } else if (part.has("text")) {
                text.append(part.get("text").asText());
            }
        }
        return new Parts(thinking != null && text.isEmpty() ? null : text.toString(), thinking == null ? null : thinking.toString());
    }

    /** Arguments are JSON text in OpenAI's format; a server that sends an object gets it written as text. */
    private static String arguments(JsonParser p, JsonToken v) throws IOException {
        return v == JsonToken.START_OBJECT ? p.readValueAsTree().toString() : text(p);
    }

    private static <T> List<T> nullOrWrong(JsonParser p, String what) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NULL) throw new AnswerShape.Wrong(what + " is not an array");
        return List.of();
    }
}
