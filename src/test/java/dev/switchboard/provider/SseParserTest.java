package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
    private final List<String> events = new ArrayList<>();
    private final SseParser parser = new SseParser((event, data) ->
            events.add((event == null ? "" : event + "|") + new String(data, java.nio.charset.StandardCharsets.UTF_8)));

    @Test
    void eventsSplitAnywhereAcrossNetworkReads() {
        String stream = "data: {\"a\":1}\n\ndata: {\"b\":\"é\"}\n\ndata: [DONE]\n\n";
        byte[] bytes = stream.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte b : bytes) parser.feed(Buffer.buffer(new byte[] {b})); // one byte at a time, even inside é
        assertThat(events).containsExactly("{\"a\":1}", "{\"b\":\"é\"}", "[DONE]");
    }

    @Test
    void crlfEventNamesCommentsAndMultiLineData() {
        parser.feed(Buffer.buffer(": ping\r\n\r\nevent: message_start\r\ndata: {\"x\":1}\r\n\r\ndata: line1\ndata: line2\n\nid: 7\ndata:nospace\n\n"));
        assertThat(events).containsExactly("message_start|{\"x\":1}", "line1\nline2", "nospace");
    }

    @Test
    void incompleteEventWaitsForItsBlankLine() {
        parser.feed(Buffer.buffer("data: {\"partial\":"));
        assertThat(events).isEmpty();
        parser.feed(Buffer.buffer("true}\n"));
        assertThat(events).isEmpty();
        parser.feed(Buffer.buffer("\n"));
        assertThat(events).containsExactly("{\"partial\":true}");
    }
}
