package dev.switchboard.provider.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.model.FinishReason;
import dev.switchboard.provider.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an OpenAI-style stream chunk only as far as the gateway needs when the chunk is relayed as sent to an
 * OpenAI-dialect client: whether it can be relayed at all, the answer text it adds (for the key-run scan across
 * events and the output estimate), its finish reason, and the id and model once per stream. No canonical chunk, no
 * tree: one pass over its bytes ({@link OpenAiChunkByteScan}), or of Jackson's streaming parser for a chunk outside the
 * subset that pass reads, skipping what is not read.
 *
 * <p>A chunk can be relayed when it already has the exact shape the gateway's own encoder would write
 * ({@code id}, {@code object}, {@code created}, a non-empty {@code model}, {@code choices} each with an {@code index},
 * a {@code delta} object and a {@code finish_reason} in OpenAI's vocabulary, as OpenAI's schema requires), carries no
 * usage (priced, or dropped for a client that did not ask), no error, no tool-call pieces (normalised per stream, see
 * {@link ToolCallDeltaNormalizer}), no {@code reasoning} spelled another server's way, and text only as strings.
 * Anything else goes the canonical way, which also reports a wrong shape. One instance per stream; not thread-safe.
 */
final class OpenAiChunkScan {
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

    /** Whether the last chunk read can be relayed as sent. */
    boolean relayable;
    /** The chunk's id and model, when asked for (the stream's first relayed chunk). */
    String id;
    String model;
    /** The first finish reason in the chunk, OpenAI's word, or null. */
    String finishReason;
    /** The first choice's index (a stream of n choices sends each its own chunks), or -1. */
    int firstIndex = -1;
    /** Characters of content and reasoning text the chunk adds. */
    int outputChars;
    /**
     * Where the chunk's {@code "usage":null} member, with one comma beside it, begins and ends in the array read
     * (absolute offsets), or -1: the bytes a client that did not ask for usage must not get.
     */
    int usageNullFrom = -1;
    int usageNullTo = -1;
    /** Each choice's content text, in order, when asked for (the key-run scan needs the text); else empty. */
    final List<String> contents = new ArrayList<>(1);
    /** Each choice's {@code reasoning_content} text, in order, when asked for (the key-run scan); else empty. */
    final List<String> reasonings = new ArrayList<>(1);
    /**
     * The index of the choice each of {@link #contents} and {@link #reasonings} came in (-1 when it is no small
     * integer): each choice's texts have running key scans of their own ({@code n > 1} choices interleave).
     */
    int[] contentChoices = new int[2];
    int[] reasoningChoices = new int[2];
    /** How many texts there were when the choice being read began: its own are those after. */
    private int choiceContents;
    private int choiceReasonings;
    /** Reads the common chunk from its bytes; the Jackson walk below reads what it leaves (see its class). */
    private final OpenAiChunkByteScan bytes = new OpenAiChunkByteScan();

    private void reset() {
        relayable = false;
        id = null;
        model = null;
        finishReason = null;
        firstIndex = -1;
        outputChars = 0;
        usageNullFrom = -1;
        usageNullTo = -1;
        contents.clear();
        reasonings.clear();
    }

    /** A choice's members are about to be read. */
    void choiceBegins() {
        choiceContents = contents.size();
        choiceReasonings = reasonings.size();
    }

    /** The choice just read had this index (its member may come after its delta): its texts are marked with it. */
    void choiceEnds(int index) {
        if (contentChoices.length < contents.size()) contentChoices = java.util.Arrays.copyOf(contentChoices, contents.size() * 2);
        if (reasoningChoices.length < reasonings.size()) reasoningChoices = java.util.Arrays.copyOf(reasoningChoices, reasonings.size() * 2);
        for (int i = choiceContents; i < contents.size(); i++) contentChoices[i] = index;
        for (int i = choiceReasonings; i < reasonings.size(); i++) reasoningChoices[i] = index;
    }

    /**
     * @param identity read the id and model as strings (else only checked)
     * @param texts    collect the content strings (else only counted)
     */
    void read(byte[] b, int off, int len, boolean identity, boolean texts) {
        reset();
        int fast = bytes.read(this, b, off, len, identity, texts);
        if (fast != OpenAiChunkByteScan.UNSURE) {
            relayable = fast == OpenAiChunkByteScan.RELAYABLE;
            return;
        }
        walk(b, off, len, identity, texts);
    }

    /** The usage chunk as the canonical decoder decodes it, read from its bytes; null when the decoder must read it. */
    dev.switchboard.model.ChatChunk usageChunk(byte[] b, int off, int len, String fallbackModel) {
        return bytes.usageChunk(b, off, len, fallbackModel);
    }

    /** The chunk read with Jackson's streaming parser: what the byte scan leaves, and its reference in tests. */
    void walk(byte[] b, int off, int len, boolean identity, boolean texts) {
        reset(); // what the byte scan found before it gave up
        try (JsonParser p = FACTORY.createParser(b, off, len)) {
            relayable = top(p, b, off, off + len, identity, texts);
        } catch (IOException | RuntimeException e) {
            relayable = false; // the canonical decoder says what is wrong with it
        }
    }

    private boolean top(JsonParser p, byte[] b, int from, int to, boolean identity, boolean texts) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) return false;
        boolean sawId = false, sawObject = false, sawCreated = false, sawModel = false, sawChoices = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            // byte offsets from the parser count from the start of the range it was given
            long fieldStart = f.equals("usage") ? from + p.currentTokenLocation().getByteOffset() : -1;
            JsonToken v = p.nextToken();
            switch (f) {
                case "id" -> {
                    if (v != JsonToken.VALUE_STRING) return false;
                    sawId = true;
                    if (identity) id = p.getText();
                }
                case "object" -> {
                    if (v != JsonToken.VALUE_STRING) return false;
                    sawObject = true;
                }
                case "created" -> {
                    if (!v.isNumeric()) return false;
                    sawCreated = true;
                }
                case "model" -> {
                    if (v != JsonToken.VALUE_STRING || p.getTextLength() == 0) return false; // the deployment's model fills in
                    sawModel = true;
                    if (identity) model = p.getText();
                }
                case "choices" -> {
                    if (v != JsonToken.START_ARRAY) return false;
                    sawChoices = true;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        choiceBegins();
                        if (!choice(p, texts)) return false;
                    }
                    if (p.currentToken() != JsonToken.END_ARRAY) return false;
                }
                case "usage" -> {
                    if (v != JsonToken.VALUE_NULL) return false;
                    usageNullMember(b, (int) fieldStart, (int) (from + p.currentLocation().getByteOffset()), from, to);
                }
                case "error" -> {
                    if (v != JsonToken.VALUE_NULL) return false;
                }
                default -> p.skipChildren();
            }
        }
        return sawId && sawObject && sawCreated && sawModel && sawChoices;
    }

    /** The member's bytes with the comma before it, or (when it is the first member) the comma after it. */
    void usageNullMember(byte[] b, int start, int end, int from, int to) {
        if (start < from || end > to || end <= start) return;
        int i = start - 1;
        while (i >= from && isSpace(b[i])) i--;
        if (i >= from && b[i] == ',') {
            usageNullFrom = i;
            usageNullTo = end;
            return;
        }
        int j = end;
        while (j < to && isSpace(b[j])) j++;
        if (j < to && b[j] == ',') {
            usageNullFrom = start;
            usageNullTo = j + 1;
        }
    }

    private static boolean isSpace(byte c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

    private boolean choice(JsonParser p, boolean texts) throws IOException {
        boolean sawIndex = false, sawDelta = false, sawFinish = false;
        int index = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "index" -> {
                    if (!v.isNumeric()) return false;
                    if (firstIndex < 0 && v == JsonToken.VALUE_NUMBER_INT) firstIndex = p.getIntValue();
                    if (v == JsonToken.VALUE_NUMBER_INT) index = p.getIntValue() <= 999_999 ? Math.max(p.getIntValue(), -1) : -1; // as the byte scan reads it
                    sawIndex = true;
                }
                case "delta" -> {
                    if (v != JsonToken.START_OBJECT || !delta(p, texts)) return false;
                    sawDelta = true;
                }
                case "finish_reason" -> {
                    sawFinish = true;
                    if (v == JsonToken.VALUE_NULL) continue;
                    if (v != JsonToken.VALUE_STRING) return false;
                    String r = p.getText();
                    if (!FinishReason.fromWire(r).wire().equals(r)) return false; // another server's word: mapped canonically
                    if (finishReason == null) finishReason = r;
                }
                default -> p.skipChildren();
            }
        }
        choiceEnds(index);
        return sawIndex && sawDelta && sawFinish;
    }

    private boolean delta(JsonParser p, boolean texts) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "role" -> {
                    if (v != JsonToken.VALUE_NULL && !(v == JsonToken.VALUE_STRING && "assistant".equals(p.getText()))) return false;
                }
                case "content" -> {
                    if (v == JsonToken.VALUE_NULL) continue;
                    if (v != JsonToken.VALUE_STRING) return false;
                    if (texts) {
                        String t = p.getText();
                        contents.add(t);
                        outputChars += t.length();
                    } else {
                        outputChars += p.getTextLength();
                    }
                }
                case "reasoning_content" -> {
                    if (v == JsonToken.VALUE_NULL) continue;
                    if (v != JsonToken.VALUE_STRING) return false;
                    if (texts) {
                        String t = p.getText();
                        reasonings.add(t);
                        outputChars += t.length();
                    } else {
                        outputChars += p.getTextLength();
                    }
                }
                case "refusal" -> {
                    if (v != JsonToken.VALUE_NULL && v != JsonToken.VALUE_STRING) return false;
                }
                case "tool_calls", "reasoning" -> { return false; }
                default -> p.skipChildren();
            }
        }
        return true;
    }
}
