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
 * OpenAI's chat completion and stream-chunk JSON → canonical, read with Jackson's streaming parser straight
 * into the canonical records: every OpenAI-compatible call passes through here (once per answer, once per
 * streamed event), and building a tree first cost more than the rest of the decoding. Unknown fields are
 * skipped; where an answer lacks {@code model} (some compatible servers) the deployment's model fills in.
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

    OpenAiChatDecoder(String fallbackModel) { this.fallbackModel = fallbackModel; }

    ChatResponse response(byte[] json) throws IOException {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
            Top top = top(p, false);
            if (!top.sawChoices) throw new AnswerShape.Wrong("no `choices` array");
            List<Choice> choices = new ArrayList<>(top.choices.size());
            for (Object c : top.choices) choices.add((Choice) c);
            return new ChatResponse(top.id, top.created, top.model(), choices, top.usage, top.fingerprint, top.tier);
        }
    }

    /** @throws ErrorEvent when the event is an error object */
    ChatChunk chunk(byte[] json) throws IOException {
        return chunk(json, 0, json.length);
    }

    /** {@link #chunk(byte[])} of the bytes {@code json[offset, offset + length)}. */
    ChatChunk chunk(byte[] json, int offset, int length) throws IOException {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json, offset, length)) {
            Top top = top(p, true);
            if (!top.sawChoices && top.usage == null) throw new AnswerShape.Wrong("a chunk with neither `choices` nor `usage`");
            List<ChunkChoice> choices = new ArrayList<>(top.choices.size());
            for (Object c : top.choices) choices.add((ChunkChoice) c);
            return new ChatChunk(top.id, top.created, top.model(), choices, top.usage, top.fingerprint, top.tier);
        }
    }

    private final class Top {
        String id;
        long created = System.currentTimeMillis() / 1000;
        String model;
        String fingerprint;
        String tier;
        Usage usage;
        final List<Object> choices = new ArrayList<>(1);
        boolean sawChoices;

        String model() { return model == null || model.isEmpty() ? fallbackModel : model; }
    }

    private Top top(JsonParser p, boolean chunk) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) throw new AnswerShape.Wrong("not a JSON object");
        Top t = new Top();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "id" -> t.id = string(p, "`id`");
                case "created" -> { if (v.isNumeric()) t.created = p.getLongValue(); }
                case "model" -> t.model = string(p, "`model`");
                case "system_fingerprint" -> t.fingerprint = text(p);
                case "service_tier" -> t.tier = text(p);
                case "usage" -> {
                    if (v != JsonToken.START_OBJECT && v != JsonToken.VALUE_NULL) throw new AnswerShape.Wrong("`usage` is not an object");
                    t.usage = v == JsonToken.START_OBJECT ? usage(p) : null;
                }
                case "choices" -> {
                    if (v != JsonToken.START_ARRAY) throw new AnswerShape.Wrong("`choices` is not an array");
                    t.sawChoices = true;
                    while (p.nextToken() == JsonToken.START_OBJECT) t.choices.add(chunk ? chunkChoice(p) : choice(p, t.choices.size()));
                    if (p.currentToken() != JsonToken.END_ARRAY) throw new AnswerShape.Wrong("a choice is not an object");
                }
                case "error" -> {
                    if (v != JsonToken.VALUE_NULL) throw new ErrorEvent(p.readValueAsTree());
                }
                default -> p.skipChildren();
            }
        }
        return t;
    }

    private static Choice choice(JsonParser p, int position) throws IOException {
        int index = position;
        Message message = null;
        FinishReason finish = null;
        JsonNode logprobs = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "index" -> { if (v.isNumeric()) index = p.getIntValue(); }
                case "message" -> {
                    if (v != JsonToken.START_OBJECT) throw new AnswerShape.Wrong("a choice's `message` is not an object");
                    message = message(p);
                }
                case "finish_reason" -> finish = FinishReason.fromWire(string(p, "`finish_reason`"));
                case "logprobs" -> logprobs = v == JsonToken.VALUE_NULL ? null : p.readValueAsTree();
                default -> p.skipChildren();
            }
        }
        if (message == null) throw new AnswerShape.Wrong("a choice without a `message` object");
        return new Choice(index, message, finish, logprobs);
    }

    private static Message message(JsonParser p) throws IOException {
        String content = null, refusal = null, reasoning = null;
        List<ToolCall> calls = List.of();
        ObjectNode extra = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "content" -> content = content(p, v);
                case "refusal" -> refusal = text(p);
                case "reasoning_content" -> reasoning = text(p);
                case "reasoning" -> { if (reasoning == null) reasoning = text(p); else p.skipChildren(); }
                case "tool_calls" -> calls = v == JsonToken.START_ARRAY ? toolCalls(p) : nullOrWrong(p, "`tool_calls`");
                case "role" -> p.skipChildren();
                default -> extra = keep(extra, f, p, v);
            }
        }
        return new Message(Role.ASSISTANT, content == null ? List.of() : List.of(ContentPart.Text.of(content)), null,
                calls, null, reasoning, refusal, extra);
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

    private static List<ToolCall> toolCalls(JsonParser p) throws IOException {
        List<ToolCall> out = new ArrayList<>(1);
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String id = null;
            Function fn = Function.NONE;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (f.equals("id")) id = text(p);
                else if (f.equals("function")) fn = function(p, v);
                else p.skipChildren();
            }
            out.add(new ToolCall(id, fn.name(), fn.arguments()));
        }
        return out;
    }

    private static ChunkChoice chunkChoice(JsonParser p) throws IOException {
        int index = 0;
        Delta delta = Delta.EMPTY;
        FinishReason finish = null;
        JsonNode logprobs = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "index" -> { if (v.isNumeric()) index = p.getIntValue(); }
                case "delta" -> {
                    if (v != JsonToken.START_OBJECT && v != JsonToken.VALUE_NULL) throw new AnswerShape.Wrong("a choice's `delta` is not an object");
                    if (v == JsonToken.START_OBJECT) delta = delta(p);
                }
                case "finish_reason" -> finish = FinishReason.fromWire(string(p, "`finish_reason`"));
                case "logprobs" -> logprobs = v == JsonToken.VALUE_NULL ? null : p.readValueAsTree();
                default -> p.skipChildren();
            }
        }
        return new ChunkChoice(index, delta, finish, logprobs);
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
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return Function.NONE;
        }
        String name = null, args = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String g = p.currentName();
            JsonToken w = p.nextToken();
            if (g.equals("name")) name = text(p);
            else if (g.equals("arguments")) args = arguments(p, w);
            else p.skipChildren();
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
                promptDetails[1], completionDetails[1], completionDetails[2], completionDetails[3]));
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
