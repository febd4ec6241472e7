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
    private final KeyScrubber.Run contentRun = textRun();

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
        // Azure's first event carries only prompt_filter_results (no choices, no usage): nothing for the client
        if (chunk.choices().isEmpty() && chunk.usage() == null) return;
        for (ChunkChoice c : chunk.choices()) if (c.finishReason() != null) sawFinishReason = true;
        emit(toolCalls.normalize(scrubText(chunk)));
    }

    /** The chunk with key runs that continue across content deltas masked (the same chunk when there are none). */
    private ChatChunk scrubText(ChatChunk c) {
        java.util.List<ChunkChoice> out = null;
        for (int k = 0; k < c.choices().size(); k++) {
            ChunkChoice ch = c.choices().get(k);
            dev.switchboard.model.Delta d = ch.delta();
            if (d.content() == null) continue;
            String masked = contentRun.next(d.content());
            if (masked == d.content()) continue;
            if (out == null) out = new java.util.ArrayList<>(c.choices());
            out.set(k, new ChunkChoice(ch.index(), new dev.switchboard.model.Delta(d.role(), masked, d.reasoning(), d.refusal(),
                    d.toolCalls(), d.extra()), ch.finishReason(), ch.logprobs()));
        }
        return out == null ? c : new ChatChunk(c.id(), c.created(), c.model(), out, c.usage(), c.systemFingerprint(),
                c.serviceTier(), c.raw());
    }

    private static boolean isDone(byte[] data) {
        return data.length >= 6 && data.length <= 8 && new String(data, java.nio.charset.StandardCharsets.US_ASCII).trim().equals("[DONE]");
    }

    @Override
    protected boolean completeAtEndOfBody() { return sawFinishReason; }
}
