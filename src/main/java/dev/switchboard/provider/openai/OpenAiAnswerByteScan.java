package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.RelayedAnswer;
import dev.switchboard.model.RelayedEvent;
import dev.switchboard.model.Role;
import dev.switchboard.model.ToolCall;
import dev.switchboard.model.Usage;
import dev.switchboard.provider.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole chat completion read straight from its bytes into the records {@link OpenAiChatDecoder#response} builds with
 * Jackson, for the answers an OpenAI-style upstream sends nearly always: the exact shape the gateway relays as sent (see
 * {@code OpenAiChatDecoder.ExactShape}), as OpenAI and the simulator write it: id, object, created, model, choices with
 * index, message (role, content, refusal, optionally reasoning_content, tool calls of id, type and function, and kept
 * fields that are a string, a boolean, {@code []} or {@code {}} such as OpenAI's {@code "annotations": []}), logprobs
 * null and a known finish reason, a usage object, and optionally service_tier and system_fingerprint (a null one is
 * read too: the answer is then not relayed, as with Jackson). Jackson's parser object, its contexts and its token walk
 * were most of the decode's cost, once per non-stream answer on the event loop.
 *
 * <p>Anything else (a member the records drop or normalise, one twice, a null where the exact shape has a value, a
 * number to coerce, bytes outside {@link OpenAiJsonBytes}'s subset, anything after the answer) answers null, and
 * Jackson reads the answer as before: this reads no answer differently, it reads fewer. One instance per answer.
 */
final class OpenAiAnswerByteScan extends OpenAiJsonBytes {
    /** Longer answers are left to Jackson: every string then stays far inside its length limit. */
    static final int MAX_ANSWER = 4 << 20;

    private static final byte[] CHAT_COMPLETION = ascii("chat.completion"), ASSISTANT = ascii("assistant"),
            FUNCTION = ascii("function");
    /** The decoder's factory for the kept fields' values (the container is {@code JsonNodeFactory.instance}'s, as there). */
    private static final JsonNodeFactory NODES = Json.MAPPER.getDeserializationConfig().getNodeFactory();

    // top-level members, one bit each
    private static final int ID = 1, OBJECT = 2, CREATED = 4, MODEL = 8, CHOICES = 16, USAGE = 32, FINGERPRINT = 64,
            TIER = 128;
    private static final int REQUIRED = ID | OBJECT | CREATED | MODEL | CHOICES | USAGE;

    /** The three strings a deployment's answers repeat, reused when the bytes match (see the decoder's fields). */
    private final String lastModel, lastFingerprint, lastTier;
    /** False once the answer is read in a way the exact-shape check refuses (a null fingerprint or tier). */
    private boolean relayable = true;

    OpenAiAnswerByteScan(String lastModel, String lastFingerprint, String lastTier) {
        this.lastModel = lastModel;
        this.lastFingerprint = lastFingerprint;
        this.lastTier = lastTier;
    }

    /** {@code json[0, length)} as the decoder's records, or null: then the decoder's Jackson path reads it. */
    ChatResponse read(byte[] json, int length) {
        if (length > MAX_ANSWER) return null;
        begin(json, 0, length);
        try {
            return answer();
        } catch (Unsure e) {
            return null;
        }
    }

    private ChatResponse answer() {
        ws();
        if (peek() != '{') throw OUTSIDE;
        int start = pos++;
        String id = null, model = null, fingerprint = null, tier = null;
        long created = 0;
        List<Choice> choices = null;
        Usage usage = null;
        int usageFrom = 0, usageTo = 0;
        int seen = 0;
        if (first('}')) {
            do {
                int bit = topKey();
                if (bit == 0 || (seen & bit) != 0) throw OUTSIDE; // a member the records drop, or one twice
                seen |= bit;
                switch (bit) {
                    case ID -> id = stringText();
                    case OBJECT -> expectWord(CHAT_COMPLETION);
                    case CREATED -> created = integer(18);
                    case MODEL -> {
                        model = reuse(lastModel, false);
                        if (model.isEmpty()) throw OUTSIDE; // the deployment's model fills in
                    }
                    case CHOICES -> choices = choices();
                    case USAGE -> {
                        usageFrom = pos;
                        usage = usage();
                        usageTo = pos;
                    }
                    case FINGERPRINT -> fingerprint = reuse(lastFingerprint, true);
                    default -> tier = reuse(lastTier, true);
                }
            } while (next('}'));
        }
        int answerEnd = pos;
        ws();
        if (pos != end || (seen & REQUIRED) != REQUIRED) throw OUTSIDE; // no created: dated now, by Jackson's path
        RelayedAnswer relay = relayable
                ? new RelayedAnswer(RelayedEvent.OPENAI_CHAT, b, start, usageFrom, usageTo, answerEnd) : null;
        return new ChatResponse(id, created, model, choices, usage, fingerprint, tier, null, relay);
    }

    private int topKey() {
        int from = nameStart();
        int to = nameEnd();
        colon();
        return switch (to - from) {
            case 2 -> named(from, to, "id", ID);
            case 5 -> named(from, to, "model", MODEL) | named(from, to, "usage", USAGE);
            case 6 -> named(from, to, "object", OBJECT);
            case 7 -> named(from, to, "created", CREATED) | named(from, to, "choices", CHOICES);
            case 12 -> named(from, to, "service_tier", TIER);
            case 18 -> named(from, to, "system_fingerprint", FINGERPRINT);
            default -> 0;
        };
    }

    private List<Choice> choices() {
        List<Choice> out = new ArrayList<>(1); // the decoder's list type: the records compare equal to the letter
        if (open('[', ']')) {
            do out.add(choice());
            while (next(']'));
        }
        return out;
    }

    /** A choice with index, message, logprobs null and a known finish reason, each once, nothing else. */
    private Choice choice() {
        int index = 0;
        Message message = null;
        FinishReason finish = null;
        int seen = 0;
        if (open('{', '}')) {
            do {
                int from = nameStart();
                int to = nameEnd();
                colon();
                int bit = switch (to - from) {
                    case 5 -> named(from, to, "index", 1);
                    case 7 -> named(from, to, "message", 2);
                    case 8 -> named(from, to, "logprobs", 4);
                    case 13 -> named(from, to, "finish_reason", 8);
                    default -> 0;
                };
                if (bit == 0 || (seen & bit) != 0) throw OUTSIDE;
                seen |= bit;
                switch (bit) {
                    case 1 -> index = int32();
                    case 2 -> message = message();
                    case 4 -> { if (!literal(NULL)) throw OUTSIDE; } // log probabilities are read by Jackson
                    default -> {
                        readString();
                        finish = reason();
                        if (finish == null) throw OUTSIDE; // another server's word: mapped canonically
                    }
                }
            } while (next('}'));
        }
        if (seen != 15) throw OUTSIDE;
        return new Choice(index, message, finish, null);
    }

    /**
     * The message: role "assistant", content and refusal (strings or null) once each, optionally reasoning_content (a
     * string) and tool calls; any other member is kept as the decoder keeps it when it is a string, a boolean,
     * {@code []} or {@code {}} (anything else, a null included, is Jackson's).
     */
    private Message message() {
        String content = null, refusal = null, reasoning = null;
        List<ToolCall> calls = List.of();
        ObjectNode extra = null;
        int seen = 0;
        if (open('{', '}')) {
            do {
                int from = nameStart();
                int to = nameEnd();
                colon();
                int bit = switch (to - from) {
                    case 4 -> named(from, to, "role", 1);
                    case 7 -> named(from, to, "content", 2) | named(from, to, "refusal", 4);
                    case 17 -> named(from, to, "reasoning_content", 8);
                    case 10 -> named(from, to, "tool_calls", 16);
                    case 9 -> named(from, to, "reasoning", 32); // another server's name for reasoning_content
                    default -> 0;
                };
                if ((seen & bit) != 0 || bit == 32) throw OUTSIDE;
                seen |= bit;
                switch (bit) {
                    case 1 -> expectWord(ASSISTANT);
                    case 2 -> content = stringOrNull();
                    case 4 -> refusal = stringOrNull();
                    case 8 -> reasoning = stringText();
                    case 16 -> calls = toolCalls();
                    default -> {
                        if (extra == null) extra = JsonNodeFactory.instance.objectNode();
                        String name = new String(b, from, to - from, StandardCharsets.ISO_8859_1); // ASCII: nameEnd
                        if (extra.has(name)) throw OUTSIDE; // kept twice: Jackson's
                        extra.set(name, kept());
                    }
                }
            } while (next('}'));
        }
        if ((seen & 7) != 7) throw OUTSIDE;
        return new Message(Role.ASSISTANT, content == null ? List.of() : List.of(ContentPart.Text.of(content)), null,
                calls, null, reasoning, refusal, extra);
    }

    /** A kept member's value as the decoder builds it without databind: a string, a boolean, {@code []} or {@code {}}. */
    private JsonNode kept() {
        byte c = peek();
        if (c == '"') return NODES.textNode(stringText());
        if (literal(TRUE)) return NODES.booleanNode(true);
        if (literal(FALSE)) return NODES.booleanNode(false);
        if (c != '[' && c != '{') throw OUTSIDE;
        pos++;
        if (first(c == '[' ? ']' : '}')) throw OUTSIDE; // not empty: databind's
        return c == '[' ? NODES.arrayNode() : NODES.objectNode();
    }

    /** Tool calls, each exactly id, type "function" and a function of a name and arguments, all strings. */
    private List<ToolCall> toolCalls() {
        List<ToolCall> out = new ArrayList<>(1);
        if (open('[', ']')) {
            do out.add(toolCall());
            while (next(']'));
        }
        return out;
    }

    private ToolCall toolCall() {
        String id = null, name = null, arguments = null;
        int seen = 0;
        if (open('{', '}')) {
            do {
                int from = nameStart();
                int to = nameEnd();
                colon();
                int bit = named(from, to, "id", 1) | named(from, to, "type", 2) | named(from, to, "function", 4);
                if (bit == 0 || (seen & bit) != 0) throw OUTSIDE;
                seen |= bit;
                switch (bit) {
                    case 1 -> id = stringText();
                    case 2 -> expectWord(FUNCTION);
                    default -> {
                        int fn = 0;
                        if (open('{', '}')) {
                            do {
                                int f = nameStart();
                                int t = nameEnd();
                                colon();
                                int g = named(f, t, "name", 1) | named(f, t, "arguments", 2);
                                if (g == 0 || (fn & g) != 0) throw OUTSIDE;
                                fn |= g;
                                if (g == 1) name = stringText();
                                else arguments = stringText();
                            } while (next('}'));
                        }
                        if (fn != 3) throw OUTSIDE;
                    }
                }
            } while (next('}'));
        }
        if (seen != 7) throw OUTSIDE;
        return new ToolCall(id, name, arguments);
    }

    /** A value that must be a string (a null is Jackson's: the answer would not be relayed), read past. */
    private void readString() {
        if (peek() != '"') throw OUTSIDE;
        string();
    }

    /** A string value's text. */
    private String stringText() {
        readString();
        return text();
    }

    /**
     * A string value: {@code last} when it has the same bytes (no new String), else its text. With {@code nullable}
     * a null is read as null, and the answer is then not relayed (the encoder would leave the member out).
     */
    private String reuse(String last, boolean nullable) {
        if (nullable && literal(NULL)) {
            relayable = false;
            return null;
        }
        readString();
        if (last != null && !strEscaped && strAscii && last.length() == strTo - strFrom) {
            int i = 0;
            while (i < strTo - strFrom && last.charAt(i) == b[strFrom + i]) i++;
            if (i == strTo - strFrom) return last;
        }
        return text();
    }

    /** A string value that must be exactly {@code word} as written (no escapes); anything else is Jackson's. */
    private void expectWord(byte[] word) {
        readString();
        if (strEscaped || !is(strFrom, strTo, word)) throw OUTSIDE;
    }

    /** {@code bit} when the name {@code b[from, to)} is {@code name} (ASCII), else 0. */
    private int named(int from, int to, String name, int bit) {
        if (to - from != name.length()) return 0;
        for (int i = 0; i < name.length(); i++) if (b[from + i] != name.charAt(i)) return 0;
        return bit;
    }
}
