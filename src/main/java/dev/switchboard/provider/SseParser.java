package dev.switchboard.provider;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Splits a server-sent-events byte stream into events as the bytes arrive, however the network cut them.
 * Follows the SSE spec's field rules: {@code event:} and {@code data:} lines (several data lines joined with
 * a newline), comments ({@code :}) ignored, events ended by a blank line, LF or CRLF line ends.
 */
public final class SseParser {
    /** Receives each complete event; {@code event} is null when the event named none. */
    public interface Listener {
        void onEvent(String event, String data);
    }

    private final Listener listener;
    private Buffer pending = Buffer.buffer();
    private String event;
    private StringBuilder data;

    public SseParser(Listener listener) { this.listener = listener; }

    public void feed(Buffer chunk) {
        pending = pending.length() == 0 ? chunk.copy() : pending.appendBuffer(chunk);
        int start = 0;
        int len = pending.length();
        for (int i = 0; i < len; i++) {
            if (pending.getByte(i) == '\n') {
                int end = i > start && pending.getByte(i - 1) == '\r' ? i - 1 : i;
                line(pending.getString(start, end, StandardCharsets.UTF_8.name()));
                start = i + 1;
            }
        }
        pending = start == 0 ? pending : pending.getBuffer(start, len);
    }

    private void line(String line) {
        if (line.isEmpty()) {
            if (data != null) listener.onEvent(event, data.toString());
            event = null;
            data = null;
            return;
        }
        if (line.charAt(0) == ':') return;
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1 < line.length() && line.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1);
        switch (field) {
            case "data" -> {
                if (data == null) data = new StringBuilder(value);
                else data.append('\n').append(value);
            }
            case "event" -> event = value;
            default -> { } // id, retry: not needed for relaying
        }
    }
}
