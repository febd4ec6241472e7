package dev.switchboard.edge.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Cancellation;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.StoredResponse;
import dev.switchboard.pipeline.BackgroundEvents;
import dev.switchboard.pipeline.BackgroundRuns;
import dev.switchboard.pipeline.StoredResponses;
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
        try {
            edge.gateway().chat().chat(detached(ctx, cancellation), chat).onComplete(ar -> {
                ObjectNode end = ar.succeeded() ? ResponsesRoutes.finished(req, id, createdMillis, ar.result().body())
                        : failed(req, id, createdMillis, ar.cause());
                settle(run, ResponsesRoutes.record(stored(), ctx.caller().id(), req, history, id, createdMillis, end));
            });
        } catch (RuntimeException e) {
            settle(run, ResponsesRoutes.record(stored(), ctx.caller().id(), req, history, id, createdMillis,
                    failed(req, id, createdMillis, e)));
        }
    }

    /**
     * Starts a streamed background response: its events go to {@link BackgroundEvents}, which this client follows from
     * the first and others may resume; the call goes on when the client leaves. A call refused before its stream
     * begins (a budget, a limit, every deployment failing) is answered with its error status, as a stream is, and the
     * stored response says failed.
     *
     * @param fail answers a failure in the dialect's error shape
     */
    void startStream(HttpServerResponse resp, CallContext ctx, ResponsesRequest req, ChatRequest chat, ArrayNode history,
                     String id, long createdMillis, java.util.function.Consumer<Throwable> fail) {
        ObjectNode queued = ResponseObject.build(id, createdMillis / 1000, req.model(), "queued", F.arrayNode(), null, req, null, null);
        Cancellation cancellation = Cancellation.create();
        BackgroundRuns.Run run = register(ctx, req, history, id, createdMillis, queued, cancellation);
        String owner = ctx.caller().id();
        java.util.function.Consumer<Throwable> failed = e -> settle(run, ResponsesRoutes.record(stored(), owner, req, history, id,
                createdMillis, failed(req, id, createdMillis, e)));
        io.vertx.core.Future<dev.switchboard.model.Answer<dev.switchboard.model.ChatStream>> started;
        try {
            started = edge.gateway().chat().stream(detached(ctx, cancellation), chat);
        } catch (RuntimeException e) {
            failed.accept(e);
            fail.accept(e);
            return;
        }
        started.onComplete(ar -> {
            if (ar.failed()) {
                failed.accept(ar.cause());
                fail.accept(ar.cause());
                return;
            }
            dev.switchboard.model.Answer<dev.switchboard.model.ChatStream> answer = ar.result();
            BackgroundEvents events = stored().openEvents(id, owner);
            ResponsesStreamEncoder encoder = new ResponsesStreamEncoder(id, createdMillis / 1000,
                    ResponsesRoutes.servedModel(answer.deployment()), req,
                    response -> settle(run, ResponsesRoutes.record(stored(), owner, req, history, id, createdMillis, response)));
            BackgroundStream sink = new BackgroundStream(encoder, events, run, e -> failed.accept(e), () -> {
                stored().endEvents(id, events);
                stored().background().finish(run);
            });
            dev.switchboard.edge.SwitchboardHeaders.apply(resp, answer);
            dev.switchboard.edge.SwitchboardHeaders.eventStream(resp);
            EventFollower.follow(resp, events, 0);
            answer.body().start(sink);
        });
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
        stored().save(new StoredResponse(id, owner, createdMillis, expires, inProgress.toString(), conversation));
        GatewayException stopped = GatewayException.of(ErrorKind.INTERNAL, STOPPED);
        return stored().background().start(id, owner, cancellation, () -> new StoredResponse(id, owner, createdMillis, expires,
                failed(req, id, createdMillis, stopped).toString(), conversation));
    }

    /** Stores the run's end unless a cancel or the gateway's stop settled it first. */
    void settle(BackgroundRuns.Run run, StoredResponse end) {
        if (run.settle(end)) stored().replace(end);
        stored().background().finish(run);
    }

    /** The Response object of a background call that failed: {@code failed}, no output, the error's code and message. */
    static ObjectNode failed(ResponsesRequest req, String id, long createdMillis, Throwable cause) {
        GatewayException e = cause instanceof GatewayException g ? g
                : GatewayException.of(ErrorKind.INTERNAL, "Internal error in the gateway; see the gateway log.");
        return ResponseObject.build(id, createdMillis / 1000, req.model(), "failed", F.arrayNode(), null, req, null, e);
    }

    /**
     * {@code POST /v1/responses/{id}/cancel} of a stored response, as OpenAI answers it: a background response still
     * queued or in progress ends {@code cancelled} with no output (its call stopped when this gateway runs it); a cancelled
     * one is answered again; any other is a 400 naming why.
     *
     * @return the Response object to answer
     */
    ObjectNode cancel(StoredResponse found, ObjectNode body) {
        if (!body.path("background").asBoolean(false)) throw cannot("Cannot cancel a synchronous response.");
        String status = body.path("status").asText();
        switch (status) {
            case "cancelled" -> { return body; }
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
        if (run == null) {
            // not answered by this gateway: one that stopped without writing its end (a crash), or another gateway on
            // the same database, whose call runs on and whose end then replaces this
            stored().replace(record);
            return cancelled;
        }
        if (!run.cancel(record)) return cancel(run.terminal(), ResponsesRoutes.parse(run.terminal().body())); // it ended first
        stored().replace(record);
        run.cancellation().cancel();
        return cancelled;
    }

    private static GatewayException cannot(String message) {
        return new GatewayException(ErrorKind.BAD_REQUEST, 400, message, "response_id", null, null, null);
    }
}
