package dev.switchboard.provider.openai;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.AnswerShape;
import dev.switchboard.provider.KeyScrubber;
import dev.switchboard.provider.SseRelay;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.http.HttpClientResponse;

/**
 * OpenAI's stream: {@code data: <chunk>} events ended by {@code data: [DONE]}; an {@code {"error":…}} event
 * fails the stream. Lax servers that end the body after a finish_reason without [DONE] count as complete.
 */
final class OpenAiStream extends SseRelay {
    private final OpenAiChatDecoder decoder;
    private final String deploymentId;
    private final String secret;
    private final ToolCallDeltaNormalizer toolCalls = new ToolCallDeltaNormalizer();
    private boolean sawFinishReason;

    OpenAiStream(HttpClientResponse upstream, OpenAiChatDecoder decoder, UpstreamHttp.Endpoint endpoint,
                 KeyScrubber scrubber, String deploymentId, String secret) {
        super(upstream, endpoint, scrubber);
        this.decoder = decoder;
        this.deploymentId = deploymentId;
        this.secret = secret;
    }

    @Override
    protected void onEvent(String event, byte[] data) {
        if (isDone(data)) {
            finish();
            return;
        }
        ChatChunk chunk;
        try {
            chunk = decoder.chunk(data);
        } catch (OpenAiChatDecoder.ErrorEvent e) {
            fail(OpenAiErrorDecoder.midStream(e.error, deploymentId, secret));
            return;
        } catch (AnswerShape.Wrong e) {
            failShape(e.getMessage());
            return;
        } catch (Exception e) {
            fail(GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + deploymentId + " sent a stream event that is not JSON."));
            return;
        }
        for (ChunkChoice c : chunk.choices()) if (c.finishReason() != null) sawFinishReason = true;
        emit(toolCalls.normalize(chunk));
    }

    private static boolean isDone(byte[] data) {
        return data.length >= 6 && data.length <= 8 && new String(data, java.nio.charset.StandardCharsets.US_ASCII).trim().equals("[DONE]");
    }

    @Override
    protected boolean completeAtEndOfBody() { return sawFinishReason; }
}
