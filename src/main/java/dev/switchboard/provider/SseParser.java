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

    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);

    private final Listener listener;
    private byte[] pending = new byte[0];
    private String event;
    private ByteArrayOutputStream data;

    public SseParser(Listener listener) { this.listener = listener; }

    public void feed(Buffer chunk) {
        byte[] in = chunk.getBytes();
        byte[] buf;
        if (pending.length == 0) {
            buf = in;
        } else {
            buf = Arrays.copyOf(pending, pending.length + in.length);
            System.arraycopy(in, 0, buf, pending.length, in.length);
        }
        int start = 0;
        for (int i = 0; i < buf.length; i++) {
            if (buf[i] == '\n') {
                int end = i > start && buf[i - 1] == '\r' ? i - 1 : i;
                line(buf, start, end);
                start = i + 1;
            }
        }
        pending = start == buf.length ? new byte[0] : Arrays.copyOfRange(buf, start, buf.length);
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
