package dev.switchboard.provider.openai;

import dev.switchboard.model.FinishReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@link OpenAiChunkScan}'s reading of a chunk straight from its bytes, for the chunks every OpenAI-style stream is
 * made of: no parser object, no read contexts, no symbol table, no string for a name or a value it only checks. It
 * reads the strict, common subset of JSON (member names without escapes, no repeated member among those it reads,
 * strict UTF-8, numbers in JSON's grammar, at most {@value #MAX_DEPTH} levels, nothing after the chunk but white
 * space) and answers {@link #UNSURE} for anything else, which Jackson's walk then reads as before: it never calls a
 * chunk relayable that the Jackson walk would not, and says {@link #NOT} only where that walk says no on the same
 * member (after every byte before it was read as valid JSON).
 *
 * <p>One instance per stream, not thread-safe; it writes its findings into the scan it is given.
 */
final class OpenAiChunkByteScan {
    static final int RELAYABLE = 1;
    static final int NOT = 0;
    static final int UNSURE = -1;

    /** Deeper members (skipped) are left to Jackson's walk; an OpenAI chunk nests four levels. */
    static final int MAX_DEPTH = 32;
    /** Longer numbers are left to Jackson's walk (and its own limit). */
    private static final int MAX_NUMBER = 64;

    /** Outside the subset read here: Jackson's walk decides. Thrown from deep inside, so one instance, no stack. */
    private static final class Unsure extends RuntimeException {
        private Unsure() { super(null, null, false, false); }
    }

    private static final Unsure OUTSIDE = new Unsure();

    private static final byte[] ID = ascii("id"), OBJECT = ascii("object"), CREATED = ascii("created"),
            MODEL = ascii("model"), CHOICES = ascii("choices"), USAGE = ascii("usage"), ERROR = ascii("error"),
            INDEX = ascii("index"), DELTA = ascii("delta"), FINISH_REASON = ascii("finish_reason"), ROLE = ascii("role"),
            CONTENT = ascii("content"), REASONING_CONTENT = ascii("reasoning_content"), REFUSAL = ascii("refusal"),
            TOOL_CALLS = ascii("tool_calls"), REASONING = ascii("reasoning"), ASSISTANT = ascii("assistant"),
            NULL = ascii("null"), TRUE = ascii("true"), FALSE = ascii("false");
    private static final FinishReason[] REASONS = FinishReason.values();
    private static final byte[][] REASON_WORDS = Arrays.stream(REASONS).map(r -> ascii(r.wire())).toArray(byte[][]::new);

    private byte[] b;
    private int pos;
    private int end;
    private OpenAiChunkScan out;
    private boolean identity;
    private boolean texts;
    /** The last string read: its raw bytes between the quotes, whether it had escapes, its length in UTF-16 units. */
    private int strFrom;
    private int strTo;
    private boolean strEscaped;
    private boolean strAscii;
    private int strUnits;
    /** For texts with escapes only (rare in a stream), so made on the first one: most streams never need it. */
    private char[] chars;

    /**
     * Reads {@code b[off, off + len)} into {@code out} (whose fields the caller reset).
     *
     * @return {@link #RELAYABLE}, {@link #NOT} or {@link #UNSURE} (then {@code out}'s fields mean nothing)
     */
    int read(OpenAiChunkScan out, byte[] b, int off, int len, boolean identity, boolean texts) {
        this.b = b;
        this.pos = off;
        this.end = off + len;
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
        if (first('}')) {
            do {
                int bit = choiceKey();
                if ((seen & bit) != 0) throw OUTSIDE;
                seen |= bit;
                switch (bit) {
                    case 1 -> {
                        if (!number()) return false;
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
        return seen == 7;
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

    private FinishReason reason() {
        if (strEscaped) throw OUTSIDE;
        for (int i = 0; i < REASONS.length; i++) if (is(strFrom, strTo, REASON_WORDS[i])) return REASONS[i];
        return null;
    }

    // ---- the usage chunk, as the canonical decoder reads it ----
    //
    // The stream's last chunk (OpenAI's include_usage: no choices, the usage object) is never relayed: it is priced,
    // and dropped for a client that did not ask. Jackson's decoder was most of its cost (a parser, its contexts and a
    // symbol-table lookup per member, 4-5 % of a relayed stream's event-loop samples for this one chunk), so it is read
    // here as that decoder reads it, for the same subset of JSON as above; anything else is the decoder's.

    private static final byte[] SYSTEM_FINGERPRINT = ascii("system_fingerprint"), SERVICE_TIER = ascii("service_tier"),
            PROMPT_TOKENS = ascii("prompt_tokens"), COMPLETION_TOKENS = ascii("completion_tokens"),
            PROMPT_TOKENS_DETAILS = ascii("prompt_tokens_details"), COMPLETION_TOKENS_DETAILS = ascii("completion_tokens_details");
    /** The decoder's {@code PROMPT_DETAILS} and {@code COMPLETION_DETAILS}, in its order. */
    private static final byte[][] PROMPT_DETAIL_NAMES = {ascii("cached_tokens"), ascii("audio_tokens")};
    private static final byte[][] COMPLETION_DETAIL_NAMES = {ascii("reasoning_tokens"), ascii("audio_tokens"),
            ascii("accepted_prediction_tokens"), ascii("rejected_prediction_tokens")};

    /**
     * {@code b[off, off + len)} as {@link OpenAiChatDecoder#chunk} decodes it, when it is a usage chunk (a usage
     * object, no choices or an empty array, no error) in the subset read here; else null, and the decoder reads it.
     * Leaves the marks of {@link #read} as they were.
     */
    dev.switchboard.model.ChatChunk usageChunk(byte[] b, int off, int len, String fallbackModel) {
        this.b = b;
        this.pos = off;
        this.end = off + len;
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
                    bit = n == 18 && is(from, to, SYSTEM_FINGERPRINT) ? 128 : n == 12 && is(from, to, SERVICE_TIER) ? 256 : 0;
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
                    default -> skipValue(1); // object and members the decoder skips
                }
            } while (next('}'));
        }
        ws();
        if (pos != end || usage == null) throw OUTSIDE; // no usage: no usage chunk
        return new dev.switchboard.model.ChatChunk(id, created, model == null || model.isEmpty() ? fallbackModel : model,
                new java.util.ArrayList<>(0), usage, fingerprint, tier);
    }

    /** A usage object (not null: then the chunk is no usage chunk). */
    private dev.switchboard.model.Usage usage() {
        if (peek() != '{') throw OUTSIDE;
        pos++;
        int prompt = 0, completion = 0;
        int[] promptDetails = new int[PROMPT_DETAIL_NAMES.length];
        int[] completionDetails = new int[COMPLETION_DETAIL_NAMES.length];
        if (first('}')) {
            do {
                int from = nameStart();
                int to = nameEnd();
                colon();
                int n = to - from;
                if (n == 13 && is(from, to, PROMPT_TOKENS)) prompt = int32();
                else if (n == 17 && is(from, to, COMPLETION_TOKENS)) completion = int32();
                else if (n == 21 && is(from, to, PROMPT_TOKENS_DETAILS)) details(PROMPT_DETAIL_NAMES, promptDetails);
                else if (n == 25 && is(from, to, COMPLETION_TOKENS_DETAILS)) details(COMPLETION_DETAIL_NAMES, completionDetails);
                else skipValue(2);
            } while (next('}'));
        }
        return new dev.switchboard.model.Usage(prompt, completion, promptDetails[0], 0, completionDetails[0], 0,
                new dev.switchboard.model.Usage.Details(promptDetails[1], completionDetails[1], completionDetails[2],
                        completionDetails[3]));
    }

    /** A details object's named counts (the last of a repeated name, as the decoder keeps it); null leaves them 0. */
    private void details(byte[][] names, int[] out) {
        if (literal(NULL)) return;
        if (peek() != '{') throw OUTSIDE;
        pos++;
        if (!first('}')) return;
        do {
            int from = nameStart();
            int to = nameEnd();
            colon();
            int k = names.length - 1;
            while (k >= 0 && !is(from, to, names[k])) k--;
            if (k >= 0) out[k] = int32();
            else skipValue(3);
        } while (next('}'));
    }

    /** A string's text, or null for null; any other value is outside (the decoder calls it the wrong shape, or reads it as text). */
    private String stringOrNull() {
        if (literal(NULL)) return null;
        if (peek() != '"') throw OUTSIDE;
        string();
        return text();
    }

    /** An integer that fits an int (past one, the decoder's error is the answer). */
    private int int32() {
        long v = integer(10);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw OUTSIDE;
        return (int) v;
    }

    /** An integer of at most {@code digits} digits (so it fits without a check), no fraction or exponent. */
    private long integer(int digits) {
        int from = pos;
        if (!number()) throw OUTSIDE;
        int i = from;
        boolean negative = b[i] == '-';
        if (negative) i++;
        if (pos - i > digits) throw OUTSIDE;
        long v = 0;
        for (; i < pos; i++) {
            byte c = b[i];
            if (c < '0' || c > '9') throw OUTSIDE; // a fraction or an exponent: the decoder's coercion
            v = v * 10 + (c - '0');
        }
        return negative ? -v : v;
    }

    // ---- JSON, the strict subset ----

    /**
     * After an object's { or an array's [: whether a member or element follows (at its first byte), or the object or
     * array is empty (its {@code close} consumed).
     */
    private boolean first(char close) {
        ws();
        if (peek() == close) {
            pos++;
            return false;
        }
        return true;
    }

    /** After a member's value or an element: true at the next one's first byte, false past {@code close}. */
    private boolean next(char close) {
        ws();
        byte c = peek();
        pos++;
        if (c == close) return false;
        if (c != ',') throw OUTSIDE;
        ws();
        return true;
    }

    /** A top-level member's name and its colon; the value's first byte is next. */
    private int key() {
        int from = nameStart();
        int to = nameEnd();
        colon();
        return topBit(from, to);
    }

    private int nameStart() {
        if (peek() != '"') throw OUTSIDE;
        return ++pos;
    }

    /** A name without escapes and in ASCII (every name read here): its end; past the closing quote. */
    private int nameEnd() {
        for (int i = pos; i < end; i++) {
            byte c = b[i];
            if (c == '"') {
                pos = i + 1;
                return i;
            }
            if (c == '\\' || c < 0x20) throw OUTSIDE; // (bytes >= 0x80 are negative: outside too)
        }
        throw OUTSIDE;
    }

    private void colon() {
        ws();
        if (peek() != ':') throw OUTSIDE;
        pos++;
        ws();
    }

    /** A string at its opening quote, checked, its bounds and length kept for {@link #text()}; past its closing quote. */
    private void string() {
        int i = pos + 1;
        strFrom = i;
        strEscaped = false;
        strAscii = true;
        int units = 0;
        while (true) {
            if (i >= end) throw OUTSIDE;
            int c = b[i] & 0xff;
            if (c == '"') break;
            if (c == '\\') {
                strEscaped = true;
                if (i + 1 >= end) throw OUTSIDE;
                byte e = b[i + 1];
                if (e == 'u') {
                    if (i + 6 > end || hex(b[i + 2]) < 0 || hex(b[i + 3]) < 0 || hex(b[i + 4]) < 0 || hex(b[i + 5]) < 0) throw OUTSIDE;
                    i += 6;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                    i += 2;
                } else {
                    throw OUTSIDE;
                }
                units++;
            } else if (c < 0x20) {
                throw OUTSIDE;
            } else if (c < 0x80) {
                i++;
                units++;
            } else {
                strAscii = false;
                int n = utf8(i);
                i += n;
                units += n == 4 ? 2 : 1;
            }
        }
        strTo = i;
        strUnits = units;
        pos = i + 1;
    }

    /** The length of the valid UTF-8 sequence at {@code i} (RFC 3629: no overlong forms, no surrogates, ≤ U+10FFFF). */
    private int utf8(int i) {
        int c = b[i] & 0xff;
        if (c >= 0xC2 && c <= 0xDF) {
            cont(i + 1, 0x80, 0xBF);
            return 2;
        }
        if (c >= 0xE0 && c <= 0xEF) {
            cont(i + 1, c == 0xE0 ? 0xA0 : 0x80, c == 0xED ? 0x9F : 0xBF);
            cont(i + 2, 0x80, 0xBF);
            return 3;
        }
        if (c >= 0xF0 && c <= 0xF4) {
            cont(i + 1, c == 0xF0 ? 0x90 : 0x80, c == 0xF4 ? 0x8F : 0xBF);
            cont(i + 2, 0x80, 0xBF);
            cont(i + 3, 0x80, 0xBF);
            return 4;
        }
        throw OUTSIDE;
    }

    private void cont(int i, int lo, int hi) {
        if (i >= end) throw OUTSIDE;
        int c = b[i] & 0xff;
        if (c < lo || c > hi) throw OUTSIDE;
    }

    /** The last string read, decoded. */
    private String text() {
        if (!strEscaped) {
            return new String(b, strFrom, strTo - strFrom, strAscii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        }
        if (chars == null || chars.length < strUnits) chars = new char[Math.max(strUnits, chars == null ? 64 : chars.length * 2)];
        char[] o = chars;
        int n = 0;
        for (int i = strFrom; i < strTo; ) {
            int c = b[i] & 0xff;
            if (c == '\\') {
                byte e = b[i + 1];
                if (e == 'u') {
                    o[n++] = (char) (hex(b[i + 2]) << 12 | hex(b[i + 3]) << 8 | hex(b[i + 4]) << 4 | hex(b[i + 5]));
                    i += 6;
                    continue;
                }
                o[n++] = switch (e) {
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> (char) e; // " \ /
                };
                i += 2;
            } else if (c < 0x80) {
                o[n++] = (char) c;
                i++;
            } else if (c < 0xE0) {
                o[n++] = (char) ((c & 0x1F) << 6 | (b[i + 1] & 0x3F));
                i += 2;
            } else if (c < 0xF0) {
                o[n++] = (char) ((c & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | (b[i + 2] & 0x3F));
                i += 3;
            } else {
                int cp = (c & 0x07) << 18 | (b[i + 1] & 0x3F) << 12 | (b[i + 2] & 0x3F) << 6 | (b[i + 3] & 0x3F);
                o[n++] = Character.highSurrogate(cp);
                o[n++] = Character.lowSurrogate(cp);
                i += 4;
            }
        }
        return new String(o, 0, n);
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /** A number in JSON's grammar at pos; false (nothing consumed) when the value is no number. */
    private boolean number() {
        int i = pos;
        if (i < end && b[i] == '-') i++;
        if (i >= end) throw OUTSIDE;
        if (b[i] == '0') i++;
        else if (b[i] >= '1' && b[i] <= '9') i = digits(i);
        else if (i == pos) return false;
        else throw OUTSIDE;
        if (i < end && b[i] == '.') {
            int d = digits(i + 1);
            if (d == i + 1) throw OUTSIDE;
            i = d;
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && (b[i] == '+' || b[i] == '-')) i++;
            int d = digits(i);
            if (d == i) throw OUTSIDE;
            i = d;
        }
        if (i - pos > MAX_NUMBER) throw OUTSIDE;
        pos = i;
        return true;
    }

    private int digits(int i) {
        while (i < end && b[i] >= '0' && b[i] <= '9') i++;
        return i;
    }

    /** The literal at pos, consumed; false (nothing consumed) when another value is there. */
    private boolean literal(byte[] word) {
        if (pos + word.length > end || !Arrays.equals(b, pos, pos + word.length, word, 0, word.length)) return false;
        pos += word.length;
        return true;
    }

    /** Any value, checked, skipped. */
    private void skipValue(int depth) {
        if (depth > MAX_DEPTH) throw OUTSIDE;
        byte c = peek();
        switch (c) {
            case '"' -> string();
            case '{' -> {
                pos++;
                if (first('}')) {
                    do {
                        if (peek() != '"') throw OUTSIDE;
                        string();
                        colon();
                        skipValue(depth + 1);
                    } while (next('}'));
                }
            }
            case '[' -> {
                pos++;
                if (first(']')) {
                    do skipValue(depth + 1);
                    while (next(']'));
                }
            }
            case 'n' -> { if (!literal(NULL)) throw OUTSIDE; }
            case 't' -> { if (!literal(TRUE)) throw OUTSIDE; }
            case 'f' -> { if (!literal(FALSE)) throw OUTSIDE; }
            default -> { if (!number()) throw OUTSIDE; }
        }
    }

    private byte peek() {
        if (pos >= end) throw OUTSIDE;
        return b[pos];
    }

    private void ws() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
            pos++;
        }
    }

    private boolean is(int from, int to, byte[] word) {
        return Arrays.equals(b, from, to, word, 0, word.length);
    }

    private static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }
}
