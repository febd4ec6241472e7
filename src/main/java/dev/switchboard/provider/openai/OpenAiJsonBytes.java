package dev.switchboard.provider.openai;

import dev.switchboard.model.FinishReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The reading both byte scans share ({@link OpenAiChunkByteScan} for stream chunks, {@link OpenAiAnswerByteScan} for
 * whole answers): a strict, common subset of JSON read straight from the bytes (member names without escapes, strict
 * UTF-8, numbers in JSON's grammar, at most {@value #MAX_DEPTH} levels), and the pieces of OpenAI's shape both read
 * (the usage object and a finish reason) exactly as {@link OpenAiChatDecoder} reads them. Anything outside the subset
 * throws {@link #OUTSIDE}, and the caller leaves the bytes to Jackson, which reads them as it always did.
 *
 * <p>Inside the subset every one of Jackson's read limits is far away (its name, number and depth limits, and strings
 * no longer than the input), so Jackson never rejects what is read here.
 */
abstract class OpenAiJsonBytes {
    /** Deeper members (skipped) are left to Jackson; an OpenAI chunk nests four levels, an answer five. */
    static final int MAX_DEPTH = 32;
    /** Longer numbers are left to Jackson (and its own limit). */
    private static final int MAX_NUMBER = 64;
    /** Longer member names are left to Jackson (its limit is 50,000 characters); OpenAI's longest is 26 bytes. */
    static final int MAX_NAME = 1024;

    /** Outside the subset read here: Jackson decides. Thrown from deep inside, so one instance, no stack. */
    static final class Unsure extends RuntimeException {
        private Unsure() { super(null, null, false, false); }
    }

    static final Unsure OUTSIDE = new Unsure();

    static final byte[] NULL = ascii("null"), TRUE = ascii("true"), FALSE = ascii("false");
    private static final FinishReason[] REASONS = FinishReason.values();
    private static final byte[][] REASON_WORDS = Arrays.stream(REASONS).map(r -> ascii(r.wire())).toArray(byte[][]::new);

    static final byte[] SYSTEM_FINGERPRINT = ascii("system_fingerprint"), SERVICE_TIER = ascii("service_tier"),
            OBFUSCATION = ascii("obfuscation"),
            PROMPT_TOKENS = ascii("prompt_tokens"), COMPLETION_TOKENS = ascii("completion_tokens"),
            PROMPT_TOKENS_DETAILS = ascii("prompt_tokens_details"), COMPLETION_TOKENS_DETAILS = ascii("completion_tokens_details");
    /** The decoder's {@code PROMPT_DETAILS} and {@code COMPLETION_DETAILS}, in its order. */
    private static final byte[][] PROMPT_DETAIL_NAMES = {ascii("cached_tokens"), ascii("audio_tokens"), ascii("cache_write_tokens")};
    private static final byte[][] COMPLETION_DETAIL_NAMES = {ascii("reasoning_tokens"), ascii("audio_tokens"),
            ascii("accepted_prediction_tokens"), ascii("rejected_prediction_tokens")};

    byte[] b;
    int pos;
    int end;
    /** The last string read: its raw bytes between the quotes, whether it had escapes, its length in UTF-16 units. */
    int strFrom;
    int strTo;
    boolean strEscaped;
    boolean strAscii;
    int strUnits;
    /** For texts with escapes only (rare in a stream), so made on the first one: most streams never need it. */
    char[] chars;

    /** Starts reading {@code b[off, off + len)}. */
    final void begin(byte[] b, int off, int len) {
        this.b = b;
        this.pos = off;
        this.end = off + len;
    }

    /** The finish reason the last string read names (without escapes), or null for another word. */
    final FinishReason reason() {
        if (strEscaped) throw OUTSIDE;
        for (int i = 0; i < REASONS.length; i++) if (is(strFrom, strTo, REASON_WORDS[i])) return REASONS[i];
        return null;
    }

    // ---- the usage object, as the decoder reads it ----

    /** A usage object (not null), as {@link OpenAiChatDecoder} reads it: the last of a repeated count. */
    final dev.switchboard.model.Usage usage() {
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
        return new dev.switchboard.model.Usage(prompt, completion, promptDetails[0], promptDetails[2], completionDetails[0], 0,
                new dev.switchboard.model.Usage.Details(promptDetails[1], completionDetails[1], completionDetails[2],
                        completionDetails[3], 0));
    }

    /** A details object's named counts (the last of a repeated name, as the decoder keeps it); null leaves them 0. */
    final void details(byte[][] names, int[] out) {
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
    final String stringOrNull() {
        if (literal(NULL)) return null;
        if (peek() != '"') throw OUTSIDE;
        string();
        return text();
    }

    /** An integer that fits an int (past one, the decoder's error is the answer). */
    final int int32() {
        long v = integer(10);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw OUTSIDE;
        return (int) v;
    }

    /** An integer of at most {@code digits} digits (so it fits without a check), no fraction or exponent. */
    final long integer(int digits) {
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

    /** An object or array that must begin here: past its {@code open}, whether a member or element follows (see {@link #first}). */
    final boolean open(char open, char close) {
        if (peek() != open) throw OUTSIDE;
        pos++;
        return first(close);
    }

    /**
     * After an object's { or an array's [: whether a member or element follows (at its first byte), or the object or
     * array is empty (its {@code close} consumed).
     */
    final boolean first(char close) {
        ws();
        if (peek() == close) {
            pos++;
            return false;
        }
        return true;
    }

    /** After a member's value or an element: true at the next one's first byte, false past {@code close}. */
    final boolean next(char close) {
        ws();
        byte c = peek();
        pos++;
        if (c == close) return false;
        if (c != ',') throw OUTSIDE;
        ws();
        return true;
    }


    final int nameStart() {
        if (peek() != '"') throw OUTSIDE;
        return ++pos;
    }

    /** A name without escapes and in ASCII (every name read here): its end; past the closing quote. */
    final int nameEnd() {
        int last = Math.min(end, pos + MAX_NAME);
        for (int i = pos; i < last; i++) {
            byte c = b[i];
            if (c == '"') {
                pos = i + 1;
                return i;
            }
            if (c == '\\' || c < 0x20) throw OUTSIDE; // (bytes >= 0x80 are negative: outside too)
        }
        throw OUTSIDE;
    }

    final void colon() {
        ws();
        if (peek() != ':') throw OUTSIDE;
        pos++;
        ws();
    }

    /** A string at its opening quote, checked, its bounds and length kept for {@link #text()}; past its closing quote. */
    final void string() {
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
    final int utf8(int i) {
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

    final void cont(int i, int lo, int hi) {
        if (i >= end) throw OUTSIDE;
        int c = b[i] & 0xff;
        if (c < lo || c > hi) throw OUTSIDE;
    }

    /** The last string read, decoded. */
    final String text() {
        if (!strEscaped) {
            return new String(b, strFrom, strTo - strFrom, strAscii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        }
        if (strAscii) {
            String latin1 = latin1Text();
            if (latin1 != null) return latin1;
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
                o[n++] = unescaped(e);
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

    /**
     * The last string read when it is ASCII with escapes of characters below U+0100 only (an answer's text with its
     * {@code \n} and {@code \"}): the runs between escapes copied as they are, into the one byte per character
     * a Latin-1 String keeps; null when an escape is of a wider character.
     */
    private String latin1Text() {
        byte[] o = new byte[strUnits];
        int n = 0;
        for (int i = strFrom; i < strTo; ) {
            int run = i;
            while (run < strTo && b[run] != '\\') run++;
            System.arraycopy(b, i, o, n, run - i);
            n += run - i;
            if (run == strTo) break;
            byte e = b[run + 1];
            if (e == 'u') {
                int c = hex(b[run + 2]) << 12 | hex(b[run + 3]) << 8 | hex(b[run + 4]) << 4 | hex(b[run + 5]);
                if (c > 0xFF) return null;
                o[n++] = (byte) c;
                i = run + 6;
            } else {
                o[n++] = (byte) unescaped(e);
                i = run + 2;
            }
        }
        return new String(o, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** The character a two-character escape {@code \e} stands for. */
    private static char unescaped(byte e) {
        return switch (e) {
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> (char) e; // " \ /
        };
    }

    static int hex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /** A number in JSON's grammar at pos; false (nothing consumed) when the value is no number. */
    final boolean number() {
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

    final int digits(int i) {
        while (i < end && b[i] >= '0' && b[i] <= '9') i++;
        return i;
    }

    /** The literal at pos, consumed; false (nothing consumed) when another value is there. */
    final boolean literal(byte[] word) {
        if (pos + word.length > end || !Arrays.equals(b, pos, pos + word.length, word, 0, word.length)) return false;
        pos += word.length;
        return true;
    }

    /** Any value, checked, skipped. */
    final void skipValue(int depth) {
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
                        if (strTo - strFrom > MAX_NAME) throw OUTSIDE;
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

    final byte peek() {
        if (pos >= end) throw OUTSIDE;
        return b[pos];
    }

    final void ws() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
            pos++;
        }
    }

    final boolean is(int from, int to, byte[] word) {
        return Arrays.equals(b, from, to, word, 0, word.length);
    }

    static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }
}
