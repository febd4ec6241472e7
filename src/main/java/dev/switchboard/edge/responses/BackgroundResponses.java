package dev.switchboard.edge.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.Cancellation;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.StoredResponse;
import dev.switchboard.pipeline.BackgroundEvents;
import dev.switchboard.pipeline.BackgroundRuns;
import dev.switchboard.pipeline.StoredResponses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * OpenAI's background mode ({@code background: true}): the gateway answers the Response object at once
 * ({@code queued}) and runs the call itself, without the client — its leaving changes nothing — keeping the answer
 * under the response's id, where {@code GET /v1/responses/{id}} finds it ({@code in_progress} until then, then
 * {@code completed}, {@code incomplete} or {@code failed}). {@code POST /v1/responses/{id}/cancel} stops the call
 * ({@code cancelled}, no output). Streamed background responses are {@link BackgroundStream}'s.
 *
 * <p>The call goes through the same pipeline as any other (the key's budget and limits, the cache, routing,
 * fallbacks, the ledger and the trace); only its cancellation is its own instead of the client's connection.
 */
final class BackgroundResponses {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BackgroundResponses.class);
    static final String STOPPED = "The gateway stopped before this background response was complete; create it again.";

    private final EdgeContext edge;

    BackgroundResponses(EdgeContext edge) { this.edge = edge; }

    private StoredResponses stored() { return edge.gateway().responses(); }

    /** The call's context, cancelled by {@code cancellation} instead of by the client's connection. */
    static CallContext detached(CallContext ctx, Cancellation cancellation) {
        return new CallContext(ctx.requestId(), ctx.caller(), ctx.startedNanos(), ctx.hints(), cancellation, ctx.carried());
    }

    /** Starts a background response that is not streamed: answers it {@code queued}, stores its end when it comes. */
    void start(HttpServerResponse resp, CallContext ctx, ResponsesRequest req, ChatRequest chat, ArrayNode history, String id,
               long createdMillis) {
        ObjectNode queued = ResponseObject.build(id, createdMillis / 1000, req.model(), "queued", F.arrayNode(), null, req, null, null);
        Cancellation cancellation = Cancellation.create();
        BackgroundRuns.Run run = register(ctx, req, history, id, createdMillis, queued, cancellation);
        resp.putHeader("content-type", "application/json").end(Buffer.buffer(queued.toString()));
        String owner = ctx.caller().id();
        Future<Answer<ChatResponse>> answered;
        try {
            answered = edge.gateway().chat().chat(detached(ctx, cancellation), chat);
        } catch (RuntimeException e) {
            answered = Future.failedFuture(e);
        }
        answered.onComplete(ar -> settleSafely(run, req, history, id, createdMillis, owner, () -> ar.succeeded()
                ? ResponsesRoutes.finished(req, id, createdMillis, ar.result().body())
                : failed(req, id, createdMillis, ar.cause(), ctx.attached(CallContext.CHARGED))));
    }

    /**
     * Starts a streamed background response. The client gets {@code response.created} (the response {@code queued}, its
     * id) at once, before any provider is asked; the events go to {@link BackgroundEvents}, which this client follows
     * from the first and others may resume, and the call goes on when the client leaves. A failure before the answer
     * starts (a budget, a limit, every deployment failing) ends the stream with {@code response.failed}, as OpenAI ends a
     * response that failed after it was created, and the stored response says failed.
     */
    void startStream(HttpServerResponse resp, CallContext ctx, ResponsesRequest req, ChatRequest chat, ArrayNode history,
                     String id, long createdMillis) {
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext(); // the client's connection's event loop
        ObjectNode queued = ResponseObject.build(id, createdMillis / 1000, req.model(), "queued", F.arrayNode(), null, req, null, null);
        Cancellation cancellation = Cancellation.create();
        BackgroundRuns.Run run = register(ctx, req, history, id, createdMillis, queued, cancellation);
        String owner = ctx.caller().id();
        BackgroundEvents events = stored().openEvents(id, owner);
        ResponsesStreamEncoder encoder = new ResponsesStreamEncoder(id, createdMillis / 1000, req.model(), req,
                response -> settleSafely(run, req, history, id, createdMillis, owner, () -> response),
                () -> ctx.attached(CallContext.CHARGED));
        BackgroundStream sink = new BackgroundStream(encoder, events, run, STOPPED_ERROR,
                e -> settleSafely(run, req, history, id, createdMillis, owner, () -> failed(req, id, createdMillis, e, ctx.attached(CallContext.CHARGED))),
                () -> {
                    stored().endEvents(id, events);
                    stored().background().finish(run);
                });
        sink.begin();
        dev.switchboard.edge.SwitchboardHeaders.eventStream(resp);
        // the client's cancellation (not the run's: the run goes on without its client) releases the call's buffer share
        EventFollower.follow(context, resp, events, 0, ctx.cancellation()::cancel);
        Future<Answer<ChatStream>> started;
        try {
            started = edge.gateway().chat().stream(detached(ctx, cancellation), chat);
        } catch (RuntimeException e) {
            started = Future.failedFuture(e);
        }
        started.onComplete(ar -> {
            if (ar.failed()) {
                sink.fail(ar.cause() instanceof GatewayException g ? g : internal(ar.cause()));
                return;
            }
            ChatStream stream = ar.result().body();
            // a cancel (or the gateway's stop) ends the stream as the client's leaving ends any other: the upstream is
            // reset and the attempt settles as 499, not as the deployment's failure
            cancellation.onCancel(() -> {
                stream.cancel(); // a cancelled stream delivers nothing more, not even its end: the sink is ended here
                sink.fail(Cancellation.clientClosed(null));
            });
            stream.start(sink);
        });
    }

    /** The error a stopped gateway leaves on its background responses. */
    static final GatewayException STOPPED_ERROR = GatewayException.of(ErrorKind.INTERNAL, STOPPED);

    private static GatewayException internal(Throwable t) {
        log.error("a background response failed unexpectedly", t);
        return GatewayException.of(ErrorKind.INTERNAL, "Internal error in the gateway; see the gateway log.");
    }

    /**
     * Stores the run's end as {@code end} builds it; if building it throws, the end stored is a failure (the response must
     * not stay in progress for ever).
     */
    private void settleSafely(BackgroundRuns.Run run, ResponsesRequest req, ArrayNode history, String id, long createdMillis,
                              String owner, java.util.function.Supplier<ObjectNode> end) {
        StoredResponse record;
        try {
            record = ResponsesRoutes.record(stored(), owner, req, history, id, createdMillis, end.get());
        } catch (RuntimeException e) {
            record = ResponsesRoutes.record(stored(), owner, req, history, id, createdMillis, failed(req, id, createdMillis, internal(e)));
        }
        settle(run, record);
    }

    /**
     * Stores the response as it starts ({@code in_progress}, no output: a GET sees it at once) and registers its run,
     * which leaves a failed record if the gateway stops first.
     */
    BackgroundRuns.Run register(CallContext ctx, ResponsesRequest req, ArrayNode history, String id, long createdMillis,
                                ObjectNode queued, Cancellation cancellation) {
        String owner = ctx.caller().id();
        String conversation = ResponsesRoutes.conversation(history, req, null).toString();
        ObjectNode inProgress = queued.deepCopy().put("status", "in_progress");
        long expires = stored().expiresAt(createdMillis);
        stored().saveRunning(new StoredResponse(id, owner, createdMillis, expires, inProgress.toString(), conversation));
        return stored().background().start(id, owner, cancellation, () -> new StoredResponse(id, owner, createdMillis, expires,
                failed(req, id, createdMillis, STOPPED_ERROR).toString(), conversation));
    }

    /** Stores the run's end unless a cancel or the gateway's stop settled it first. */
    void settle(BackgroundRuns.Run run, StoredResponse end) {
        if (run.settle(end)) stored().replace(end);
        stored().background().finish(run);
    }

    /** The Response object of a background call that failed: {@code failed}, no output, the error's code and message. */
    static ObjectNode failed(ResponsesRequest req, String id, long createdMillis, Throwable cause) {
        return failed(req, id, createdMillis, cause, null);
    }

    /**
     * As above, with the usage the call was charged ({@code CallContext.CHARGED}: its cost, as a completed response
     * carries its own); none known (the gateway stopped, the call never metered) is a usage of 0 at cost 0.
     */
    static ObjectNode failed(ResponsesRequest req, String id, long createdMillis, Throwable cause, dev.switchboard.model.Usage charged) {
        GatewayException e = cause instanceof GatewayException g ? g
                : GatewayException.of(ErrorKind.INTERNAL, "Internal error in the gateway; see the gateway log.");
        return ResponseObject.build(id, createdMillis / 1000, req.model(), "failed", F.arrayNode(),
                charged != null ? charged : dev.switchboard.model.Usage.ZERO.withCost(0), req, null, e);
    }

    /** The error a background response gets when the gateway running it went silent (a crash, or the store lost). */
    static final GatewayException LOST_ERROR = GatewayException.of(ErrorKind.INTERNAL, "The gateway running this background "
            + "response stopped before it was complete (it crashed or lost the database); create it again.");

    /** A stored running background response, ended as failed because its gateway is gone (StoredResponses#endLostRunsAs). */
    static StoredResponse lost(StoredResponse running) {
        ObjectNode failed = ResponsesRoutes.parse(running.body()).deepCopy().put("status", "failed");
        failed.set("output", F.arrayNode());
        failed.putObject("error").put("code", "server_error").put("message", LOST_ERROR.getMessage());
        return new StoredResponse(running.id(), running.owner(), running.createdAt(), running.expiresAt(), failed.toString(),
                running.conversation());
    }

    /**
     * {@code POST /v1/responses/{id}/cancel} of a stored response, as OpenAI answers it: a background response still
     * queued or in progress ends {@code cancelled} with no output (its call stopped: at once when this gateway runs it,
     * at its runner's next beat when another gateway on the same database does); a cancelled one is answered again; any
     * other is a 400 naming why.
     *
     * @return the Response object to answer
     */
    Future<ObjectNode> cancel(StoredResponse found, ObjectNode body) {
        if (!body.path("background").asBoolean(false)) throw cannot("Cannot cancel a synchronous response.");
        String status = body.path("status").asText();
        switch (status) {
            case "cancelled" -> { return Future.succeededFuture(body); }
            case "queued", "in_progress" -> { }
            case "completed" -> throw cannot("Cannot cancel a completed response.");
            case "failed" -> throw cannot("Cannot cancel a failed response.");
            default -> throw cannot("Cannot cancel a response in terminal state.");
        }
        ObjectNode cancelled = body.deepCopy().put("status", "cancelled");
        cancelled.set("output", F.arrayNode());
        StoredResponse record = new StoredResponse(found.id(), found.owner(), found.createdAt(), found.expiresAt(),
                cancelled.toString(), found.conversation());
        BackgroundRuns.Run run = stored().background().find(found.id(), found.owner());
        StoredResponse now = run == null ? stored().inMemory(found.id(), found.owner()) : null;
        if (now != null && now != found && !now.body().equals(found.body())) {
            return cancel(now, ResponsesRoutes.parse(now.body())); // it ended since it was read: answer as its end says
        }
        if (run == null) {
            // not answered by this gateway: another gateway on the same database runs it (its next beat stops the call), or
            // one that crashed left it; the first end written wins, and a response that ended meanwhile answers as it ended
            return stored().settleElsewhere(record).compose(stored -> {
                if (stored == record) return Future.succeededFuture(cancelled);
                String storedStatus = ResponsesRoutes.parse(stored.body()).path("status").asText();
                if (storedStatus.equals("queued") || storedStatus.equals("in_progress")) {
                    // running by its body but without a runner beat (an earlier version's): cancelled as before, unconditionally
                    return stored().overwrite(record).map(r -> cancelled);
                }
                return cancel(stored, ResponsesRoutes.parse(stored.body())); // it ended meanwhile: answer as its end says
            });
        }
        if (!run.cancel(record)) return cancel(run.terminal(), ResponsesRoutes.parse(run.terminal().body())); // it ended first
        stored().replace(record);
        run.cancellation().cancel();
        return Future.succeededFuture(cancelled);
    }

    private static GatewayException cannot(String message) {
        return new GatewayException(ErrorKind.BAD_REQUEST, 400, message, "response_id", null, null, null);
    }
}
