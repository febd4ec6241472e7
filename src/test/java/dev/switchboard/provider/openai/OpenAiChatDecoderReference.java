package dev.switchboard.provider.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
 * THE REFERENCE: a frozen copy of {@link OpenAiChatDecoder} as it was before its decode was made cheaper (main at
 * 9db62d6), kept only so {@link OpenAiChatDecoderDifferentialTest} can check that the new decoder returns exactly what
 * this one returns. Do not change it or use it elsewhere.
 *
 * <p>OpenAI's chat completion and stream-chunk JSON → canonical, read with Jackson's streaming parser straight
 * into the canonical records: every OpenAI-compatible call passes through here (once per answer, once per
 * streamed event), and building a tree first cost more than the rest of the decoding. Unknown fields are
 * skipped; where an answer lacks {@code model} (some compatible servers) the deployment's model fills in.
 * {@code reasoning_content} (DeepSeek, vLLM) and {@code reasoning} (OpenRouter) both become reasoning text.
 */
final class OpenAiChatDecoderReference {
    /** A stream event that carried {@code {"error":…}} instead of a chunk. */
    static final class ErrorEvent extends IOException {
        final transient JsonNode error;

        ErrorEvent(JsonNode error) {
            super("upstream error event", null);
            this.error = error;
        }
    }

    private final String fallbackModel;

    OpenAiChatDecoderReference(String fallbackModel) { this.fallbackModel = fallbackModel; }

    /** The model a chunk or answer without one (or with an empty one) is said to come from. */
    String fallbackModel() { return fallbackModel; }

    /**
     * A whole answer. When it is in the exact shape {@link dev.switchboard.edge.openai.OpenAiResponseEncoder} would write
     * (see {@link ExactShape}), the answer also carries its bytes to relay to an OpenAI-dialect client: checked in the
     * same pass, so the relay costs no second parse. {@code json} must not be changed afterwards.
     */
    ChatResponse response(byte[] json) throws IOException { return response(json, json.length); }

    /** {@link #response(byte[])} of the bytes {@code json[0, length)}. */
    ChatResponse response(byte[] json, int length) throws IOException {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json, 0, length)) {
            ExactShape exact = new ExactShape();
            Top top = top(p, false, exact);
            if (!top.sawChoices) throw new AnswerShape.Wrong("no `choices` array");
            List<Choice> choices = new ArrayList<>(top.choices.size());
            for (Object c : top.choices) choices.add((Choice) c);
            return new ChatResponse(top.id, top.created, top.model(), choices, top.usage, top.fingerprint, top.tier, null,
                    exact.relay(json), top.extra);
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
            Top top = top(p, true, null);
            if (!top.sawChoices && top.usage == null) throw new AnswerShape.Wrong("a chunk with neither `choices` nor `usage`");
            List<ChunkChoice> choices = new ArrayList<>(top.choices.size());
            for (Object c : top.choices) choices.add((ChunkChoice) c);
            return new ChatChunk(top.id, top.created, top.model(), choices, top.usage, top.fingerprint, top.tier, null, top.extra);
        }
    }

    private final class Top {
        String id;
        long created = System.currentTimeMillis() / 1000;
        String model;
        String fingerprint;
        String tier;
        Usage usage;
        ObjectNode extra;
        final List<Object> choices = new ArrayList<>(1);
        boolean sawChoices;

        String model() { return model == null || model.isEmpty() ? fallbackModel : model; }
    }

    /** @param x the exact-shape check of a whole answer, or null (a stream chunk) */
    private Top top(JsonParser p, boolean chunk, ExactShape x) throws IOException {
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
                    if (v.isNumeric()) t.created = p.getLongValue();
                    if (x != null) { x.field(ExactShape.CREATED); x.require(v == JsonToken.VALUE_NUMBER_INT); }
                }
                case "model" -> {
                    t.model = string(p, "`model`");
                    if (x != null) { x.field(ExactShape.MODEL); x.require(t.model != null && !t.model.isEmpty()); }
                }
                case "system_fingerprint" -> {
                    t.fingerprint = text(p);
                    if (x != null) { x.field(ExactShape.FINGERPRINT); x.require(v == JsonToken.VALUE_STRING); }
                }
                case "service_tier" -> {
                    t.tier = text(p);
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
                }
                case "choices" -> {
                    if (v != JsonToken.START_ARRAY) throw new AnswerShape.Wrong("`choices` is not an array");
                    t.sawChoices = true;
                    if (x != null) x.field(ExactShape.CHOICES);
                    while (p.nextToken() == JsonToken.START_OBJECT) t.choices.add(chunk ? chunkChoice(p) : choice(p, t.choices.size(), x));
                    if (p.currentToken() != JsonToken.END_ARRAY) throw new AnswerShape.Wrong("a choice is not an object");
                }
                case "error" -> {
                    if (v != JsonToken.VALUE_NULL) throw new ErrorEvent(p.readValueAsTree());
                    if (x != null) x.ok = false; // the encoder writes no "error": null
                }
                case "object" -> {
                    if (x != null) {
                        x.field(ExactShape.OBJECT);
                        x.require(v == JsonToken.VALUE_STRING && "chat.completion".equals(p.getText()));
                    }
                    p.skipChildren();
                }
                case "obfuscation" -> {
                    if (x != null) x.ok = false;
                    p.skipChildren();
                }
                default -> {
                    if (x != null) x.ok = false; // not relayed: kept in extra
                    t.extra = keep(t.extra, f, p, v);
                }
            }
        }
        if (x != null) x.end = (int) p.currentLocation().getByteOffset();
        return t;
    }

    private static Choice choice(JsonParser p, int position, ExactShape x) throws IOException {
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
                    message = message(p, x);
                    bit = 2;
                }
                case "finish_reason" -> {
                    String wire = string(p, "`finish_reason`");
                    finish = FinishReasons.of(wire);
                    bit = finish != null && finish.wire().equals(wire) ? 4 : 16; // another server's word is written as ours
                }
                case "logprobs" -> {
                    logprobs = v == JsonToken.VALUE_NULL ? null : p.readValueAsTree();
                    bit = 8;
                }
                default -> {
                    extra = keep(extra, f, p, v); // a choice's own fields are kept, as an answer's and a message's
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

    private static Message message(JsonParser p, ExactShape x) throws IOException {
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
                    content = content(p, v);
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
                    bit = v == JsonToken.VALUE_STRING && "assistant".equals(p.getText()) ? 1 : 32;
                    p.skipChildren();
                }
                default -> {
                    extra = keep(extra, f, p, v);
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
    private static ObjectNode keep(ObjectNode extra, String field, JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NULL) return extra;
        ObjectNode out = extra != null ? extra : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        out.set(field, p.readValueAsTree());
        return out;
    }

    private static List<ToolCall> toolCalls(JsonParser p, ExactCalls exact) throws IOException {
        List<ToolCall> out = new ArrayList<>(1);
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String id = null;
            Function fn = Function.NONE;
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
                } else {
                    bit = f.equals("type") && v == JsonToken.VALUE_STRING && "function".equals(p.getText()) ? 2 : 8;
                    p.skipChildren();
                }
                if (exact != null && ((seen & bit) != 0 || bit == 8)) exact.ok = false;
                seen |= bit;
            }
            if (exact != null && (seen != 7 || fn.name() == null || fn.arguments() == null)) exact.ok = false;
            out.add(new ToolCall(id, fn.name(), fn.arguments()));
        }
        if (p.currentToken() != JsonToken.END_ARRAY && exact != null) exact.ok = false;
        return out;
    }

    private static ChunkChoice chunkChoice(JsonParser p) throws IOException {
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
                    if (v == JsonToken.START_OBJECT) delta = delta(p);
                }
                case "finish_reason" -> finish = FinishReasons.of(string(p, "`finish_reason`"));
                case "logprobs" -> logprobs = v == JsonToken.VALUE_NULL ? null : p.readValueAsTree();
                default -> extra = keep(extra, f, p, v);
            }
        }
        return new ChunkChoice(index, delta, finish, logprobs, null, extra);
    }

    private static Delta delta(JsonParser p) throws IOException {
        Role role = null;
        String content = null, refusal = null, reasoning = null;
        List<ToolCallDelta> calls = List.of();
        ObjectNode extra = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "role" -> role = Role.fromWire(text(p));
                case "content" -> content = content(p, v);
                case "refusal" -> refusal = text(p);
                case "reasoning_content" -> reasoning = text(p);
                case "reasoning" -> { if (reasoning == null) reasoning = text(p); else p.skipChildren(); }
                case "tool_calls" -> calls = v == JsonToken.START_ARRAY ? toolCallDeltas(p) : nullOrWrong(p, "`tool_calls`");
                default -> extra = keep(extra, f, p, v);
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
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                switch (f) {
                    case "index" -> { if (v.isNumeric()) index = p.getIntValue(); }
                    case "id" -> id = text(p);
                    case "function" -> fn = function(p, v);
                    default -> p.skipChildren();
                }
            }
            out.add(new ToolCallDelta(index, id, fn.name(), fn.arguments()));
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

    private static final List<String> PROMPT_DETAILS = List.of("cached_tokens", "audio_tokens");
    private static final List<String> COMPLETION_DETAILS = List.of("reasoning_tokens", "audio_tokens",
            "accepted_prediction_tokens", "rejected_prediction_tokens");

    private static Usage usage(JsonParser p) throws IOException {
        int prompt = 0, completion = 0;
        int[] promptDetails = new int[PROMPT_DETAILS.size()];
        int[] completionDetails = new int[COMPLETION_DETAILS.size()];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "prompt_tokens" -> prompt = v.isNumeric() ? p.getIntValue() : 0;
                case "completion_tokens" -> completion = v.isNumeric() ? p.getIntValue() : 0;
                case "prompt_tokens_details" -> fields(p, v, PROMPT_DETAILS, promptDetails);
                case "completion_tokens_details" -> fields(p, v, COMPLETION_DETAILS, completionDetails);
                default -> p.skipChildren();
            }
        }
        return new Usage(prompt, completion, promptDetails[0], 0, completionDetails[0], 0, new Usage.Details(
                promptDetails[1], completionDetails[1], completionDetails[2], completionDetails[3], 0));
    }

    /** The named integer fields of the object the parser is at (a null or other value leaves them 0). */
    private static void fields(JsonParser p, JsonToken v, List<String> names, int[] out) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            int i = names.indexOf(p.currentName());
            JsonToken t = p.nextToken();
            if (i >= 0 && t.isNumeric()) out[i] = p.getIntValue();
            else p.skipChildren();
        }
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

    /** Content is a string, null, or (some servers) an array of text parts, joined; anything else is the wrong shape. */
    private static String content(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_ARRAY) return string(p, "`content`");
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : (JsonNode) p.readValueAsTree()) if (part.has("text")) sb.append(part.get("text").asText());
        return sb.toString();
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
