package dev.switchboard.edge.anthropic;

import dev.switchboard.edge.DialectCall;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.edge.SseSink;
import dev.switchboard.edge.SwitchboardHeaders;
import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.Tool;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * The Anthropic dialect: {@code POST /v1/messages} (stream and not) and {@code /v1/messages/count_tokens},
 * key in {@code x-api-key} or {@code Authorization: Bearer}, so {@code ANTHROPIC_BASE_URL=http://localhost:4000}
 * points Claude Code at any configured model. Errors use Anthropic's shape.
 */
public final class AnthropicRoutes {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AnthropicRoutes.class);
    private static final String JSON = "application/json";

    private final EdgeContext edge;
    private final AnthropicRequestDecoder decoder = new AnthropicRequestDecoder();
    private final AnthropicResponseEncoder encoder = new AnthropicResponseEncoder();
    private final DialectCall call;

    public AnthropicRoutes(EdgeContext edge) {
        this.edge = edge;
        this.call = new DialectCall(edge, encoder::error, e -> new AnthropicStreamEncoder().error(e),
                GatewayException::anthropicStatus, "request-id");
    }

    /** The dialect's call helper (errors in Anthropic's shape with its request-id header). */
    public DialectCall call() { return call; }

    public void mount(Router router) {
        router.post("/v1/messages").handler(rc -> handle(rc, false));
        router.post("/v1/messages/count_tokens").handler(rc -> handle(rc, true));
    }

    /**
     * {@code GET /v1/models[/{model}]} for Anthropic's SDKs, which always send {@code anthropic-version}: the
     * aliases in Anthropic's ModelInfo shape. Other callers fall through to the OpenAI routes, so this must be
     * mounted before them.
     */
    public void mountModels(Router router) {
        router.get("/v1/models").handler(rc -> {
            if (rc.request().getHeader("anthropic-version") == null) rc.next();
            else call.read(rc.request(), caller -> encoder.models(edge.aliasesFor(caller), edge.startedEpochSeconds(),
                    rc.request().params()));
        });
        router.getWithRegex("/v1/models/(?<model>.+)").handler(rc -> {
            if (rc.request().getHeader("anthropic-version") == null) {
                rc.next();
                return;
            }
            call.read(rc.request(), caller -> encoder.model(edge.knownAlias(rc.pathParam("model"), caller), edge.startedEpochSeconds()));
        });
    }

    /** Answers errors outside any route (404, 405 under {@code /v1/messages}) in this dialect. */
    public void error(RoutingContext rc, GatewayException e) {
        call.identify(rc.response());
        call.fail(rc.response(), e);
    }

    private void handle(RoutingContext rc, boolean countOnly) {
        HttpServerRequest req = rc.request();
        HttpServerResponse resp = rc.response();
        Map<String, String> dialectHeaders = new HashMap<>();
        for (String h : new String[] {"anthropic-beta", "anthropic-version"}) {
            if (req.getHeader(h) != null) dialectHeaders.put(h, req.getHeader(h));
        }
        // a messages call's refusal before it is read is counted (DialectCall.beginCall); count_tokens makes no call
        java.util.function.BiConsumer<CallContext, io.vertx.core.buffer.Buffer> then = (ctx, body) -> {
            if (countOnly) {
                ChatRequest request = decoder.countTokens(body, dialectHeaders);
                edge.usableAlias(request.model(), ctx.caller());
                countTokens(resp, ctx, request);
                return;
            }
            ChatRequest request = decoder.messages(body, dialectHeaders);
            // the answer's id as the client gets it (AnthropicResponseEncoder.messageId): the trace names that one
            ctx.attach(CallContext.ANSWER_ID_PREFIX, AnthropicResponseEncoder.MESSAGE_ID_PREFIX);
            if (request.stream()) stream(req, ctx, request);
            else edge.gateway().chat().chat(ctx, request).onComplete(r -> {
                if (r.failed()) {
                    call.fail(resp, r.cause());
                    return;
                }
                SwitchboardHeaders.apply(resp, r.result());
                resp.putHeader("content-type", JSON).end(encoder.response(r.result().body(), request.tools(), request));
            });
        };
        if (countOnly) call.begin(req, then);
        else call.beginCall(req, then);
    }

    private void stream(io.vertx.core.http.HttpServerRequest req, CallContext ctx, ChatRequest request) {
        HttpServerResponse resp = req.response();
        edge.gateway().chat().stream(ctx, request).onComplete(ar -> {
            Answer<ChatStream> answer = call.streamToRelay(resp, ar);
            if (answer == null) return;
            ChatStream stream = answer.body();
            SwitchboardHeaders.apply(resp, answer);
            dev.switchboard.edge.SwitchboardHeaders.eventStream(resp);
            ctx.cancellation().onCancel(stream::cancel); // the client leaving resets the upstream, settles the call as 499
            stream.start(new SseSink(resp, new AnthropicStreamEncoder(request.tools(), stream.knownUsage(), request))
                    .endsAtDrain(req.connection(), ctx.cancellation(), edge.drain()));
        });
    }

    /**
     * {@code count_tokens}: Anthropic's own count when the alias has an Anthropic deployment (Claude Code decides when to
     * compact on it), else the local estimate; also the estimate when Anthropic's count fails, since a count is advice
     * and must not fail a client that would call anyway. {@code x-switchboard-token-count} says which it is.
     */
    private void countTokens(HttpServerResponse resp, CallContext ctx, ChatRequest request) {
        io.vertx.core.Future<Integer> counted;
        try {
            counted = edge.gateway().countTokens(ctx, request);
        } catch (RuntimeException e) {
            counted = io.vertx.core.Future.failedFuture(e);
        }
        counted.onComplete(ar -> {
            boolean byProvider = ar.succeeded() && ar.result() != null;
            if (ar.failed()) {
                log.info("request {}: the provider's token count failed, answering the estimate: {}", ctx.requestId(),
                        dev.switchboard.model.LogSafe.message(ar.cause()));
            }
            int tokens = byProvider ? ar.result() : estimateTokens(request);
            resp.putHeader("content-type", JSON).putHeader("x-switchboard-token-count", byProvider ? "provider" : "estimate")
                    .end("{\"input_tokens\":" + tokens + "}");
        });
    }

    /**
     * count_tokens answered locally: about four characters a token over the text, tool schemas and system
     * prompt, and for images, documents (text or PDF) and audio the estimate a budget's worst case reserves for them
     * ({@link dev.switchboard.account.PromptTokens#media}). An estimate, not the provider's exact count.
     */
    static int estimateTokens(ChatRequest r) {
        long chars = 0;
        long media = 0;
        for (Message m : r.messages()) {
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Text t) {
                    chars += t.text().length();
                    continue;
                }
                int block = dev.switchboard.account.PromptTokens.media(p);
                if (block >= 0) media += block;
                else if (p instanceof ContentPart.Other o && o.raw() != null) chars += o.raw().toString().length();
                if (p instanceof ContentPart.File f && f.filename() != null) chars += f.filename().length(); // a document's title
            }
            for (var c : m.toolCalls()) chars += c.name().length() + (c.arguments() == null ? 0 : c.arguments().length());
        }
        for (Tool t : r.tools()) chars += t.name().length() + (t.description() == null ? 0 : t.description().length())
                + (t.parameters() == null ? 0 : t.parameters().toString().length());
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (chars + 3) / 4 + media));
    }
}
