package dev.switchboard.provider.openai;

import dev.switchboard.model.FinishReason;
import java.util.Arrays;

/**
 * {@link OpenAiChunkScan}'s reading of a chunk straight from its bytes, for the chunks every OpenAI-style stream is
 * made of: no parser object, no read contexts, no symbol table, no string for a name or a value it only checks. It
 * reads the strict, common subset of JSON (member names without escapes, no repeated member among those it reads,
 * strict UTF-8, numbers in JSON's grammar, at most {@value OpenAiJsonBytes#MAX_DEPTH} levels, nothing after the
 * chunk but white space: {@link OpenAiJsonBytes}) and answers {@link #UNSURE} for anything else, which Jackson's walk then reads as before: it never calls a
 * chunk relayable that the Jackson walk would not, and says {@link #NOT} only where that walk says no on the same
 * member (after every byte before it was read as valid JSON).
 *
 * <p>One instance per stream, not thread-safe; it writes its findings into the scan it is given.
 */
final class OpenAiChunkByteScan extends OpenAiJsonBytes {
    static final int RELAYABLE = 1;
    static final int NOT = 0;
    static final int UNSURE = -1;

    private static final byte[] ID = ascii("id"), OBJECT = ascii("object"), CREATED = ascii("created"),
            MODEL = ascii("model"), CHOICES = ascii("choices"), USAGE = ascii("usage"), ERROR = ascii("error"),
            INDEX = ascii("index"), DELTA = ascii("delta"), FINISH_REASON = ascii("finish_reason"), ROLE = ascii("role"),
            CONTENT = ascii("content"), REASONING_CONTENT = ascii("reasoning_content"), REFUSAL = ascii("refusal"),
            TOOL_CALLS = ascii("tool_calls"), REASONING = ascii("reasoning"), ASSISTANT = ascii("assistant");

    private OpenAiChunkScan out;
    private boolean identity;
    private boolean texts;

    /**
     * Reads {@code b[off, off + len)} into {@code out} (whose fields the caller reset).
     *
     * @return {@link #RELAYABLE}, {@link #NOT} or {@link #UNSURE} (then {@code out}'s fields mean nothing)
     */
    int read(OpenAiChunkScan out, byte[] b, int off, int len, boolean identity, boolean texts) {
        begin(b, off, len);
        this.out = out;
        this.identity = identity;
        this.texts = texts;
        int resume = resumePoint(b, off, len, identity);
        try {
            if (!top(off, resume)) return NOT;
            ws();
            if (pos != end) return UNSURE; // bytes after the chunk: Jackson's walk reads them as it always did
            return RELAYABLE;
        } catch (Unsure e) {
            return UNSURE;
        } finally {
            remember(b, off, len);
            this.b = null;
            this.out = null;
        }
    }

    // ---- the start a stream's chunks repeat ----
    //
    // Every chunk of a stream opens with the same id, object, created, model, service tier and fingerprint, about 200
    // of the 280 bytes of a text delta. What the scan knows when it reaches a top-level member's name depends only on
    // the bytes up to and including that name's first byte (every byte read before it lies there), so in a chunk that
    // begins with the same bytes as the last one, the scan takes up its state at the last such member within them
    // instead of reading them again. Only members before choices and usage are marks: the state there is the members
    // seen and, when asked for, the id and model read, nothing of what choices and usage set.

    /** Marks kept per chunk; a chunk has a handful of members before its choices. */
    private static final int MARKS = 16;
    /** Longer starts are not kept: what repeats is the first few hundred bytes. */
    private static final int KEPT = 512;
    /** The last chunk's first bytes; {@code lastLength} of them are kept. */
    private byte[] last;
    private int lastLength;
    /** Where each mark's member name began (from the chunk's start) and the members seen before it. */
    private final int[] markAt = new int[MARKS];
    private final int[] markSeen = new int[MARKS];
    private int marks;
    /** Whether the last chunk was read with its id and model, and what they were (for marks after them). */
    private boolean markIdentity;
    private String markId;
    private String markModel;
    /** The mark this read takes up (an index), or -1. */
    private int resumed;

    /** The index of the last mark within the start this chunk shares with the last one, or -1 (read from the start). */
    private int resumePoint(byte[] b, int off, int len, boolean identity) {
        resumed = -1;
        if (marks == 0 || (identity && !markIdentity)) return -1;
        int differ = Arrays.mismatch(b, off, off + len, last, 0, lastLength);
        int same = differ < 0 ? Math.min(len, lastLength) : differ;
        int k = marks - 1;
        while (k >= 0 && markAt[k] >= same) k--; // the mark's own first byte must be the same too
        return resumed = k;
    }

    /** Whether the last read took up a repeated start (for tests). */
    boolean resumedLast() { return resumed >= 0; }

    private void mark(int at, int seen) {
        if (marks == MARKS) return;
        markAt[marks] = at;
        markSeen[marks] = seen;
        marks++;
    }

    /** Keeps this chunk's start and what the scan read of it, for the next chunk. */
    private void remember(byte[] b, int off, int len) {
        // made once, at the first chunk's size: a longer chunk later (the usage chunk) is kept as far as it fits, which
        // is all a comparison of starts needs
        if (last == null) last = new byte[Math.min(KEPT, Math.max(len, 128))];
        int keep = Math.min(len, last.length);
        // the bytes before the mark taken up are the last chunk's too: only the rest is copied
        int from = resumed >= 0 ? markAt[resumed] : 0;
        if (keep > from) System.arraycopy(b, off + from, last, from, keep - from);
        lastLength = keep;
        markIdentity = identity;
        markId = identity ? out.id : null;
        markModel = identity ? out.model : null;
    }

    private boolean top(int from, int resume) {
        int seen; // one bit per member read below: a repeated one is Jackson's to read
        boolean members;
        if (resume >= 0) {
            // the same bytes as the last chunk up to this member's name: its state there, not a second reading
            pos = from + markAt[resume];
            seen = markSeen[resume];
            if (identity) {
                if ((seen & 1) != 0) out.id = markId;
                if ((seen & 8) != 0) out.model = markModel;
            }
            marks = resume; // the marks before it stand; it and the later ones are made again below
            members = true;
        } else {
            marks = 0;
            ws();
            if (peek() != '{') throw OUTSIDE;
            pos++;
            seen = 0;
            members = first('}');
        }
        if (members) {
            do {
                int keyStart = pos;
                if ((seen & (16 | 32)) == 0) mark(keyStart - from, seen);
                int bit = key();
                if ((seen & bit) != 0) throw OUTSIDE;
                seen |= bit;
                switch (bit) {
                    case 1 -> { // id
                        if (peek() != '"') return false;
                        string();
                        if (identity) out.id = text();
                    }
                    case 2 -> { // object
                        if (peek() != '"') return false;
                        string();
                    }
                    case 4 -> { // created
                        if (!number()) return false;
                    }
                    case 8 -> { // model: the deployment's model fills in an empty one
                        if (peek() != '"') return false;
                        string();
                        if (strUnits == 0) return false;
                        if (identity) out.model = text();
                    }
                    case 16 -> { // choices
                        if (peek() != '[') return false;
                        pos++;
                        if (first(']')) {
                            do {
                                if (peek() != '{' || !choice()) return false;
                            } while (next(']'));
                        }
                    }
                    case 32 -> { // usage: only null is relayed (priced, or dropped for a client that did not ask)
                        if (!literal(NULL)) return false;
                        out.usageNullMember(b, keyStart, pos, from, end);
                    }
                    case 64 -> { // error
                        if (!literal(NULL)) return false;
                    }
                    default -> skipValue(1);
                }
            } while (next('}'));
        }
        return (seen & 31) == 31;
    }

    /** Key bits of the top level: id 1, object 2, created 4, model 8, choices 16, usage 32, error 64; others 0. */
    private int topBit(int from, int to) {
        return switch (to - from) {
            case 2 -> is(from, to, ID) ? 1 : 0;
            case 6 -> is(from, to, OBJECT) ? 2 : 0;
            case 7 -> is(from, to, CREATED) ? 4 : is(from, to, CHOICES) ? 16 : 0;
            case 5 -> is(from, to, MODEL) ? 8 : is(from, to, USAGE) ? 32 : is(from, to, ERROR) ? 64 : 0;
            default -> 0;
        };
    }

    private boolean choice() {
        pos++; // {
        int seen = 0;
        int index = -1;
        out.choiceBegins();
        if (first('}')) {
            do {
                int bit = choiceKey();
                if ((seen & bit) != 0) throw OUTSIDE;
                seen |= bit;
                switch (bit) {
                    case 1 -> {
                        int at = pos;
                        if (!number()) return false;
                        index = smallInt(at, pos);
                        if (out.firstIndex < 0) out.firstIndex = index;
                    }
                    case 2 -> {
                        if (peek() != '{' || !delta()) return false;
                    }
                    case 4 -> {
                        if (literal(NULL)) continue;
                        if (peek() != '"') return false;
                        string();
                        FinishReason r = reason();
                        if (r == null) return false; // another server's word: mapped canonically
                        if (out.finishReason == null) out.finishReason = r.wire();
                    }
                    default -> skipValue(3);
                }
            } while (next('}'));
        }
        out.choiceEnds(index);
        return seen == 7;
    }

    /** The digits of b[from, to) as an int when they are a small non-negative integer (a choice index), else -1. */
    private int smallInt(int from, int to) {
        if (to - from < 1 || to - from > 6) return -1;
        int n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] < '0' || b[i] > '9') return -1;
            n = n * 10 + (b[i] - '0');
        }
        return n;
    }

    private int choiceKey() {
        int from = nameStart();
        int to = nameEnd();
        int bit = switch (to - from) {
            case 5 -> is(from, to, INDEX) ? 1 : is(from, to, DELTA) ? 2 : 0;
            case 13 -> is(from, to, FINISH_REASON) ? 4 : 0;
            default -> 0;
        };
        colon();
        return bit;
    }

    private boolean delta() {
        pos++; // {
        int seen = 0;
        if (first('}')) {
            do {
                int from = nameStart();
                int to = nameEnd();
                colon();
                int n = to - from;
                int bit = n == 4 && is(from, to, ROLE) ? 1 : n == 7 && is(from, to, CONTENT) ? 2
                        : n == 17 && is(from, to, REASONING_CONTENT) ? 4 : n == 7 && is(from, to, REFUSAL) ? 8
                        : (n == 10 && is(from, to, TOOL_CALLS)) || (n == 9 && is(from, to, REASONING)) ? 16 : 0;
                if ((seen & bit) != 0) throw OUTSIDE;
                seen |= bit;
                switch (bit) {
                    case 1 -> {
                        if (literal(NULL)) continue;
                        if (peek() != '"') return false;
                        string();
                        if (strEscaped) throw OUTSIDE;
                        if (!is(strFrom, strTo, ASSISTANT)) return false;
                    }
                    case 2 -> {
                        if (literal(NULL)) continue;
                        if (peek() != '"') return false; // content as parts: decoded canonically
                        string();
                        if (texts) out.contents.add(text());
                        out.outputChars += strUnits;
                    }
                    case 4 -> {
                        if (literal(NULL)) continue;
                        if (peek() != '"') return false;
                        string();
                        if (texts) out.reasonings.add(text());
                        out.outputChars += strUnits;
                    }
                    case 8 -> {
                        if (literal(NULL)) continue;
                        if (peek() != '"') return false;
                        string();
                    }
                    case 16 -> { return false; } // tool-call pieces are normalised; reasoning is another server's name
                    default -> skipValue(4);
                }
            } while (next('}'));
        }
        return true;
    }

    // ---- the usage chunk, as the canonical decoder reads it ----
    //
    // The stream's last chunk (OpenAI's include_usage: no choices, the usage object) is never relayed: it is priced,
    // and dropped for a client that did not ask. Jackson's decoder was most of its cost (a parser, its contexts and a
    // symbol-table lookup per member, 4-5 % of a relayed stream's event-loop samples for this one chunk), so it is read
    // here as that decoder reads it, for the same subset of JSON as above; anything else is the decoder's.

    /**
     * {@code b[off, off + len)} as {@link OpenAiChatDecoder#chunk} decodes it, when it is a usage chunk (a usage
     * object, no choices or an empty array, no error) in the subset read here; else null, and the decoder reads it.
     * Leaves the marks of {@link #read} as they were.
     */
    dev.switchboard.model.ChatChunk usageChunk(byte[] b, int off, int len, String fallbackModel) {
        begin(b, off, len);
        try {
            return usageTop(fallbackModel);
        } catch (Unsure e) {
            return null;
        } finally {
            this.b = null;
        }
    }

    private dev.switchboard.model.ChatChunk usageTop(String fallbackModel) {
        ws();
        if (peek() != '{') throw OUTSIDE;
        pos++;
        String id = null, model = null, fingerprint = null, tier = null;
        long created = System.currentTimeMillis() / 1000; // the decoder's default when there is none
        dev.switchboard.model.Usage usage = null;
        int seen = 0; // a repeated member is the decoder's to read
        if (first('}')) {
            do {
                int from = nameStart();
                int to = nameEnd();
                colon();
                int bit = topBit(from, to);
                if (bit == 0) {
                    int n = to - from;
                    bit = n == 18 && is(from, to, SYSTEM_FINGERPRINT) ? 128 : n == 12 && is(from, to, SERVICE_TIER) ? 256
                            : n == 11 && is(from, to, OBFUSCATION) ? 512 : 0;
                }
                if ((seen & bit) != 0) throw OUTSIDE;
                seen |= bit;
                switch (bit) {
                    case 1 -> id = stringOrNull();
                    case 4 -> created = integer(18);
                    case 8 -> model = stringOrNull();
                    case 16 -> { // choices: none
                        if (peek() != '[') throw OUTSIDE;
                        pos++;
                        if (first(']')) throw OUTSIDE;
                    }
                    case 32 -> usage = usage();
                    case 64 -> { if (!literal(NULL)) throw OUTSIDE; } // an error: the decoder throws it
                    case 128 -> fingerprint = stringOrNull();
                    case 256 -> tier = stringOrNull();
                    case 2, 512 -> skipValue(1); // object and OpenAI's obfuscation: the decoder skips them
                    default -> throw OUTSIDE; // a field we do not model: the decoder keeps it (extra)
                }
            } while (next('}'));
        }
        ws();
        if (pos != end || usage == null) throw OUTSIDE; // no usage: no usage chunk
        return new dev.switchboard.model.ChatChunk(id, created, model == null || model.isEmpty() ? fallbackModel : model,
                new java.util.ArrayList<>(0), usage, fingerprint, tier);
    }

    /** A top-level member's name and its colon; the value's first byte is next. */
    private int key() {
        int from = nameStart();
        int to = nameEnd();
        colon();
        return topBit(from, to);
    }
}

