package dev.switchboard.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Masks every run of {@value #MIN_RUN} or more consecutive characters of any configured provider key in what an
 * upstream sends back, before it can reach a client, a log or a trace. An upstream may echo the key it received
 * anywhere (an error's fields, a successful answer's {@code model} or text, a stream event), whole, cut off, in
 * another case, or with only its middle quoted ({@code key prefix sk-oai-SECRETVALUE... and more}); a whole-key
 * search misses all but the first.
 *
 * <p>How: every 8-character window of every key, ASCII-lower-cased, is exactly one {@code long} (8 bytes), kept in
 * an open-addressing set. The byte scan hops over the text until it finds 8 consecutive bytes that occur in some
 * key, rolls the last 8 bytes of such a run into a {@code long} (one shift and one or per byte), looks each
 * window of the run up, and on a hit overwrites those 8 bytes with {@code *} (same length, so JSON stays valid and
 * offsets stay put). Overlapping hits join, so a fragment of any length ≥ 8 is masked whole. No hashing collisions
 * are possible (the {@code long} is the window itself). The cost on the stream path is in the README
 * ({@code bench/keyscrub.sh}).
 *
 * <p>Limits, on purpose: windows holding a byte outside printable ASCII, a quote or a backslash are not indexed
 * (inside a JSON string those are escaped, so the raw window never appears; real keys have none); a key shorter
 * than 8 characters is not scanned for (it would blank ordinary words; no provider issues one); a run of at most
 * 7 key characters passes, by the rule's definition.
 */
public final class KeyScrubber {
    /** The shortest run of a key's characters that is masked. */
    public static final int MIN_RUN = 8;
    static final byte MASK = '*';
    /** What a masked character becomes. */
    public static final char MASK_CHAR = (char) MASK;
    /** A scrubber with no keys: scans nothing. */
    public static final KeyScrubber NONE = new KeyScrubber(List.of());

    /** The keys as given, so a scrubber with more keys can be made from this one ({@link #plus}). */
    private final List<String> keys;
    private final long[] table;
    private final int shift;
    private final int size;
    /**
     * Each byte folded to lower case when it occurs in some indexed window, else 0: one table read per byte both
     * folds the case and tells that a byte breaks any run (no lookup then).
     */
    private final byte[] fold = new byte[256];
    /**
     * For {@link #logLine}: the keys holding a character no window is indexed with (a space, a quote, a backslash,
     * anything outside printable ASCII). The byte scan sees such a key only as its pieces, each judged alone, so a
     * piece shorter than {@value #LOG_MIN_RUN} never reached the mask and the whole key was logged
     * ({@code sk-master key with space 2026}): these keys are searched for whole, and their pieces masked from
     * {@value #MIN_RUN} characters on ({@link #splitWindows}). Empty for real provider keys.
     */
    private final List<String> splitKeys;
    /** The windows of {@link #splitKeys}, sorted: a log line's run holding one is masked whatever its length. */
    private final long[] splitWindows;

    private KeyScrubber(Collection<String> keys) {
        this.keys = keys.stream().filter(k -> k != null && k.length() >= MIN_RUN).distinct().toList();
        this.splitKeys = this.keys.stream().filter(k -> !k.chars().allMatch(KeyScrubber::indexable)).toList();
        java.util.Set<Long> windows = new java.util.HashSet<>();
        java.util.Set<Long> split = new java.util.TreeSet<>();
        for (String k : keys) {
            if (k == null) continue;
            boolean splitKey = splitKeys.contains(k);
            for (int i = 0; i + MIN_RUN <= k.length(); i++) {
                long w = 0;
                boolean ok = true;
                for (int j = i; j < i + MIN_RUN && ok; j++) {
                    char c = k.charAt(j);
                    ok = indexable(c);
                    w = (w << 8) | lower(c);
                }
                if (ok) windows.add(w);
                if (ok && splitKey) split.add(w);
            }
        }
        splitWindows = split.stream().mapToLong(Long::longValue).toArray();
        int bits = 4;
        while ((1 << bits) < windows.size() * 2) bits++;
        table = new long[1 << bits];
        shift = 64 - bits;
        size = windows.size();
        for (long w : windows) {
            int h = slot(w);
            while (table[h] != 0) h = (h + 1) & (table.length - 1);
            table[h] = w; // never 0: every byte of an indexed window is above 0x20
            for (int b = 0; b < 8; b++) {
                int c = (int) (w >>> (b * 8)) & 0xff;
                fold[c] = (byte) c;
                if (c >= 'a' && c <= 'z') fold[c - 32] = (byte) c;
            }
        }
    }

    /** A scrubber for these keys (nulls and short keys ignored). */
    public static KeyScrubber of(Collection<String> keys) {
        return new KeyScrubber(keys);
    }

    /** A scrubber for one key, for code that holds only its own deployment's key. */
    public static KeyScrubber of(String key) {
        return key == null ? NONE : new KeyScrubber(List.of(key));
    }

    public boolean isEmpty() { return size == 0; }

    /** Whether {@code key} is one of this scrubber's keys (as given, not a fragment). */
    public boolean hasKey(String key) { return keys.contains(key); }

    /**
     * A scrubber for these keys and {@code more}: how {@link ProviderSecrets} adds the tokens minted while the gateway
     * runs to the configured keys (the table is rebuilt, once per new token, never per request).
     */
    public KeyScrubber plus(Collection<String> more) {
        if (more.isEmpty()) return this;
        List<String> all = new java.util.ArrayList<>(keys);
        all.addAll(more);
        return new KeyScrubber(all);
    }

    /** Whether a window holding {@code c} is indexed (see the class's limits). */
    private static boolean indexable(int c) {
        return c > 0x20 && c < 0x7f && c != '"' && c != '\\';
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private int slot(long w) {
        return (int) ((w * 0x9E3779B97F4A7C15L) >>> shift);
    }

    private boolean contains(long w) {
        int h = slot(w);
        long[] t = table;
        while (true) {
            long v = t[h];
            if (v == w) return true;
            if (v == 0) return false;
            h = (h + 1) & (t.length - 1);
        }
    }

    /**
     * Masks key runs in {@code b[from, to)} in place; true when something was masked.
     *
     * <p>A window can only be a key's when none of its 8 bytes folds to 0, so the scan hops: it looks at the last byte
     * of the next window first and, finding a byte no key has, skips every window that holds it (up to 8 at once, as a
     * Boyer-Moore-Horspool search skips on a mismatched character); only where 8 key characters stand together does it
     * roll a {@code long} and look windows up, each in turn, as the byte-by-byte scan did. Text breaks into short runs
     * (spaces, quotes, punctuation; with few keys, letters no key has), so many bytes are never read and words of up
     * to 7 characters are never looked up; each byte is read at most once while hopping ({@code checked}) and once
     * more if a run of 8 includes it.
     */
    public boolean scrubInPlace(byte[] b, int from, int to) {
        return scrubInPlace(b, from, to, null, 0, 0);
    }

    /**
     * {@link #scrubInPlace(byte[], int, int)}; when {@code keep} is given, {@code b[keepFrom, keepTo)} is copied to it
     * as it was just before the first byte is masked (nothing is copied when nothing is masked).
     */
    private boolean scrubInPlace(byte[] b, int from, int to, Events keep, int keepFrom, int keepTo) {
        if (size == 0) return false;
        byte[] f = fold;
        int maskedTo = from;
        boolean found = false;
        int start = from; // the first byte of the next window that may be a key's
        int checked = from; // b[start, checked) all fold to non-zero (read while hopping)
        while (to - start >= MIN_RUN) {
            int end = start + (MIN_RUN - 1);
            // the rightmost byte of the window no key has, read from its end back to what is known already
            int q = end;
            while (q >= checked && f[b[q] & 0xff] != 0) q--;
            if (q >= checked) {
                // every window that holds b[q] is out: the next begins after it; b(q, end] are key characters
                start = q + 1;
                checked = end + 1;
                continue;
            }
            // b[start, end] are 8 key characters: roll the windows of this run as the byte-by-byte scan does
            long w = 0;
            for (int i = start; i < end; i++) w = (w << 8) | f[b[i] & 0xff];
            int i = end;
            int c;
            while (i < to && (c = f[b[i] & 0xff]) != 0) {
                w = (w << 8) | c;
                if (contains(w)) {
                    if (!found && keep != null) keep.original = Arrays.copyOfRange(b, keepFrom, keepTo);
                    for (int j = Math.max(i - (MIN_RUN - 1), maskedTo); j <= i; j++) b[j] = MASK;
                    maskedTo = i + 1;
                    found = true;
                }
                i++;
            }
            // b[i] (when i < to) is no key's: no later window may hold it
            start = i + 1;
            checked = start;
        }
        return found;
    }

    /**
     * A masker for one stream's events, one after the other: the same masking as {@link #scrubInPlace(byte[], int, int)}
     * on each event, but an event's leading bytes that repeat the last clean event's are not scanned again.
     */
    public Events events() { return new Events(); }

    /**
     * See {@link #events()}. A stream's events mostly repeat their start: each OpenAI chunk opens with the same id,
     * object, created, model, service tier and fingerprint (about 200 of its 280 bytes), each Anthropic text delta with
     * the same type and index. Whether a window of 8 bytes is a key's depends on those 8 bytes only, so in an event that
     * begins with the same {@code p} bytes as the last event the scan found clean, no window lying within those bytes
     * can match: the scan starts at the first window that reaches byte {@code p}. The common start is found with
     * {@link Arrays#mismatch}, which compares many bytes per instruction, where the scan rolls one byte at a time.
     * One per stream, not thread-safe (a stream's events come in order).
     */
    public final class Events {
        /** Longer starts are not kept: an event's repeated start is its first few hundred bytes. */
        static final int KEPT = 512;
        /** The start of the last event found clean, {@code lastLength} bytes of it; none after an event that was masked. */
        private byte[] last;
        private int lastLength;
        /** The last event scrubbed, as it was before masking, when something in it was masked; else null. */
        private byte[] original;

        private Events() {}

        /**
         * Masks key runs in {@code b[from, to)} in place, as {@link #scrubInPlace(byte[], int, int)}; true when something
         * was. Then {@link #original()} holds the range as it was.
         */
        public boolean scrub(byte[] b, int from, int to) {
            original = null;
            if (size == 0) return false;
            int start = from;
            int same = 0;
            if (lastLength >= MIN_RUN) {
                int differ = Arrays.mismatch(b, from, to, last, 0, lastLength);
                same = differ < 0 ? Math.min(to - from, lastLength) : differ;
                if (same >= MIN_RUN) start = from + same - (MIN_RUN - 1); // the first window that reaches a new byte
            }
            if (scrubInPlace(b, start, to, this, from, to)) {
                lastLength = 0; // its bytes now hold masks: not a clean start to compare with
                return true;
            }
            // made once, at the first event's size: a longer event later is kept as far as it fits, which is all a
            // comparison of starts needs
            if (last == null) last = new byte[Math.min(KEPT, Math.max(to - from, 64))];
            int keep = Math.min(to - from, last.length);
            if (keep > same) System.arraycopy(b, from + same, last, same, keep - same); // the same start is there already
            lastLength = keep;
            return false;
        }

        /**
         * The bytes of the event the last {@link #scrub} masked, as the upstream sent them (a copy, made only when it
         * masked something); null when it masked nothing (the event's bytes are then as sent). For the running scan of
         * a stream's text ({@link Run}), which must see the characters a mask hid: given {@code *}s, it would lose a run
         * that goes on into the next events, and their pieces of up to 7 characters would pass.
         */
        public byte[] original() { return original; }
    }

    /** Masks key runs in {@code b} in place; true when something was masked. */
    public boolean scrubInPlace(byte[] b) {
        return scrubInPlace(b, 0, b.length);
    }

    /** The same buffer when it holds no key run, else a masked copy. */
    public Buffer buffer(Buffer body) {
        if (size == 0 || body == null) return body;
        byte[] bytes = body.getBytes();
        return scrubInPlace(bytes) ? Json.wrap(bytes) : body;
    }

    /** {@code text} with every key run masked (the same instance when there is none). */
    public String text(String text) {
        if (size == 0 || text == null || text.length() < MIN_RUN) return text;
        char[] out = null;
        int maskedTo = 0;
        for (int i = nextHit(text, 0); i >= 0; i = nextHit(text, i + 1)) {
            if (out == null) out = text.toCharArray();
            for (int j = Math.max(i - (MIN_RUN - 1), maskedTo); j <= i; j++) out[j] = (char) MASK;
            maskedTo = i + 1;
        }
        return out == null ? text : new String(out);
    }

    /**
     * The last index of the first indexed window of {@code s} that ends at {@code end} or later, or -1: the scan of
     * {@link #text} and {@link #logLine}. Each character is folded with one table read; a character no key has breaks the
     * run, and from the 8th character of a run on, each window is looked up. Called again with the hit's index + 1, it
     * rolls the 7 characters before that index again (they are key characters, or there would have been no hit), so
     * the scan goes on as one loop would have, with no state kept between calls and nothing allocated.
     */
    private int nextHit(String s, int end) {
        long w = 0;
        int run = 0;
        for (int i = Math.max(0, end - (MIN_RUN - 1)); i < s.length(); i++) {
            char ch = s.charAt(i);
            int c = ch < 0x80 ? fold[ch] : 0;
            if (c == 0) {
                run = 0;
                continue;
            }
            w = (w << 8) | c;
            if (++run >= MIN_RUN && contains(w)) return i; // i >= end: the run began at end - 7 or later
        }
        return -1;
    }

    /** The window ending at {@code end} (whose 8 characters are key characters), as {@link #nextHit} rolled it. */
    private long window(String s, int end) {
        long w = 0;
        for (int i = end - (MIN_RUN - 1); i <= end; i++) w = (w << 8) | fold[s.charAt(i)];
        return w;
    }

    /**
     * The shortest run of a key's characters that {@link #logLine} masks, unless the run holds a whole key: a piece this
     * long is a quarter of a 64-character key, and ordinary words of a log line are shorter.
     */
    public static final int LOG_MIN_RUN = 16;

    /**
     * {@code line} (a log line, any library's) with every run of key characters masked that is {@value #LOG_MIN_RUN}
     * characters or more, or that holds a whole key (so a key shorter than that is masked too, but only whole); the
     * same instance when there is none.
     *
     * <p>Why not {@link #text}'s 8: a log line is the operator's, and full of paths, names and words. A master key such
     * as {@code sk-acme-gateway-2026} shares 8-character pieces with a data directory named {@code acme-gateway}, which
     * the log then showed masked, twelve asterisks in the path (QA hardening F7). What reaches a client is still masked from
     * 8 characters on, and so is what the gateway's own lines quote of an upstream's words (scrubbed with {@link #text}
     * before they are logged); a library quotes a credential whole, which this masks.
     *
     * <p>A key holding a character no window is indexed with (a space, a quote, a backslash, non-ASCII) is seen by the
     * scan only as pieces; each piece was judged alone, so {@code Tr0ub4dor"&3xyz} was logged whole. Such keys are
     * masked wherever they stand whole (any case), and their pieces from {@value #MIN_RUN} characters on, as
     * {@link #text} masks them (so the short-piece rule above does not hold for them).
     */
    public String logLine(String line) {
        if ((size == 0 && splitKeys.isEmpty()) || line == null || line.length() < MIN_RUN) return line;
        char[] out = null;
        int spanFrom = -1; // the span of joined window hits being built, [spanFrom, spanTo)
        int spanTo = -1;
        boolean spanSplit = false; // the span holds a window of a key with unindexed characters: masked from 8
        for (int i = size == 0 ? -1 : nextHit(line, 0); i >= 0; i = nextHit(line, i + 1)) {
            int from = i - (MIN_RUN - 1);
            boolean split = splitWindows.length > 0 && Arrays.binarySearch(splitWindows, window(line, i)) >= 0;
            if (spanFrom >= 0 && from <= spanTo) {
                spanTo = i + 1;
                spanSplit |= split;
            } else {
                if (spanFrom >= 0) out = maskLogSpan(line, out, spanFrom, spanTo, spanSplit);
                spanFrom = from;
                spanTo = i + 1;
                spanSplit = split;
            }
        }
        if (spanFrom >= 0) out = maskLogSpan(line, out, spanFrom, spanTo, spanSplit);
        // a key with unindexed characters, whole, in any case: its pieces alone may each be short (a log line is no
        // request: one regionMatches per position and such key is affordable, and real keys have none)
        for (String k : splitKeys) {
            for (int at = 0; at + k.length() <= line.length(); at++) {
                if (line.regionMatches(true, at, k, 0, k.length())) {
                    if (out == null) out = line.toCharArray();
                    Arrays.fill(out, at, at + k.length(), MASK_CHAR);
                }
            }
        }
        return out == null ? line : new String(out);
    }

    private char[] maskLogSpan(String line, char[] out, int from, int to, boolean split) {
        if (!split && to - from < LOG_MIN_RUN && !holdsWholeKey(line, from, to)) return out;
        if (out == null) out = line.toCharArray();
        Arrays.fill(out, from, to, MASK_CHAR);
        return out;
    }

    /** Whether {@code line[from, to)} holds one of the keys whole, in any case (only for spans shorter than {@link #LOG_MIN_RUN}). */
    private boolean holdsWholeKey(String line, int from, int to) {
        for (String k : keys) {
            for (int at = from; at + k.length() <= to; at++) {
                if (line.regionMatches(true, at, k, 0, k.length())) return true;
            }
        }
        return false;
    }

    /**
     * A scanner for one stream's text, fragment after fragment (content deltas): a run of key characters that
     * continues from one event into the next is still a run. What earlier events carried is already sent, so a run
     * is masked from where its 8th character arrives: at most 7 of its characters went out, the rest is masked.
     *
     * <p>Each fragment must be given as the upstream sent it, never after a mask: a {@code *} is no key's character,
     * so it ends the run, and the pieces that follow a masked one would each begin a new run (a piece of up to 7
     * characters then passed: the key's middle or end). A stream reads a masked event's original text from
     * {@link Events#original()}.
     */
    public Run run() { return new Run(false); }

    /**
     * {@link #run()} for a text that is JSON cut into pieces (a streamed tool call's arguments): only characters inside
     * its JSON strings are scanned and masked, so the masked text is still the JSON it was ({@code *} for a key's
     * character, one for one, and never a quote, a backslash or an escape's digits). An escape ends a run, as it does
     * for the event scan (a key's characters need none).
     */
    public Run jsonRun() { return new Run(true); }

    /**
     * See {@link #run()}; one per stream and text channel (a choice's content, its reasoning, one tool call's
     * arguments), not thread-safe (a stream's events come in order).
     */
    public final class Run {
        private final boolean json;
        private long w;
        private int run;
        /** JSON pieces only: inside a string; after its backslash; the hex digits of a unicode escape still to come. */
        private boolean inString;
        private boolean escaped;
        private int hexLeft;

        private Run(boolean json) {
            this.json = json;
        }

        /** This fragment with every key run masked, runs begun in earlier fragments included (same instance if none). */
        public String next(String fragment) {
            if (size == 0 || fragment == null || fragment.isEmpty()) return fragment;
            char[] out = null;
            int maskedTo = 0;
            for (int i = 0; i < fragment.length(); i++) {
                char ch = fragment.charAt(i);
                if (json && !scanned(ch)) {
                    run = 0;
                    continue;
                }
                int c = ch < 0x80 ? fold[ch] : 0;
                if (c == 0) {
                    run = 0;
                    continue;
                }
                w = (w << 8) | c;
                if (++run >= MIN_RUN && contains(w)) {
                    if (out == null) out = fragment.toCharArray();
                    // the run's characters in this fragment: all inside the string (a run ends where the string does)
                    for (int j = Math.max(Math.max(i - (MIN_RUN - 1), 0), maskedTo); j <= i; j++) out[j] = (char) MASK;
                    maskedTo = i + 1;
                }
            }
            return out == null ? fragment : new String(out);
        }

        /** JSON pieces: whether {@code ch} is a character of a string's text (not a quote, nor part of an escape). */
        private boolean scanned(char ch) {
            if (!inString) {
                if (ch == '"') inString = true;
                return false;
            }
            if (hexLeft > 0) {
                hexLeft--;
                return false;
            }
            if (escaped) {
                escaped = false;
                if (ch == 'u') hexLeft = 4;
                return false;
            }
            if (ch == '\\') {
                escaped = true;
                return false;
            }
            if (ch == '"') {
                inString = false;
                return false;
            }
            return true;
        }
    }

    /**
     * The running scans of one stream's channels (see {@link Runs}): one {@link Run} per channel, made when the
     * channel's first fragment comes.
     */
    public Runs runs() { return new Runs(); }

    /**
     * A stream's running scans by channel: a choice's content, its reasoning, each of its tool calls' arguments, an
     * Anthropic content block. Each channel is a text of its own (a client joins its pieces, never those of two
     * channels), so each has its own run: one run for all of them would be broken by every piece of another channel
     * that came between two of a key's pieces (two tool calls streamed side by side, {@code n > 1} choices). A stream
     * has a handful of channels: looked up in a small array, the last one found first; nothing is made per event.
     * One per stream, not thread-safe.
     */
    public final class Runs {
        private long[] channels = new long[2];
        private Run[] runs = new Run[2];
        private int count;
        private int last = -1;

        private Runs() {}

        /**
         * {@link Run#next} on this channel's run; {@code json}: the channel's text is JSON (a tool call's arguments,
         * {@link #jsonRun()}), fixed by its first fragment.
         */
        public String next(long channel, boolean json, String fragment) {
            if (size == 0 || fragment == null || fragment.isEmpty()) return fragment;
            return run(channel, json).next(fragment);
        }

        private Run run(long channel, boolean json) {
            if (last >= 0 && channels[last] == channel) return runs[last];
            for (int i = 0; i < count; i++) {
                if (channels[i] == channel) {
                    last = i;
                    return runs[i];
                }
            }
            if (count == channels.length) {
                channels = Arrays.copyOf(channels, count * 2);
                runs = Arrays.copyOf(runs, count * 2);
            }
            channels[count] = channel;
            runs[count] = new Run(json);
            last = count;
            return runs[count++];
        }
    }

    /**
     * A channel of {@link Runs}: {@code kind} (the stream's own numbering: content, reasoning, a tool call's arguments
     * by its index, a content block) within choice {@code choice}.
     */
    public static long channel(int choice, int kind) {
        return ((long) choice << 32) | (kind & 0xffffffffL);
    }

    /**
     * {@code scanned} (an event's text as the upstream sent it, through its running scan) with the masks the event scan
     * put into {@code now} (the same text read from the masked event) kept too: the scan of JSON pieces masks only
     * inside strings, the event scan everywhere. Both mask one character for one, so the two line up.
     */
    public static String withMasks(String now, String scanned) {
        if (now == null || scanned == null || now.length() != scanned.length() || now.indexOf(MASK_CHAR) < 0) return scanned;
        char[] out = null;
        for (int i = 0; i < now.length(); i++) {
            if (now.charAt(i) == MASK_CHAR && scanned.charAt(i) != MASK_CHAR) {
                if (out == null) out = scanned.toCharArray();
                out[i] = MASK_CHAR;
            }
        }
        return out == null ? scanned : new String(out);
    }

    /** Scrubs, then cuts to {@code max} characters (masking first: a cut cannot then expose a longer run). */
    public String cut(String text, int max) {
        String s = text(text);
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** The same node when no string in it (value or field name) holds a key run; otherwise a scrubbed copy. */
    public JsonNode json(JsonNode node) {
        if (node == null || size == 0 || !holds(node)) return node;
        return copy(node);
    }

    private boolean holds(JsonNode n) {
        if (n.isTextual()) return text(n.textValue()) != n.textValue();
        if (n.isArray()) {
            for (JsonNode e : n) if (holds(e)) return true;
        } else if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                if (text(e.getKey()) != e.getKey() || holds(e.getValue())) return true;
            }
        }
        return false;
    }

    private JsonNode copy(JsonNode n) {
        if (n.isTextual()) return TextNode.valueOf(text(n.textValue()));
        if (n.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode(n.size());
            for (JsonNode e : n) a.add(copy(e));
            return a;
        }
        if (n.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> e : n.properties()) o.set(text(e.getKey()), copy(e.getValue()));
            return o;
        }
        return n; // numbers, booleans, null: a key is none of these
    }

    // One-key forms for the error decoders, which hold their own deployment's key (what reaches them was already
    // scanned for every configured key, as bytes; this second pass also sees text a JSON escape had hidden).

    public static String text(String text, String secret) {
        return of(secret).text(text);
    }

    public static String cut(String text, String secret, int max) {
        return of(secret).cut(text, max);
    }

    public static JsonNode json(JsonNode node, String secret) {
        return of(secret).json(node);
    }
}
