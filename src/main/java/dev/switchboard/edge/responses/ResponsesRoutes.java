package dev.switchboard.edge.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.edge.DialectCall;
import dev.switchboard.edge.EdgeContext;
import dev.switchboard.edge.SseSink;
import dev.switchboard.edge.SwitchboardHeaders;
import dev.switchboard.edge.openai.OpenAiResponseEncoder;
import dev.switchboard.model.Answer;
import dev.switchboard.model.CallContext;
import dev.switchboard.model.Caller;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.Choice;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import dev.switchboard.model.Message;
import dev.switchboard.model.StoredResponse;
import dev.switchboard.model.Usage;
import dev.switchboard.pipeline.StoredResponses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * OpenAI's Responses API: {@code POST /v1/responses} (stream and not), {@code GET} and {@code DELETE
 * /v1/responses/{id}}. A request is translated to the canonical chat request and goes through the same pipeline
 * as chat (governance, cache, routing, fallbacks, accounting), so every alias serves it whatever its provider;
 * the answer is translated back into a Response object or its event stream. Stored responses
 * ({@code store}, default true) are kept per caller, so {@code previous_response_id} continues a conversation
 * for providers that keep no state. Errors use OpenAI's shape.
 */
public final class ResponsesRoutes {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String JSON = "application/json";

    private final EdgeContext edge;
    private final ResponsesRequestDecoder decoder = new ResponsesRequestDecoder();
    private final OpenAiResponseEncoder errors = new OpenAiResponseEncoder();
    private final DialectCall call;
    private final BackgroundResponses background;

    public ResponsesRoutes(EdgeContext edge) {
        this.edge = edge;
        this.call = new DialectCall(edge, e -> errors.error(ResponsesErrorNames.of(e)),
                e -> errors.errorEvent(ResponsesErrorNames.of(e)), "x-request-id");
        this.background = new BackgroundResponses(edge);
        edge.gateway().responses().endLostRunsAs(BackgroundResponses::lost);
    }

    public void mount(Router router) {
        for (String prefix : new String[] {"/v1", ""}) {
            router.post(prefix + "/responses").handler(rc -> call.beginCall(rc.request(), (ctx, body) -> create(rc.request(), ctx, body)));
            router.post(prefix + "/responses/input_tokens").handler(rc -> call.begin(rc.request(),
                    (ctx, body) -> inputTokens(rc.response(), ctx, body)));
            // input_tokens is not a response id: any other method there is a 405 (Allow: POST), before the
            // /responses/:id routes would take GET or DELETE of it for a response that cannot exist (a 404)
            router.route(prefix + "/responses/input_tokens").handler(rc -> rc.fail(405));
            router.get(prefix + "/responses/:id").handler(rc -> withCaller(rc.request(), c -> read(rc.request(), rc.pathParam("id"), false, c)));
            router.delete(prefix + "/responses/:id").handler(rc -> withCaller(rc.request(), c -> read(rc.request(), rc.pathParam("id"), true, c)));
            router.post(prefix + "/responses/:id/cancel").handler(rc -> withCaller(rc.request(), c -> cancel(rc.request(), rc.pathParam("id"), c)));
            router.get(prefix + "/responses/:id/input_items").handler(rc -> withCaller(rc.request(), c -> inputItems(rc.request(), rc.pathParam("id"), c)));
        }
    }

    private StoredResponses stored() { return edge.gateway().responses(); }

    /**
     * A create request: decoded (its item references looked up first), then made. A failure before the gateway takes
     * the call (a body that is not a Responses request, a previous response not found) is counted and logged as a
     * refusal before the call ({@link DialectCall#failBeforeCall}); the pipeline counts the rest.
     */
    private void create(io.vertx.core.http.HttpServerRequest httpReq, CallContext ctx, Buffer body) {
        ObjectNode n = decoder.parse(body);
        decoded(ctx, n).onComplete(ar -> {
            // counted under the model the body names (an item reference not found is a refusal of that model's
            // request, as a validation refusal is), not as "none"
            if (ar.failed()) call.failBeforeCall(httpReq, ctx, namedModel(n), ar.cause());
            else create(httpReq, ctx, ar.result());
        });
    }

    /** The body's {@code model} when it is a string, else null (the refusal is then counted as {@code none}). */
    private static String namedModel(ObjectNode body) {
        return body.get("model") instanceof com.fasterxml.jackson.databind.node.TextNode t ? t.textValue() : null;
    }

    /**
     * The request, its item references replaced by the items they name (output items of responses this key stored)
     * before anything else; at once when it has none.
     */
    private Future<ResponsesRequest> decoded(CallContext ctx, Buffer body) { return decoded(ctx, decoder.parse(body)); }

    private Future<ResponsesRequest> decoded(CallContext ctx, ObjectNode n) {
        List<String> references = ResponsesRequestDecoder.itemReferences(n);
        if (references.isEmpty()) return Future.succeededFuture(decoder.decode(n));
        return stored().findItems(references, ctx.caller().id()).map(found -> {
            ResponsesRequestDecoder.resolveReferences(n, found);
            return decoder.decode(n);
        });
    }

    private void create(io.vertx.core.http.HttpServerRequest httpReq, CallContext ctx, ResponsesRequest req) {
        HttpServerResponse resp = httpReq.response();
        io.vertx.core.http.HttpConnection conn = httpReq.connection(); // a stream on it is one the shutdown drain ends
        Future<StoredResponse> previous = req.previousResponseId() == null ? Future.succeededFuture(null)
                : stored().find(req.previousResponseId(), ctx.caller().id());
        previous.onComplete(ar -> {
            try {
                if (ar.failed()) throw ar.cause();
                ArrayNode history = history(req, ar.result());
                ChatRequest chat = req.toChat(history);
                long createdMillis = System.currentTimeMillis();
                String id = ResponseObject.newResponseId(createdMillis);
                ctx.attach(CallContext.ANSWER_ID, id); // the trace names the id the client gets, not the upstream's
                // an alias the caller cannot use is refused now, not in the background
                if (req.background()) {
                    edge.usableAlias(req.model(), ctx.caller());
                    edge.gateway().checkRequest(ctx, chat); // tags and the end user too (RequestChecksStage)
                }
                if (req.background() && req.stream()) background.startStream(resp, ctx, req, chat, history, id, createdMillis); else if (req.background()) background.start(resp, ctx, req, chat, history, id, createdMillis);
                else if (req.stream()) stream(resp, conn, ctx, req, chat, history, id, createdMillis);
                else answer(resp, ctx, req, chat, history, id, createdMillis);
            } catch (Throwable t) { // before the gateway took the call (unless it threw after: then only answered)
                call.failBeforeCall(httpReq, ctx, req.model(), t);
            }
        });
    }

    /**
     * {@code POST /v1/responses/input_tokens}: the prompt tokens a create request with this body would send, as the
     * alias's model counts them when one of its deployments counts (Claude, through Anthropic's {@code count_tokens}),
     * else OpenAI's tokenizer over the translated request (o200k_base, which OpenAI's current models use). Not a call:
     * no budget, ledger row or trace. {@code x-switchboard-token-count} says which count it is.
     */
    private void inputTokens(HttpServerResponse resp, CallContext ctx, Buffer body) {
        // the count's body has no output settings; a create body's extra fields are accepted and ignored here
        decoded(ctx, body).compose(req -> {
            edge.usableAlias(req.model(), ctx.caller());
            return (req.previousResponseId() == null ? Future.<StoredResponse>succeededFuture(null)
                    : stored().find(req.previousResponseId(), ctx.caller().id())).compose(p -> count(ctx, req, p));
        }).onComplete(ar -> {
            if (ar.failed()) {
                call.fail(resp, ar.cause());
                return;
            }
            resp.putHeader("content-type", JSON).putHeader("x-switchboard-token-count", ar.result().byProvider() ? "provider" : "estimate")
                    .end(MAPPER.createObjectNode().put("object", "response.input_tokens").put("input_tokens", ar.result().tokens()).toString());
        });
    }

    /** A prompt's tokens, and whether the provider counted them (else the gateway's o200k count). */
    private record TokenCount(int tokens, boolean byProvider) {}

    /** The prompt tokens of the request continuing {@code previous}. */
    private Future<TokenCount> count(CallContext ctx, ResponsesRequest req, StoredResponse previous) {
        ChatRequest chat;
        try {
            chat = req.toChat(history(req, previous));
        } catch (JsonProcessingException e) {
            return Future.failedFuture(e);
        }
        return edge.gateway().countTokens(ctx, chat).recover(e -> Future.succeededFuture(null)) // a count is advice
                .map(counted -> counted != null ? new TokenCount(counted, true) : new TokenCount(TOKENS.contextCount(chat), false));
    }

    /** OpenAI's tokenizer, for counts no provider gives (its tables load once per process). */
    private static final dev.switchboard.account.PromptTokens TOKENS = new dev.switchboard.account.PromptTokens();

    /** The conversation a previous response leaves, or null when the request continues none. */
    private static ArrayNode history(ResponsesRequest req, StoredResponse previous) throws JsonProcessingException {
        if (req.previousResponseId() == null) return null;
        if (previous == null) {
            throw new GatewayException(ErrorKind.NOT_FOUND, 404, "Previous response with id '" + req.previousResponseId()
                    + "' not found.", "previous_response_id", "previous_response_not_found", null, null);
        }
        String status = parse(previous.body()).path("status").asText();
        if (status.equals("queued") || status.equals("in_progress")) { // a background response: its output is not there yet
            throw GatewayException.badRequest("Previous response with id '" + req.previousResponseId() + "' is still "
                    + status + "; continue from it once it has completed.", "previous_response_id");
        }
        return (ArrayNode) MAPPER.readTree(previous.conversation());
    }

    private void answer(HttpServerResponse resp, CallContext ctx, ResponsesRequest req, ChatRequest chat, ArrayNode history,
                        String id, long createdMillis) {
        edge.gateway().chat().chat(ctx, chat).onComplete(ar -> {
            if (ar.failed()) {
                call.fail(resp, ar.cause());
                return;
            }
            try {
                respond(resp, ctx, req, history, id, createdMillis, ar.result());
            } catch (RuntimeException e) { // answered (a 500 naming the request id), never left hanging
                call.fail(resp, e);
            }
        });
    }

    private void respond(HttpServerResponse resp, CallContext ctx, ResponsesRequest req, ArrayNode history, String id,
                         long createdMillis, Answer<ChatResponse> answer) {
        ObjectNode response = finished(req, id, createdMillis, answer.body());
        store(ctx, req, history, id, createdMillis, response);
        SwitchboardHeaders.apply(resp, answer);
        resp.putHeader("content-type", JSON).end(Buffer.buffer(
                SignedReasoning.visibleResponse(response, SignedReasoning.wanted(req)).toString()));
    }

    /** The whole Response object of a non-stream answer, Claude's signed reasoning included ({@link SignedReasoning}). */
    static ObjectNode finished(ResponsesRequest req, String id, long createdMillis, ChatResponse r) {
        if (r.raw() != null && r.raw().is(dev.switchboard.model.RawJson.OPENAI_RESPONSES)) {
            // OpenAI's own answer, passed back as it wrote it, under the gateway's id (stored under it too); the gateway
            // ran a background response itself, so OpenAI's copy says background: false
            ObjectNode passed = ((ObjectNode) r.raw().body()).deepCopy().put("id", id);
            if (passed.get("usage") instanceof ObjectNode usage) ResponseObject.withCost(usage, r.usage());
            if (req.background()) passed.put("background", true).put("created_at", createdMillis / 1000);
            return passed;
        }
        Choice choice = r.choices().isEmpty() ? null : r.choices().get(0);
        Message m = choice == null ? Message.text(dev.switchboard.model.Role.ASSISTANT, "") : choice.message();
        String status = ResponseObject.status(choice == null ? null : choice.finishReason());
        ArrayNode output = ResponseObject.output(m, choice == null ? null : choice.logprobs(), req, status);
        return ResponseObject.build(id, createdMillis / 1000, r.model(), status, output,
                r.usage() == null ? Usage.ZERO : r.usage(), req,
                status.equals("incomplete") ? ResponseObject.incompleteReason(choice.finishReason()) : null, null);
    }

    private void stream(HttpServerResponse resp, io.vertx.core.http.HttpConnection conn, CallContext ctx, ResponsesRequest req,
                        ChatRequest chat, ArrayNode history, String id, long createdMillis) {
        edge.gateway().chat().stream(ctx, chat).onComplete(ar -> {
            Answer<ChatStream> answer = call.streamToRelay(resp, ar);
            if (answer == null) return;
            ChatStream stream = answer.body();
            ResponsesStreamEncoder encoder = new ResponsesStreamEncoder(id, createdMillis / 1000, servedModel(answer.deployment()),
                    req, response -> store(ctx, req, history, id, createdMillis, response), () -> ctx.attached(CallContext.CHARGED));
            SwitchboardHeaders.apply(resp, answer);
            dev.switchboard.edge.SwitchboardHeaders.eventStream(resp);
            ctx.cancellation().onCancel(stream::cancel); // the client leaving resets the upstream, settles the call as 499
            // ... and its response is stored as far as it got (incomplete), at what the cancel above charged; the gateway's
            // own stop (the drain's cut) is not a client leaving: the stream's failure event stores it failed
            ctx.cancellation().onCancel(() -> {
                if (ctx.cancellation().stopReason() == null) encoder.abandoned();
            });
            stream.start(new SseSink(resp, encoder).endsAtDrain(conn, ctx.cancellation(), edge.drain()));
        });
    }

    /** The upstream model of a {@code provider/model} deployment id, named until the first chunk names it. */
    static String servedModel(String deployment) {
        if (deployment == null) return "unknown";
        int slash = deployment.indexOf('/');
        return slash < 0 ? deployment : deployment.substring(slash + 1);
    }

    /**
     * Keeps the answer unless the client said {@code store: false}: the Response object, and the conversation a
     * next turn continues (the previous one, this input, this output; instructions are not carried, as OpenAI does).
     * {@code response} is the whole answer, Claude's signed reasoning included ({@link SignedReasoning}).
     */
    private void store(CallContext ctx, ResponsesRequest req, ArrayNode history, String id, long createdMillis, ObjectNode response) {
        if (!req.store()) return;
        stored().save(record(stored(), ctx.caller().id(), req, history, id, createdMillis, response));
    }

    /**
     * The stored record of an answer: the Response object as the client was shown it, and the conversation a next turn
     * continues (which keeps Claude's signed reasoning). Its output items are indexed for item references.
     */
    static StoredResponse record(StoredResponses stored, String owner, ResponsesRequest req, ArrayNode history, String id,
                                 long createdMillis, ObjectNode response) {
        ArrayNode output = (ArrayNode) response.get("output");
        stored.indexItems(owner, id, stored.expiresAt(createdMillis), output);
        return new StoredResponse(id, owner, createdMillis, stored.expiresAt(createdMillis),
                SignedReasoning.visibleResponse(response, SignedReasoning.wanted(req)).toString(),
                conversation(history, req, output).toString());
    }

    /**
     * The previous conversation, this input, then this output (null for none yet) but for the items cut short that no
     * next turn can send back ({@link ContinuedOutput}: a call whose arguments were cut mid-stream).
     */
    static ArrayNode conversation(ArrayNode history, ResponsesRequest req, ArrayNode output) {
        ArrayNode conversation = MAPPER.createArrayNode();
        if (history != null) conversation.addAll(history);
        conversation.addAll(req.input());
        if (output != null) conversation.addAll(ContinuedOutput.of(output));
        return conversation;
    }

    /**
     * Runs {@code then} with the caller of a request on a stored response, or answers its refusal. Authenticated as a
     * model call ({@link EdgeContext#authenticateCall}): a key another gateway made since this one's last key sync is
     * looked up in the store first, as for the {@code POST /v1/responses} that stored the response. Runs on the
     * request's context.
     */
    private void withCaller(HttpServerRequest req, java.util.function.Consumer<Caller> then) {
        call.identify(req.response());
        edge.authenticateCall(req).onComplete(ar -> {
            req.resume(); // paused by a look-up: these requests have no body to wait for
            if (req.response().closed()) return; // the client left while its key was looked up
            if (ar.failed()) {
                call.fail(req.response(), ar.cause());
                return;
            }
            try {
                then.accept(ar.result());
            } catch (Throwable t) {
                call.fail(req.response(), t);
            }
        });
    }

    private static GatewayException notFound(String id) {
        return new GatewayException(ErrorKind.NOT_FOUND, 404, "Response with id '" + id + "' not found.", null, "not_found", null, null);
    }

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored response is not JSON", e);
        }
    }

    /** {@code POST /v1/responses/{id}/cancel} ({@link BackgroundResponses#cancel}). */
    private void cancel(HttpServerRequest req, String id, Caller caller) {
        HttpServerResponse resp = req.response();
        stored().read(id, caller.id()).onComplete(ar -> {
            try {
                if (ar.failed()) throw ar.cause();
                if (ar.result() == null) throw notFound(id);
                background.cancel(ar.result(), parse(ar.result().body())).onComplete(answered -> {
                    if (answered.failed()) call.fail(resp, answered.cause());
                    else resp.putHeader("content-type", JSON).end(Buffer.buffer(answered.result().toString()));
                });
            } catch (Throwable t) {
                call.fail(resp, t);
            }
        });
    }

    /** {@code GET /v1/responses/{id}/input_items}: a page of the items the response was generated from ({@link InputItems}). */
    private void inputItems(HttpServerRequest req, String id, Caller caller) {
        HttpServerResponse resp = req.response();
        int limit;
        boolean ascending;
        RetrieveIncludes.Wanted wanted;
        try {
            wanted = RetrieveIncludes.of(req); // before the read, as the retrieve's: a bad value is a 400 for any id
            String l = req.getParam("limit");
            try {
                limit = l == null ? InputItems.DEFAULT_LIMIT : Integer.parseInt(l.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > InputItems.MAX_LIMIT) {
                throw GatewayException.badRequest("Invalid 'limit': it must be an integer from 1 to " + InputItems.MAX_LIMIT + ".", "limit");
            }
            String order = req.getParam("order");
            if (order != null && !order.equals("asc") && !order.equals("desc")) {
                throw GatewayException.badRequest("Invalid value for 'order': '" + order + "'. Supported values are: 'asc' and 'desc'.", "order");
            }
            ascending = "asc".equals(order);
        } catch (GatewayException e) {
            call.fail(resp, e);
            return;
        }
        int pageSize = limit;
        String after = req.getParam("after");
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext(); // the connection's loop
        stored().read(id, caller.id()).onComplete(ar -> {
            if (ar.failed()) call.fail(resp, ar.cause());
            else if (ar.result() == null) call.fail(resp, notFound(id));
            else listed(context, ar.result(), ascending, pageSize, after, wanted).onComplete(lr -> {
                if (lr.failed()) call.fail(resp, lr.cause());
                else resp.putHeader("content-type", JSON).end(lr.result());
            });
        });
    }

    /**
     * {@link #listed(StoredResponse, boolean, int, String, RetrieveIncludes.Wanted)} on a worker thread when the stored
     * JSON is large ({@link #offLoop}): the whole conversation is parsed for any page of it, so a long agent session's
     * input_items would otherwise stall the connection's loop as a retrieve's include did.
     */
    static Future<Buffer> listed(io.vertx.core.Context context, StoredResponse row, boolean ascending, int limit, String after,
                                 RetrieveIncludes.Wanted wanted) {
        long chars = row.body().length() + (row.conversation() == null ? 0 : row.conversation().length());
        return offLoop(context, chars, () -> listed(row, ascending, limit, after, wanted));
    }

    /** A page of a stored response's input items ({@link InputItems}) as written to the client. */
    private static Buffer listed(StoredResponse row, boolean ascending, int limit, String after, RetrieveIncludes.Wanted wanted) {
        ArrayNode conversation;
        try {
            conversation = (ArrayNode) MAPPER.readTree(row.conversation());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored conversation of " + row.id() + " is not JSON", e);
        }
        JsonNode output = parse(row.body()).path("output");
        ObjectNode page = RetrieveIncludes.listed(
                InputItems.page(row.id(), InputItems.before(conversation, output), ascending, limit, after), wanted);
        return Buffer.buffer(page.toString());
    }

    /**
     * {@code work} on a worker thread of {@code context} (unordered: reads of one connection need no order among
     * themselves) when it parses more than {@link #PARSE_OFF_LOOP_CHARS} characters of stored JSON, else in place; its
     * result or failure is delivered on {@code context} either way.
     */
    static <T> Future<T> offLoop(io.vertx.core.Context context, long chars, java.util.concurrent.Callable<T> work) {
        if (chars > PARSE_OFF_LOOP_CHARS) return context.executeBlocking(work, false);
        try {
            return Future.succeededFuture(work.call());
        } catch (Throwable t) { // an Error too (a StackOverflowError in a deep row): the caller answers the client with it
            return Future.failedFuture(t);
        }
    }

    /**
     * Above this many characters of stored JSON a read's parse runs on a worker thread, not the connection's loop: a long
     * conversation (a coding agent's, with its tool outputs) is megabytes, whose parse would stall every other request on
     * the loop; a short one is parsed in place, where a hop to a worker would cost more than the parse.
     */
    static final int PARSE_OFF_LOOP_CHARS = 64 * 1024;

    /** {@link #shown(StoredResponse, RetrieveIncludes.Wanted)}, on a worker thread when the stored JSON is large. */
    private static Future<ObjectNode> shown(io.vertx.core.Context context, StoredResponse row, RetrieveIncludes.Wanted wanted) {
        long chars = row.body().length()
                + (wanted.encryptedContent() && row.conversation() != null ? row.conversation().length() : 0);
        return offLoop(context, chars, () -> shown(row, wanted));
    }

    /** The stored Response object as a read with {@code wanted} shows it ({@link RetrieveIncludes}). */
    private static ObjectNode shown(StoredResponse row, RetrieveIncludes.Wanted wanted) {
        JsonNode conversation = null;
        if (wanted.encryptedContent() && row.conversation() != null) {
            try {
                conversation = MAPPER.readTree(row.conversation());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored conversation of " + row.id() + " is not JSON", e);
            }
        }
        return RetrieveIncludes.shown(parse(row.body()), conversation, wanted);
    }

    /** {@code GET} (the stored Response object) or {@code DELETE} of a response the caller created. */
    private void read(HttpServerRequest req, String id, boolean delete, Caller caller) {
        HttpServerResponse resp = req.response();
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext(); // the connection's loop, for a follower
        GatewayException notFound = notFound(id);
        if (delete) {
            // a response still running (here, or on another gateway on the same database) is a 400, as OpenAI answers:
            // cancel it, or wait for its end (StoredResponses.delete asks the table, where every runner beats)
            stored().delete(id, caller.id()).onComplete(ar -> {
                if (ar.failed()) call.fail(resp, ar.cause());
                else if (!ar.result()) call.fail(resp, notFound);
                else resp.putHeader("content-type", JSON).end(MAPPER.createObjectNode().put("id", id).put("object", "response")
                            .put("deleted", true).toString());
            });
            return;
        }
        boolean stream = "true".equalsIgnoreCase(req.getParam("stream"));
        int startingAfter;
        try {
            String after = req.getParam("starting_after");
            startingAfter = after == null ? -1 : Integer.parseInt(after.trim());
        } catch (NumberFormatException e) {
            call.fail(resp, GatewayException.badRequest("'starting_after' must be an event's sequence_number.", "starting_after"));
            return;
        }
        RetrieveIncludes.Wanted wanted;
        try {
            wanted = RetrieveIncludes.of(req); // before the read: a bad value is a 400 whether the response exists or not
        } catch (GatewayException e) {
            call.fail(resp, e);
            return;
        }
        stored().read(id, caller.id()).onComplete(ar -> {
            if (ar.failed()) call.fail(resp, ar.cause());
            else if (ar.result() == null) call.fail(resp, notFound);
            else if (!stream) {
                shown(context, ar.result(), wanted).onComplete(sr -> {
                    if (sr.failed()) call.fail(resp, sr.cause());
                    else resp.putHeader("content-type", JSON).end(Buffer.buffer(sr.result().toString()));
                });
            } else {
                // a streamed background response's own events while this gateway has them (running, or ended in the last
                // ten minutes): the same sequence numbers the stream had, so that starting_after resumes it
                dev.switchboard.pipeline.BackgroundEvents events = stored().findEvents(id, caller.id());
                if (events != null) {
                    dev.switchboard.edge.SwitchboardHeaders.eventStream(resp);
                    EventFollower.follow(context, resp, events, EventFollower.firstAfter(events, startingAfter));
                    return;
                }
                shown(context, ar.result(), wanted).onComplete(sr -> {
                    if (sr.failed()) call.fail(resp, sr.cause());
                    else replay(resp, id, sr.result(), startingAfter);
                });
            }
        });
    }

    /** A stored answer read with {@code ?stream=true}: its event stream played back from {@code startingAfter}. */
    private void replay(HttpServerResponse resp, String id, ObjectNode response, int startingAfter) {
        String status = response.path("status").asText();
        if (status.equals("queued") || status.equals("in_progress")) {
            call.fail(resp, GatewayException.badRequest("Response '" + id + "' is in progress and has no event stream here "
                    + "(it was created without 'stream: true', or by another gateway): read it with GET /v1/responses/"
                    + id + " until it is done.", "stream"));
            return;
        }
        // the stored answer as the event stream the SDKs' retrieve(stream=True) reads (StoredStreamReplay)
        dev.switchboard.edge.SwitchboardHeaders.eventStream(resp);
        resp.end(StoredStreamReplay.events(response, startingAfter));
    }

}
