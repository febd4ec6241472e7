package dev.switchboard.provider;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a server-sent-events byte stream into events as the bytes arrive, however the network cut them.
 * Follows the SSE spec's field rules: {@code event:} and {@code data:} lines (several data lines joined with
 * a newline), comments ({@code :}) ignored, events ended by a blank line, LF or CRLF line ends. It works on
 * the raw bytes (in the read's own heap copy when the buffer has one, else one copy of it) and hands each event's data over as
 * UTF-8 bytes, which Jackson parses faster than a String.
 */
public final class SseParser {
    /** Receives each complete event; {@code event} is null when the event named none. */
    public interface Listener {
        void onEvent(String event, byte[] data);
    }

    /**
     * Receives each complete event as a range of bytes: {@code data[offset, offset + length)}. The range is the
     * listener's to read and change (mask) during the call and not after: an event of one {@code data:} line that
     * arrived within one read is handed over in place, in the read's own bytes, without a copy.
     */
    public interface RangeListener {
        void onEvent(String event, byte[] data, int offset, int length);
    }

    /**
     * Thrown by {@link #feed} when one line or one event grows past the limit: an upstream sending megabytes
     * without a line end would otherwise be buffered without bound while the client waits for nothing.
     */
    public static final class TooLarge extends RuntimeException {
        TooLarge(String what, int limit) {
            super("an SSE " + what + " longer than " + (limit >> 20) + " MiB", null, false, false);
        }
    }

    /** No provider's event comes near this (a whole tool call's arguments, a large image in base64 at most). */
    public static final int DEFAULT_MAX_EVENT = 16 << 20;

    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);

    private final RangeListener listener;
    private final int maxEvent;
    /** The unfinished line carried over between reads; appended to in place (amortised growth), never recopied whole per read. */
    private byte[] pending = new byte[0];
    private int pendingLength;
    private String event;
    private ByteArrayOutputStream data;
    /** The current read's bytes: a data line in them can be handed over in place. */
    private byte[] current;
    /** An event's only data line so far, in place in {@link #current}: copied only if a second line or the read's end comes first. */
    private byte[] single;
    private int singleFrom;
    private int singleTo;

    public SseParser(Listener listener) { this(listener, DEFAULT_MAX_EVENT); }

    /** @param maxEvent the longest line, and the most data one event may carry, in bytes */
    public SseParser(Listener listener, int maxEvent) {
        this((RangeListener) (event, d, off, len) ->
                listener.onEvent(event, off == 0 && len == d.length ? d : Arrays.copyOfRange(d, off, off + len)), maxEvent);
    }

    public SseParser(RangeListener listener) { this(listener, DEFAULT_MAX_EVENT); }

    /** @param maxEvent the longest line, and the most data one event may carry, in bytes */
    public SseParser(RangeListener listener, int maxEvent) {
        this.listener = listener;
        this.maxEvent = maxEvent;
    }

    /** @throws TooLarge when a line or an event passes the limit; the stream cannot go on after that */
    public void feed(Buffer chunk) {
        byte[] in;
        int from;
        int to;
        io.netty.buffer.ByteBuf backing = backing(chunk);
        if (backing != null && backing.hasArray()) {
            // the read's bytes where they are: an HTTP client's chunk is a heap copy of the network's bytes already,
            // made for this one handler, so a second copy per read (and its garbage) buys nothing
            in = backing.array();
            from = backing.arrayOffset() + backing.readerIndex();
            to = from + backing.readableBytes();
        } else {
            in = chunk.getBytes();
            from = 0;
            to = in.length;
        }
        current = in;
        int start = from;
        for (int i = newline(in, from, to); i < to; i = newline(in, i + 1, to)) {
            if (pendingLength == 0) {
                line(in, start, i > start && in[i - 1] == '\r' ? i - 1 : i);
            } else {
                // the line began in an earlier read: complete it once, the only copy of those bytes
                append(in, start, i);
                int end = pendingLength > 0 && pending[pendingLength - 1] == '\r' ? pendingLength - 1 : pendingLength;
                pendingLength = 0;
                line(pending, 0, end);
            }
            start = i + 1;
        }
        if (start < to) append(in, start, to);
        if (single != null) spill(); // the event goes on in a later read, whose bytes are another array
        current = null;
        if (pending.length > 64 * 1024 && pendingLength == 0) pending = new byte[0]; // a one-off long line's room is not kept
    }

    /**
     * The Netty buffer behind a Vert.x buffer, read here and not kept: {@code BufferImpl.byteBuf()} is the buffer itself,
     * where {@code getByteBuf()} makes a slice (and for a pooled one an unreleasable wrapper) on every call, an object or
     * two per upstream read for bytes that are only read in place.
     */
    static io.netty.buffer.ByteBuf backing(Buffer chunk) {
        if (chunk instanceof io.vertx.core.buffer.impl.BufferImpl b) return b.byteBuf();
        return chunk instanceof io.vertx.core.internal.buffer.BufferInternal b ? b.getByteBuf() : null;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LF = 0x0a0a0a0a0a0a0a0aL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * The index of the first line feed in {@code in[from, to)}, or {@code to}: eight bytes per step (a byte equal to
     * LF is a zero byte of the word XOR LF, and the lowest byte flagged by the zero-byte test is the first zero byte;
     * the test can flag bytes above a true one, never below), the last few one at a time. Every byte of every read
     * passes through here.
     */
    static int newline(byte[] in, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(in, i) ^ LF;
            long zeros = (x - ONES) & ~x & HIGHS;
            if (zeros != 0) return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
        }
        for (; i < to; i++) if (in[i] == '\n') return i;
        return to;
    }

    private void append(byte[] in, int from, int to) {
        int needed = pendingLength + (to - from);
        if (needed > maxEvent) throw new TooLarge("line", maxEvent);
        if (needed > pending.length) pending = Arrays.copyOf(pending, Math.min(maxEvent, Math.max(needed, pending.length * 2)));
        System.arraycopy(in, from, pending, pendingLength, to - from);
        pendingLength = needed;
    }

    private void line(byte[] b, int start, int end) {
        if (start == end) {
            if (single != null) listener.onEvent(event, single, singleFrom, singleTo - singleFrom);
            else if (data != null) listener.onEvent(event, data.toByteArray(), 0, data.size());
            event = null;
            data = null;
            single = null;
            return;
        }
        if (b[start] == ':') return;
        int colon = start;
        while (colon < end && b[colon] != ':') colon++;
        int valueStart = colon == end ? end : colon + 1;
        if (valueStart < end && b[valueStart] == ' ') valueStart++;
        if (is(b, start, colon, DATA)) {
            if (end - valueStart > maxEvent) throw new TooLarge("event", maxEvent);
            if (data == null && single == null && b == current) {
                single = b; // most events: one data line, within one read; kept in place
                singleFrom = valueStart;
                singleTo = end;
                return;
            }
            if (single != null) spill();
            if (data == null) data = new ByteArrayOutputStream(end - valueStart + 16);
            else data.write('\n');
            if (data.size() + (end - valueStart) > maxEvent) throw new TooLarge("event", maxEvent);
            data.write(b, valueStart, end - valueStart);
        } else if (is(b, start, colon, EVENT)) {
            event = new String(b, valueStart, end - valueStart, StandardCharsets.UTF_8);
        }
        // id and retry are not needed for relaying
    }

    /** The in-place data line becomes the start of a copied one (a second data line, or the read ended mid-event). */
    private void spill() {
        data = new ByteArrayOutputStream(singleTo - singleFrom + 16);
        data.write(single, singleFrom, singleTo - singleFrom);
        single = null;
    }

    private static boolean is(byte[] b, int from, int to, byte[] word) {
        return Arrays.equals(b, from, to, word, 0, word.length);
    }
}
