package dev.switchboard.provider;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a server-sent-events byte stream into events as the bytes arrive, however the network cut them.
 * Follows the SSE spec's field rules: {@code event:} and {@code data:} lines (several data lines joined with
 * a newline), comments ({@code :}) ignored, events ended by a blank line, LF or CRLF line ends. It works on
 * the raw bytes (one copy out of the network buffer, none per byte) and hands each event's data over as
 * UTF-8 bytes, which Jackson parses faster than a String.
 */
public final class SseParser {
    /** Receives each complete event; {@code event} is null when the event named none. */
    public interface Listener {
        void onEvent(String event, byte[] data);
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

    private final Listener listener;
    private final int maxEvent;
    /** The unfinished line carried over between reads; appended to in place (amortised growth), never recopied whole per read. */
    private byte[] pending = new byte[0];
    private int pendingLength;
    private String event;
    private ByteArrayOutputStream data;

    public SseParser(Listener listener) { this(listener, DEFAULT_MAX_EVENT); }

    /** @param maxEvent the longest line, and the most data one event may carry, in bytes */
    public SseParser(Listener listener, int maxEvent) {
        this.listener = listener;
        this.maxEvent = maxEvent;
    }

    /** @throws TooLarge when a line or an event passes the limit; the stream cannot go on after that */
    public void feed(Buffer chunk) {
        byte[] in = chunk.getBytes();
        int start = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] != '\n') continue;
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
        if (start < in.length) append(in, start, in.length);
        if (pending.length > 64 * 1024 && pendingLength == 0) pending = new byte[0]; // a one-off long line's room is not kept
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
            if (data != null) listener.onEvent(event, data.toByteArray());
            event = null;
            data = null;
            return;
        }
        if (b[start] == ':') return;
        int colon = start;
        while (colon < end && b[colon] != ':') colon++;
        int valueStart = colon == end ? end : colon + 1;
        if (valueStart < end && b[valueStart] == ' ') valueStart++;
        if (is(b, start, colon, DATA)) {
            if (data == null) data = new ByteArrayOutputStream(end - valueStart + 16);
            else data.write('\n');
            if (data.size() + (end - valueStart) > maxEvent) throw new TooLarge("event", maxEvent);
            data.write(b, valueStart, end - valueStart);
        } else if (is(b, start, colon, EVENT)) {
            event = new String(b, valueStart, end - valueStart, StandardCharsets.UTF_8);
        }
        // id and retry are not needed for relaying
    }

    private static boolean is(byte[] b, int from, int to, byte[] word) {
        return Arrays.equals(b, from, to, word, 0, word.length);
    }
}
