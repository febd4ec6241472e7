package dev.switchboard.edge.openai;

import dev.switchboard.edge.BodyReader;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.edge.SseSink;
import dev.switchboard.edge.StreamEncoder;
import dev.switchboard.edge.SwitchboardHeaders;
import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI dialect: {@code /v1/chat/completions}, {@code /v1/embeddings}, {@code /v1/models}, each also
 * without {@code /v1} as LiteLLM accepts. Decodes, hands the canonical request to the pipeline and encodes
 * the answer back, as JSON or SSE; every failure is answered in OpenAI's error shape.
 */
public final class OpenAiRoutes {
    private static final Logger log = LoggerFactory.getLogger(OpenAiRoutes.class);
    private static final String JSON = "application/json";

    private final EdgeContext edge;
    private final OpenAiRequestDecoder decoder = new OpenAiRequestDecoder();
    private final OpenAiResponseEncoder encoder = new OpenAiResponseEncoder();

    public OpenAiRoutes(EdgeContext edge) { this.edge = edge; }

    public void mount(Router router) {
        for (String prefix : new String[] {"/v1", ""}) {
            router.post(prefix + "/chat/completions").handler(rc -> withBody(rc, this::chat));
            router.post(prefix + "/embeddings").handler(rc -> withBody(rc, this::embeddings));
            router.get(prefix + "/models").handler(this::models);
        }
    }

    /** Answers errors outside any route (404, 405) in this dialect. */
    public void error(RoutingContext rc, GatewayException e) {
        rc.response().putHeader(SwitchboardHeaders.REQUEST_ID, edge.requestIds().next());
        fail(rc.response(), e);
    }

    private record Call(CallContext ctx, Buffer body) {}

    private void withBody(RoutingContext rc, BiConsumer<RoutingContext, Call> then) {
        HttpServerRequest req = rc.request();
        String requestId = edge.requestIds().next();
        rc.response().putHeader(SwitchboardHeaders.REQUEST_ID, requestId);
        Caller caller;
        try {
            caller = edge.gateway().authenticator().authenticate(EdgeContext.presentedKey(req));
        } catch (GatewayException e) {
            fail(rc.response(), e);
            return;
        }
        long started = System.nanoTime();
        BodyReader.read(req, edge.maxBodyBytes()).onComplete(ar -> {
            if (ar.failed()) {
                fail(rc.response(), ar.cause());
                return;
            }
            try {
                then.accept(rc, new Call(new CallContext(requestId, caller, started, EdgeContext.hints(req)), ar.result()));
            } catch (Throwable t) {
                fail(rc.response(), t);
            }
        });
    }

    private void chat(RoutingContext rc, Call call) {
        ChatRequest request = decoder.chat(call.body());
        HttpServerResponse resp = rc.response();
        if (request.stream()) {
            edge.gateway().chat().stream(call.ctx(), request).onComplete(ar -> {
                if (ar.failed()) fail(resp, ar.cause());
                else relay(resp, ar.result(), request.includeUsage());
            });
            return;
        }
        edge.gateway().chat().chat(call.ctx(), request).onComplete(ar -> {
            if (ar.failed()) {
                fail(resp, ar.cause());
                return;
            }
            SwitchboardHeaders.apply(resp, ar.result());
            resp.putHeader("content-type", JSON).end(encoder.response(ar.result().body()));
        });
    }

    private void relay(HttpServerResponse resp, Answer<ChatStream> answer, boolean includeUsage) {
        ChatStream stream = answer.body();
        if (resp.closed()) {
            stream.cancel(); // the client left while the upstream was still answering
            return;
        }
        SwitchboardHeaders.apply(resp, answer);
        resp.setChunked(true)
                .putHeader("content-type", "text/event-stream")
                .putHeader("cache-control", "no-cache");
        resp.closeHandler(v -> stream.cancel());
        stream.start(new SseSink(resp, new StreamEncoder() {
            @Override public Buffer chunk(dev.switchboard.model.ChatChunk c) { return encoder.chunkEvent(c, includeUsage); }
            @Override public Buffer end() { return OpenAiResponseEncoder.DONE; }
            @Override public Buffer error(GatewayException e) { return encoder.errorEvent(e); }
        }));
    }

    private void embeddings(RoutingContext rc, Call call) {
        HttpServerResponse resp = rc.response();
        edge.gateway().embed(call.ctx(), decoder.embeddings(call.body())).onComplete(ar -> {
            if (ar.failed()) {
                fail(resp, ar.cause());
                return;
            }
            SwitchboardHeaders.apply(resp, ar.result());
            resp.putHeader("content-type", JSON).end(encoder.embeddings(ar.result().body()));
        });
    }

    private void models(RoutingContext rc) {
        HttpServerResponse resp = rc.response();
        resp.putHeader(SwitchboardHeaders.REQUEST_ID, edge.requestIds().next());
        try {
            edge.gateway().authenticator().authenticate(EdgeContext.presentedKey(rc.request()));
        } catch (GatewayException e) {
            fail(resp, e);
            return;
        }
        resp.putHeader("content-type", JSON).end(encoder.models(edge.gateway().aliases(), edge.startedEpochSeconds()));
    }

    private void fail(HttpServerResponse resp, Throwable t) {
        GatewayException e = t instanceof GatewayException g ? g : internal(resp, t);
        if (resp.headWritten()) {
            if (!resp.ended() && !resp.closed()) resp.end(encoder.errorEvent(e));
            return;
        }
        resp.setStatusCode(e.status()).putHeader("content-type", JSON);
        if (e.retryAfterSeconds() != null) resp.putHeader("retry-after", Long.toString(e.retryAfterSeconds()));
        if (e.kind() == ErrorKind.PAYLOAD_TOO_LARGE) resp.putHeader("connection", "close");
        if (!resp.closed()) resp.end(encoder.error(e));
    }

    private static GatewayException internal(HttpServerResponse resp, Throwable t) {
        log.error("request {} failed unexpectedly", resp.headers().get(SwitchboardHeaders.REQUEST_ID), t);
        return GatewayException.of(ErrorKind.INTERNAL, "Internal error in the gateway (request "
                + resp.headers().get(SwitchboardHeaders.REQUEST_ID) + "); see the gateway log.");
    }
}
