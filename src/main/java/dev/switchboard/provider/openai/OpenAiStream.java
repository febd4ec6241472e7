package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ChunkChoice;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.SseParser;
import dev.switchboard.provider.UpstreamHttp;
import io.vertx.core.http.HttpClientResponse;

/**
 * Relays one upstream OpenAI SSE stream: each event is decoded and handed on the moment it arrives, the
 * upstream is paused while the client's write queue is full, and {@code [DONE]} ends it cleanly. A stream
 * that stops without {@code [DONE]} (or a finish_reason, for lax servers), or with an error event, fails:
 * the client must never mistake a cut answer for a complete one.
 */
final class OpenAiStream implements ChatStream {
    private final HttpClientResponse upstream;
    private final OpenAiResponseDecoder decoder;
    private final UpstreamHttp.Endpoint endpoint;
    private final String deploymentId;
    private final String secret;
    private ChunkSink sink;
    private boolean finished;
    private boolean sawFinishReason;

    OpenAiStream(HttpClientResponse upstream, OpenAiResponseDecoder decoder, UpstreamHttp.Endpoint endpoint,
                 String deploymentId, String secret) {
        this.upstream = upstream;
        this.decoder = decoder;
        this.endpoint = endpoint;
        this.deploymentId = deploymentId;
        this.secret = secret;
        upstream.pause(); // nothing flows until start(): the caller sends its headers first
    }

    @Override
    public void start(ChunkSink sink) {
        this.sink = sink;
        SseParser parser = new SseParser((event, data) -> onEvent(data));
        upstream.handler(parser::feed);
        upstream.exceptionHandler(t -> fail(UpstreamHttp.networkFailure(t, endpoint)));
        upstream.endHandler(v -> {
            if (finished) return;
            if (sawFinishReason) finish();
            else fail(GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + deploymentId
                    + " ended the stream before it was complete."));
        });
        upstream.resume();
    }

    private void onEvent(String data) {
        if (finished) return;
        if ("[DONE]".equals(data.trim())) {
            finish();
            return;
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(data);
        } catch (Exception e) {
            fail(GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + deploymentId + " sent a stream event that is not JSON."));
            return;
        }
        JsonNode error = n.get("error");
        if (error != null && !error.isNull()) {
            fail(OpenAiErrorDecoder.midStream(error, deploymentId, secret));
            return;
        }
        ChatChunk chunk = decoder.chunk(n);
        for (ChunkChoice c : chunk.choices()) if (c.finishReason() != null) sawFinishReason = true;
        sink.chunk(chunk);
        if (sink.writeQueueFull()) {
            upstream.pause();
            sink.drainHandler(upstream::resume);
        }
    }

    private void finish() {
        finished = true;
        sink.end();
    }

    private void fail(GatewayException e) {
        if (finished) return;
        finished = true;
        sink.fail(e);
        upstream.request().reset();
    }

    @Override
    public void cancel() {
        if (finished) return;
        finished = true;
        upstream.request().reset(); // closes the HTTP/1.1 connection: the upstream stops generating
    }
}
