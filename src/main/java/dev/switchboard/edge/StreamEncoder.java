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

    /** The bytes that close a complete stream (OpenAI's [DONE]; Anthropic's closing events), or null. */
    Buffer end();

    /** The event that ends a broken stream, which the dialect's SDKs raise as an error. */
    Buffer error(GatewayException error);
}
