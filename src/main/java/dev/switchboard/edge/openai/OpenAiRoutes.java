package dev.switchboard.edge.openai;

import dev.switchboard.edge.DialectCall;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.edge.PooledAnswer;
import dev.switchboard.edge.SseSink;
import dev.switchboard.edge.StreamEncoder;
import dev.switchboard.edge.SwitchboardHeaders;
import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The OpenAI dialect: {@code /v1/chat/completions}, {@code /v1/embeddings}, {@code /v1/models}, each also
 * without {@code /v1} as LiteLLM accepts. Decodes, hands the canonical request to the pipeline and encodes
 * the answer back, as JSON or SSE; every failure is answered in OpenAI's error shape.
 */
public final class OpenAiRoutes {
    private static final String JSON = "application/json";

    private final EdgeContext edge;
    private final OpenAiRequestDecoder decoder = new OpenAiRequestDecoder();
    private final OpenAiResponseEncoder encoder = new OpenAiResponseEncoder();
    private final DialectCall call;

    public OpenAiRoutes(EdgeContext edge) {
        this.edge = edge;
        // x-request-id is the header OpenAI's SDKs read into _request_id / request_id
        this.call = new DialectCall(edge, encoder::error, encoder::errorEvent, "x-request-id");
    }

    /** The dialect's call helper, shared with the admin routes (which answer in OpenAI's error shape, as LiteLLM's do). */
    public DialectCall call() { return call; }

    public void mount(Router router) {
        for (String prefix : new String[] {"/v1", ""}) {
            router.post(prefix + "/chat/completions").handler(rc -> call.beginCall(rc.request(), (ctx, body) -> chat(rc.request(), ctx, body)));
            router.post(prefix + "/embeddings").handler(rc -> call.beginCall(rc.request(), (ctx, body) -> embeddings(rc.response(), ctx, body)));
            router.get(prefix + "/models").handler(rc -> call.read(rc.request(),
                    caller -> encoder.models(edge.aliasesFor(caller), edge.startedEpochSeconds())));
            // a regex, not :model, so LiteLLM-style aliases with slashes (openai/gpt-4o) match unencoded too
            router.getWithRegex(java.util.regex.Pattern.quote(prefix + "/models/") + "(?<model>.+)").handler(rc -> call.read(rc.request(),
                    caller -> encoder.model(edge.knownAlias(rc.pathParam("model"), caller), edge.startedEpochSeconds())));
        }
    }

    /** Answers errors outside any route (404, 405) in this dialect. */
    public void error(RoutingContext rc, GatewayException e) {
        call.identify(rc.response());
        call.fail(rc.response(), e);
    }

    private void chat(io.vertx.core.http.HttpServerRequest req, CallContext ctx, Buffer body) {
        HttpServerResponse resp = req.response();
        OpenAiRequestDecoder.Chat decoded = decoder.chatCall(body);
        ChatRequest request = decoded.request();
        boolean legacy = decoded.legacyFunctions(); // asked with the deprecated functions: answered in their shape
        if (request.stream()) {
            edge.gateway().chat().stream(ctx, request).onComplete(ar -> {
                Answer<ChatStream> answer = call.streamToRelay(resp, ar); // the client may have left meanwhile
                if (answer != null) relay(req, ctx, answer, request.includeUsage(), legacy);
            });
            return;
        }
        edge.gateway().chat().chat(ctx, request).onComplete(ar -> {
            if (ar.failed()) {
                call.fail(resp, ar.cause());
                return;
            }
            SwitchboardHeaders.apply(resp, ar.result());
            resp.putHeader(SwitchboardHeaders.CONTENT_TYPE, SwitchboardHeaders.JSON);
            ChatResponse answer = legacy ? LegacyFunctions.answer(ar.result().body()) : ar.result().body();
            if (OpenAiResponseEncoder.relays(answer)) { // the upstream's bytes: straight into pooled direct memory
                PooledAnswer.end(resp, OpenAiResponseEncoder.relayedSize(answer), out -> OpenAiResponseEncoder.relayedInto(out, answer));
            } else {
                resp.end(encoder.response(answer));
            }
        });
    }

    private void relay(io.vertx.core.http.HttpServerRequest req, CallContext ctx, Answer<ChatStream> answer, boolean includeUsage,
                       boolean legacy) {
        HttpServerResponse resp = req.response();
        ChatStream stream = answer.body();
        SwitchboardHeaders.apply(resp, answer);
        SwitchboardHeaders.eventStream(resp);
        ctx.cancellation().onCancel(stream::cancel); // the client leaving resets the upstream, settles the call as 499
        stream.start(new SseSink(resp, new StreamEncoder() {
            /** This answer's id when its chunks have none (a minimal server's): made once, the same on each chunk. */
            private String ownId;

            @Override public Buffer chunk(ChatChunk c) {
                if (c.id() == null && ownId == null) ownId = dev.switchboard.model.RequestIds.answerId(OpenAiResponseEncoder.CHAT_ID_PREFIX);
                return encoder.chunkEvent(legacy ? LegacyFunctions.chunk(c) : c, includeUsage, ownId);
            }
            // an OpenAI-style upstream's chunks in OpenAI's exact shape go as sent; never the usage chunk (see OpenAiStream)
            @Override public boolean relays(String dialect) {
                return !legacy && dev.switchboard.model.RelayedEvent.OPENAI_CHAT.equals(dialect);
            }
            @Override public void appendRelayed(Buffer out, dev.switchboard.model.RelayedEvent e) {
                if (includeUsage || e.usageNullFrom() < 0) {
                    StreamEncoder.super.appendRelayed(out, e);
                    return;
                }
                // OpenAI writes "usage":null only for clients that asked for usage; the gateway always asks upstream
                out.appendBytes(dev.switchboard.edge.SseFrames.DATA)
                        .appendBytes(e.data(), e.offset(), e.usageNullFrom() - e.offset())
                        .appendBytes(e.data(), e.usageNullTo(), e.offset() + e.length() - e.usageNullTo())
                        .appendBytes(dev.switchboard.edge.SseFrames.EVENT_END);
            }
            @Override public Buffer end() { return OpenAiResponseEncoder.DONE; }
            @Override public Buffer error(GatewayException e) { return encoder.errorEvent(e); }
        }).endsAtDrain(req.connection(), ctx.cancellation(), edge.drain()));
    }

    private void embeddings(HttpServerResponse resp, CallContext ctx, Buffer body) {
        EmbeddingRequest request = decoder.embeddings(body);
        boolean base64 = "base64".equals(request.encodingFormat());
        edge.gateway().embed(ctx, request).onComplete(ar -> {
            if (ar.failed()) {
                call.fail(resp, ar.cause());
                return;
            }
            SwitchboardHeaders.apply(resp, ar.result());
            resp.putHeader("content-type", JSON).end(encoder.embeddings(ar.result().body(), base64));
        });
    }
}
