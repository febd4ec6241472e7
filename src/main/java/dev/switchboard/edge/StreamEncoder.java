package dev.switchboard.edge;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.GatewayException;
import io.vertx.core.buffer.Buffer;

/**
 * A dialect's stream format, possibly stateful (Anthropic's content blocks must be opened and closed): one
 * instance per response.
 */
public interface StreamEncoder {
    /** The SSE bytes for one chunk, or null to send nothing for it. */
    Buffer chunk(ChatChunk chunk);

    /**
     * Whether events an upstream sent in {@code dialect} ({@link dev.switchboard.model.RelayedEvent}) go to this client
     * as they are, written by the sink as data-only SSE events; no by default (they are decoded and encoded here).
     */
    default boolean relays(String dialect) { return false; }

    /** Appends a relayed event (one {@link #relays} took) to {@code out}: as a data-only SSE event, by default. */
    default void appendRelayed(Buffer out, dev.switchboard.model.RelayedEvent e) {
        if (e.event() != null) out.appendBytes(SseFrames.EVENT).appendString(e.event()).appendByte((byte) '\n');
        out.appendBytes(SseFrames.DATA).appendBytes(e.data(), e.offset(), e.length()).appendBytes(SseFrames.EVENT_END);
    }

    /** The bytes that close a complete stream (OpenAI's [DONE]; Anthropic's closing events), or null. */
    Buffer end();

    /** The event that ends a broken stream, which the dialect's SDKs raise as an error. */
    Buffer error(GatewayException error);
}
