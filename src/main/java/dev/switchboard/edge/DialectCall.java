package dev.switchboard.edge;

import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.Cancellation;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.pipeline.Gateway;
import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every dialect's endpoint does around its own decoding: give the call a request id, authenticate, read
 * the body within the limit, build the {@link CallContext} — and answer any failure in the dialect's error
 * shape, as a status before the first byte or as the dialect's error event after it.
 */
public final class DialectCall {
    private static final Logger log = LoggerFactory.getLogger(DialectCall.class);

    private final EdgeContext edge;
    private final Function<GatewayException, Buffer> errorBody;
    private final Function<GatewayException, Buffer> errorEvent;
    private final java.util.function.ToIntFunction<GatewayException> errorStatus;
    private final CharSequence dialectRequestIdHeader;

    /**
     * @param errorBody  the dialect's error JSON, answered with the error's status
     * @param errorEvent the dialect's stream error event, for a failure after the stream started
     * @param dialectRequestIdHeader the header the dialect's SDKs report the request id from (Anthropic's
     *     {@code request-id}), set on every answer including auth failures; null for none
     */
    public DialectCall(EdgeContext edge, Function<GatewayException, Buffer> errorBody,
                       Function<GatewayException, Buffer> errorEvent, String dialectRequestIdHeader) {
        this(edge, errorBody, errorEvent, GatewayException::status, dialectRequestIdHeader);
    }

    /** @param errorStatus the status an error answers with in this dialect (Anthropic's 529 for an overload) */
    public DialectCall(EdgeContext edge, Function<GatewayException, Buffer> errorBody,
                       Function<GatewayException, Buffer> errorEvent,
                       java.util.function.ToIntFunction<GatewayException> errorStatus, String dialectRequestIdHeader) {
        this.edge = edge;
        this.errorBody = errorBody;
        this.errorEvent = errorEvent;
        this.errorStatus = errorStatus;
        this.dialectRequestIdHeader = dialectRequestIdHeader == null ? null : SwitchboardHeaders.optimized(dialectRequestIdHeader);
    }

    /** Gives the answer its request id, in Switchboard's header and in the one the dialect's SDKs read. */
    public String identify(HttpServerResponse resp) {
        String requestId = edge.requestIds().next();
        resp.putHeader(SwitchboardHeaders.REQUEST_ID_NAME, requestId);
        if (dialectRequestIdHeader != null) resp.putHeader(dialectRequestIdHeader, requestId);
        return requestId;
    }

    /** A bodiless read (the model list): request id, authentication, then the JSON {@code answer} gives or its error. */
    public void read(HttpServerRequest req, Function<Caller, Buffer> answer) {
        HttpServerResponse resp = req.response();
        identify(resp);
        // as a call: a key another gateway made since this one's last key sync is looked up first (apps list the models
        // with a new key before they call one)
        edge.authenticateCall(req).onComplete(ar -> {
            req.resume(); // paused by a look-up: a read has no body to wait for
            if (resp.closed()) return;
            try {
                if (ar.failed()) throw ar.cause();
                resp.putHeader("content-type", "application/json").end(answer.apply(ar.result()));
            } catch (Throwable t) {
                fail(resp, t);
            }
        });
    }

    /** Starts a call; {@code then} runs with the context and the body, and anything it throws is answered. */
    public void begin(HttpServerRequest req, BiConsumer<CallContext, Buffer> then) {
        begin(req, false, then);
    }

    /**
     * As {@link #begin}, for a route that makes a model call (chat completions, messages, Responses, embeddings): a
     * request refused before the gateway took it as a call — its key did not authenticate, its body was too large or too
     * slow, or {@code then} threw before the pipeline began observing it (a body that is not JSON, not a request of the
     * route) — is counted in {@code switchboard_requests_total} and logged ({@link Gateway#refusedBeforeCall}), as every
     * call the pipeline refuses is. Nothing is written to the store for it; of the body, only a refused one that was
     * read whole is scanned again, for the model its metric is labelled with.
     */
    public void beginCall(HttpServerRequest req, BiConsumer<CallContext, Buffer> then) {
        begin(req, true, then);
    }

    private void begin(HttpServerRequest req, boolean counted, BiConsumer<CallContext, Buffer> then) {
        HttpServerResponse resp = req.response();
        String requestId = identify(resp);
        // at once for a known key; a key another gateway made since this one's last key sync is looked up first
        io.vertx.core.Future<Caller> authenticated = edge.authenticateCall(req);
        if (authenticated.isComplete()) {
            authenticated(req, counted, then, requestId, authenticated);
        } else {
            authenticated.onComplete(ar -> authenticated(req, counted, then, requestId, authenticated));
        }
    }

    private void authenticated(HttpServerRequest req, boolean counted, BiConsumer<CallContext, Buffer> then, String requestId,
                               io.vertx.core.Future<Caller> authenticated) {
        HttpServerResponse resp = req.response();
        if (authenticated.failed()) {
            Throwable t = authenticated.cause();
            if (!(t instanceof GatewayException e)) {
                fail(resp, t);
                return;
            }
            if (resp.closed()) return; // the client left while its key was looked up: nobody to answer
            if (counted) refused(req, requestId, null, null, e);
            fail(resp, e);
            return;
        }
        Caller caller = authenticated.result();
        if (resp.closed()) return; // the client left while its key was looked up
        long started = System.nanoTime();
        // The client leaving (its connection closing, or an HTTP/2 reset) before the answer is complete cancels the
        // call: the router stops, the upstream request is reset, a stream settles as 499. The relays of streamed
        // answers register on the same cancellation rather than replacing this handler.
        Cancellation cancellation = Cancellation.create();
        // The body counts against the process-wide buffer bound from its first byte, and with its decoded forms
        // (DecodedBodySize) for as long as the call holds them: until its answer is written, or its client is gone.
        // Released when the body could not be read, when the answer's last byte is written, or when the connection
        // closes (the client left; a closed connection also ends an answer that could not be written whole).
        dev.switchboard.model.BufferBudget.Lease lease = edge.gateway().buffers().lease();
        resp.closeHandler(v -> {
            lease.close();
            if (!resp.ended()) cancellation.cancel();
        });
        resp.bodyEndHandler(v -> lease.close());
        cancellation.onCancel(lease::close); // a closeHandler replaced later in the call (EventFollower) cancels too
        // a call still unanswered when the shutdown drain is about to run out gets the gateway's 503, not a bare close
        edge.drain().stopsAtCut(req.connection(), resp, cancellation);
        BodyReader.read(req, edge.maxBodyBytes(), edge.bodyDeadlineMillis(), lease).onComplete(ar -> {
            if (ar.failed()) {
                lease.close();
                if (counted && !(ar.cause() instanceof BodyReader.ClientGone)) refused(req, requestId, caller, null, ar.cause());
                bodyFailed(req, requestId, ar.cause());
                return;
            }
            Buffer body = ar.result();
            long decoded = DecodedBodySize.extraBytes(body);
            if (!lease.grow(decoded)) { // read whole, but its decoded forms would not fit: refused before it is parsed
                lease.close();
                GatewayException e = lease.budget().exhausted("a request body of " + mib(body.length()) + " MiB (about "
                        + mib(body.length() + decoded) + " MiB once decoded)");
                if (resp.closed()) return; // the client is gone: nobody to answer, nothing to count
                if (counted) refused(req, requestId, caller, null, e);
                fail(resp, e);
                return;
            }
            CallContext ctx = null;
            try {
                ctx = new CallContext(requestId, caller, started, EdgeContext.hints(req, edge.gateway().routesByUserAgent()), cancellation);
                then.accept(ctx, body);
            } catch (Throwable t) {
                if (counted) failBeforeCall(req, ctx, caller, requestId, ar.result(), t);
                fail(resp, t);
            }
        });
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    /**
     * Answers the failure of a model call's route that happened before the gateway took the call (a body read, then
     * found not to be a request of the route, asynchronously: the Responses API's item references), counting and
     * logging it as {@link #beginCall} does when the pipeline did not see it; a failure the pipeline saw is only
     * answered (the observer counted it).
     *
     * @param model the model the request named, when it was read that far, else null
     */
    public void failBeforeCall(HttpServerRequest req, CallContext ctx, String model, Throwable t) {
        failBeforeCall(req, ctx, ctx.caller(), ctx.requestId(), model, t);
        fail(req.response(), t);
    }

    /**
     * As the one below, for a body the route refused before the pipeline began (a parameter out of range, an unknown
     * role, no messages): the metric's model label is the model the body names, when it names one (read again here, on
     * the failure path only; a name the config does not know is counted as {@code other}), else {@code none}.
     */
    private void failBeforeCall(HttpServerRequest req, CallContext ctx, Caller caller, String requestId, Buffer body, Throwable t) {
        if (Cancellation.isClientClosed(t)) return; // nobody was answered
        if (ctx != null && edge.gateway().observes(ctx)) return; // the pipeline took it: counted and logged there
        refused(req, requestId, caller, JsonBody.topLevelString(BodyReader.bytes(body), "model"), t);
    }

    private void failBeforeCall(HttpServerRequest req, CallContext ctx, Caller caller, String requestId, String model, Throwable t) {
        if (Cancellation.isClientClosed(t)) return; // nobody was answered
        if (ctx != null && edge.gateway().observes(ctx)) return; // the pipeline took it: counted and logged there
        refused(req, requestId, caller, model, t);
    }

    /** Counts and logs a refusal before the call: its status as answered, the gateway's own error code, never the body. */
    private void refused(HttpServerRequest req, String requestId, Caller caller, String model, Throwable t) {
        int status;
        String error;
        if (t instanceof GatewayException e) {
            status = errorStatus.applyAsInt(e);
            error = e.code() != null ? e.code() : e.kind().openAiType();
        } else {
            status = 500;
            error = "internal_error";
        }
        try {
            edge.gateway().refusedBeforeCall(requestId, caller, model, status, error, req.path(), clientAddress(req));
        } catch (RuntimeException e) { // counting must never change the answer
            log.error("request {}: counting its refusal failed", requestId, e);
        }
    }

    private static String clientAddress(HttpServerRequest req) {
        io.vertx.core.net.SocketAddress a = req.remoteAddress();
        return a == null ? null : a.hostAddress();
    }

    /**
     * Reads the body of a request its route has already authenticated its own way (the dashboard's session) within
     * {@code maxBytes}, as {@link #begin} does, and hands it to {@code then}; a failure of either is answered.
     */
    public void body(HttpServerRequest req, long maxBytes, java.util.function.Consumer<Buffer> then) {
        dev.switchboard.model.BufferBudget.Lease lease = edge.gateway().buffers().lease();
        BodyReader.read(req, maxBytes, edge.bodyDeadlineMillis(), lease).onComplete(ar -> {
            if (ar.failed()) {
                lease.close();
                bodyFailed(req, req.response().headers().get(SwitchboardHeaders.REQUEST_ID), ar.cause());
                return;
            }
            try (lease) {
                then.accept(ar.result());
            } catch (Throwable t) {
                fail(req.response(), t);
            }
        });
    }

    private void bodyFailed(HttpServerRequest req, String requestId, Throwable cause) {
        HttpServerResponse resp = req.response();
        if (cause instanceof BodyReader.ClientGone) {
            log.debug("request {}: the client left before its body was complete", requestId);
            return;
        }
        // The rest of the body is not read: the connection cannot carry another request (HTTP/1.x;
        // HTTP/2 resets only the stream and forbids the header).
        if (req.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
            fail(resp, cause);
            return;
        }
        // Vert.x keeps a connection open after an answer unless the *request* asked to close it, and would go
        // on reading the unread body: end it ourselves once the error has been written, reading away what the
        // client still sends so that it sees the answer, not a reset (LingeringClose).
        resp.putHeader("connection", "close");
        fail(resp, cause).onComplete(v -> LingeringClose.after(req.connection()));
    }

    /**
     * A stream's answer, for the dialect's route to relay; null when there is nothing to relay: the call failed (answered
     * here, in the dialect) or the client left while the upstream was answering (the stream cancelled, which resets it).
     */
    public Answer<ChatStream> streamToRelay(HttpServerResponse resp, AsyncResult<Answer<ChatStream>> ar) {
        if (ar.failed()) {
            fail(resp, ar.cause());
            return null;
        }
        // a succeeded call without an answer is a bug: fail loudly, as the routes did before, not with a null that
        // reads as "answered here"
        Answer<ChatStream> answer = Objects.requireNonNull(ar.result(), "a stream call succeeded without an answer");
        if (resp.closed()) {
            answer.body().cancel();
            return null;
        }
        return answer;
    }

    /** Answers a failure: any exception that is not a {@link GatewayException} is a 500, logged with the request id. */
    public io.vertx.core.Future<Void> fail(HttpServerResponse resp, Throwable t) {
        if (Cancellation.isClientClosed(t)) { // nobody to answer: the call is in the ledger as 499
            log.debug("request {}: the client left before its answer", resp.headers().get(SwitchboardHeaders.REQUEST_ID));
            if (!resp.closed() && !resp.ended()) resp.reset();
            return io.vertx.core.Future.succeededFuture();
        }
        GatewayException e = t instanceof GatewayException g ? g : internal(resp, t);
        if (resp.headWritten()) {
            return !resp.ended() && !resp.closed() ? resp.end(errorEvent.apply(e)) : io.vertx.core.Future.succeededFuture();
        }
        resp.setStatusCode(errorStatus.applyAsInt(e)).putHeader("content-type", "application/json");
        if (e.retryAfterSeconds() != null) resp.putHeader("retry-after", Long.toString(e.retryAfterSeconds()));
        e.headers().forEach(resp::putHeader);
        return resp.closed() ? io.vertx.core.Future.succeededFuture() : resp.end(errorBody.apply(e));
    }

    private static GatewayException internal(HttpServerResponse resp, Throwable t) {
        String id = resp.headers().get(SwitchboardHeaders.REQUEST_ID);
        log.error("request {} failed unexpectedly", id, t);
        return GatewayException.of(ErrorKind.INTERNAL, "Internal error in the gateway (request " + id + "); see the gateway log.");
    }
}
