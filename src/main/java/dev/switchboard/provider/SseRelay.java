package dev.switchboard.provider;

import dev.switchboard.model.ChatChunk;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ChunkSink;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Relays one upstream SSE stream into a {@link ChunkSink}: events are decoded by the provider's subclass and
 * handed on the moment they arrive; the upstream is paused while the client's write queue is full; a client
 * that leaves resets the upstream request. A stream that stops before the provider's own end marker fails,
 * so the client never mistakes a cut answer for a complete one.
 */
public abstract class SseRelay implements ChatStream {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SseRelay.class);
    /** The gateway's request id, for the log line of a decoder's bug; null when not told ({@link #forRequest}). */
    private String requestId;
    private final HttpClientResponse upstream;
    private final UpstreamHttp.Endpoint endpoint;
    private final KeyScrubber scrubber;
    private ChunkSink sink;
    /** The event being handled as the upstream sent it, when the key scan masked some of it; else null. */
    private byte[] unmasked;
    private boolean finished;
    private boolean relaying;
    /** The upstream's deadline between reads ({@code stream_timeout}); paused while we hold the upstream paused. */
    private final FirstByteDeadlines.Entry silence;
    /** Body bytes that arrived before {@link #start}, in order; null almost always. */
    private List<Buffer> early;
    /** The upstream was paused because body bytes arrived before {@link #start}. */
    private boolean pausedEarly;
    /** The upstream's body ended before {@link #start} (its handlers can no longer be set). */
    private boolean endedEarly;
    /** Who waits for the first event ({@link #awaitFirstEvent}) until it is told; null when nobody waits. */
    private java.util.function.Consumer<Throwable> awaiting;
    /** Frames the held body bytes while the first event is awaited; a framing of its own, start() frames them again. */
    private Framing peek;

    /** @param scrubber every event's data is scanned for key runs before the subclass reads it */
    protected SseRelay(HttpClientResponse upstream, UpstreamHttp.Endpoint endpoint, KeyScrubber scrubber) {
        this.upstream = upstream;
        this.endpoint = endpoint;
        this.scrubber = scrubber;
        silence = FirstByteDeadlines.claim(upstream);
        if (silence != null) silence.pause();
        // Until start() installs the relay's own handler, a failure has no one to tell: a stream cancelled before it
        // started (the client left between the upstream's headers and its own) resets the request, and without a
        // handler Vert.x logs that reset at ERROR as an unhandled exception (found by FuzzIT).
        upstream.exceptionHandler(t -> { });
        // Nothing is relayed until start(): the caller sends its headers first. start() follows the upstream's head in
        // the same call almost always, before any body byte is handed over (UpstreamChunks hands a read's body on at its
        // end), so the upstream is not paused up front: Vert.x's resume schedules a task on the event loop (a drain of
        // its queue) for every stream. A body piece that does come first is held and pauses the upstream (Vert.x then
        // holds the rest and the end, as a pause up front did); an end that comes first (an empty body) is noted.
        upstream.handler(this::early);
        upstream.endHandler(v -> endedEarly = true);
    }

    private void early(Buffer piece) {
        if (early == null) early = new ArrayList<>(2);
        early.add(piece);
        if (awaiting != null) { // read on (held all the same) until the first event is here
            if (silence != null) silence.touch();
            peekAt(piece);
            return;
        }
        if (!pausedEarly) {
            pausedEarly = true;
            upstream.pause();
        }
    }

    /**
     * Waits for the upstream's first event before the stream counts as answered (see {@link ChatStream#awaitFirstEvent}):
     * the body is read (and held, in order, for {@link #start}) until one whole event is framed; an error as that event
     * ({@link #firstEventError}), a body that ends or breaks first, or {@code stream_timeout} of silence is the
     * attempt's failure, and the upstream request is reset. Nothing reaches the sink before start: once the first event
     * is here the upstream is paused, and start frames, decodes (or relays) and delivers it first, as it always did.
     * The first event of a real provider comes with, or right after, its head, so a healthy stream's first byte to the
     * client waits for nothing more than that event.
     */
    @Override
    public final void awaitFirstEvent(java.util.function.Consumer<Throwable> then) {
        if (sink != null || finished || awaiting != null) { // started or cancelled: nothing to wait for
            then.accept(null);
            return;
        }
        awaiting = then;
        peek = framing(this::peeked);
        if (!endedEarly) {
            upstream.exceptionHandler(t -> {
                if (awaiting != null) firstEventFailed((GatewayException) UpstreamErrors.scrubbed(
                        UpstreamHttp.networkFailure(FirstByteDeadlines.Entry.failure(silence, t), endpoint), scrubber));
            });
            upstream.endHandler(v -> {
                endedEarly = true;
                if (awaiting != null) firstEventFailed(endedBeforeItsFirstEvent());
            });
            if (silence != null) silence.resume(); // the upstream's silence until its first event is bounded as any other
        }
        if (early != null) for (Buffer piece : List.copyOf(early)) {
            if (awaiting == null) break;
            peekAt(piece);
        }
        if (awaiting == null) return;
        if (endedEarly) firstEventFailed(endedBeforeItsFirstEvent());
        else if (pausedEarly) { // bytes came before this call and paused it: read on to the first event
            pausedEarly = false;
            upstream.resume();
        }
    }

    /**
     * The failure a stream's first event says, or null when it is no error. {@code data} is the event's own copy, its
     * key runs masked. Called only for an event whose name or bytes mention an error (a cheap scan first: a healthy
     * first event is not parsed twice). The default: none (the stream's error events fail it after its start).
     */
    protected GatewayException firstEventError(String event, byte[] data) { return null; }

    /**
     * What is wrong with the stream's first event when it is not of this stream's API at all (a server that answers
     * one API with another's stream), or null: the attempt then fails before the stream starts, a 502 naming the
     * deployment that is retried and fallen back from like a whole answer of the wrong shape. {@code data} is the
     * event as sent (not yet masked): what is returned may quote it, as {@link #shapeError} masks it. The default:
     * nothing is checked here (the stream's own checks fail the stream after its start).
     */
    protected String firstEventShape(String event, byte[] data, int offset, int length) { return null; }

    /**
     * A word besides "error" whose bytes in a first event make it worth {@link #firstEventError}'s parse (Gemini's
     * {@code MALFORMED_FUNCTION_CALL} finish, a failure sent as a candidate); or null for none.
     */
    protected byte[] firstEventFailureWord() { return null; }

    private static final byte[] ERROR = "error".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private void peekAt(Buffer piece) {
        try {
            peek.feed(piece);
        } catch (SseParser.TooLarge e) {
            firstEventFailed(GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + endpoint.name() + " sent " + e.getMessage()
                    + "; the gateway stopped reading the stream."));
        } catch (RuntimeException e) {
            logBug(e);
            firstEventFailed(GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + endpoint.name() + " sent a stream frame that"
                    + " could not be read (" + e.getClass().getSimpleName() + "); the gateway stopped reading the stream."));
        } catch (Error e) {
            // our bug, not the upstream's fault: the attempt fails with the Error itself, which the router neither
            // retries nor falls back on (FailurePolicy: GATEWAY_BUG, JVM_ERROR); a VirtualMachineError goes on up after
            logBug(e);
            firstEventFailed(e);
            if (e instanceof VirtualMachineError) throw e;
        }
    }

    /**
     * Tells the relay the gateway's request id, for its log lines; returns it. Called by the provider that makes the
     * stream (a relay never told logs without one).
     */
    public final SseRelay forRequest(String id) {
        this.requestId = id;
        return this;
    }

    /** A decoder's (or sink's) throw, with its stack: the client's error event names only its class. */
    private void logBug(Throwable e) {
        log.error("request {}: reading the stream of upstream {} threw; the stream is failed", requestId, endpoint.display(), e);
    }

    private void peeked(String event, byte[] data, int offset, int length) {
        if (awaiting == null) return; // told already: the rest of this read waits for start
        GatewayException error = null;
        byte[] failureWord = firstEventFailureWord();
        if ((event != null && (event.contains("error") || event.startsWith("exception"))) || mentions(data, offset, length, ERROR)
                || (failureWord != null && mentions(data, offset, length, failureWord))) {
            byte[] copy = java.util.Arrays.copyOfRange(data, offset, offset + length);
            scrubber.events().scrub(copy, 0, copy.length);
            error = firstEventError(event, copy);
        }
        if (error == null) {
            String wrong = firstEventShape(event, data, offset, length);
            if (wrong != null) error = shapeError(wrong);
        }
        if (error != null) {
            firstEventFailed(error);
            return;
        }
        java.util.function.Consumer<Throwable> then = awaiting;
        awaiting = null;
        peek = null;
        if (silence != null) silence.pause(); // held for start: the gateway's wait, not the upstream's silence
        if (!pausedEarly) {
            pausedEarly = true;
            upstream.pause();
        }
        then.accept(null); // last: the caller may start the stream right here (start resumes what this paused)
    }

    private static boolean mentions(byte[] data, int offset, int length, byte[] word) {
        outer:
        for (int i = offset, end = offset + length - word.length; i <= end; i++) {
            for (int j = 0; j < word.length; j++) if (data[i + j] != word[j]) continue outer;
            return true;
        }
        return false;
    }

    private GatewayException endedBeforeItsFirstEvent() {
        return GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + endpoint.name() + " ended the stream before it was complete.");
    }

    /** The attempt failed before the stream started: told once, the request reset, nothing ever delivered. */
    private void firstEventFailed(Throwable e) {
        java.util.function.Consumer<Throwable> then = awaiting;
        if (then == null) return;
        awaiting = null;
        peek = null;
        finished = true;
        early = null;
        if (silence != null) silence.pause();
        upstream.request().reset();
        then.accept(e);
    }

    /** One SSE event from the upstream; implementations call {@link #emit}, {@link #finish} or {@link #fail}. */
    protected abstract void onEvent(String event, byte[] data);

    /**
     * One SSE event as a range of bytes, valid during this call only (see {@link SseParser.RangeListener}). A stream
     * that reads events in place (and may relay them, see {@link #relay}) overrides this; the default copies the range
     * out for {@link #onEvent(String, byte[])}.
     */
    protected void onEvent(String event, byte[] data, int offset, int length) {
        onEvent(event, offset == 0 && length == data.length ? data : java.util.Arrays.copyOfRange(data, offset, offset + length));
    }

    /**
     * The dialect this stream can relay its events in unchanged ({@link dev.switchboard.model.RelayedEvent}), or null
     * when it always decodes them.
     */
    protected String relayDialect() { return null; }

    /** Whether the sink takes this stream's events as relayed bytes: decided once, at start. */
    protected final boolean relaying() { return relaying; }

    /** Whether an upstream body that simply ends (no end marker) is a complete answer, e.g. a finish reason was seen. */
    protected abstract boolean completeAtEndOfBody();

    /** Cuts the upstream's bytes into events, each handed to the listener with its name and its data. */
    protected interface Framing {
        /** @throws RuntimeException when the bytes cannot be framed (too large, corrupt): the stream fails */
        void feed(Buffer bytes);
    }

    /**
     * How this provider's stream is framed: server-sent events unless a subclass says otherwise (Bedrock's binary
     * {@code application/vnd.amazon.eventstream}). Everything else (pause and resume, scrubbing, cancel, cut
     * detection) is the same for every framing.
     */
    protected Framing framing(SseParser.RangeListener events) {
        SseParser parser = new SseParser(events);
        return parser::feed;
    }

    @Override
    public final void start(ChunkSink sink) {
        this.sink = sink;
        String dialect = relayDialect();
        relaying = dialect != null && sink.takesRelayed(dialect);
        KeyScrubber.Events masks = scrubber.events(); // skips the start an event repeats from the last clean one
        Framing parser = framing((String event, byte[] data, int offset, int length) -> {
            if (finished) return;
            // the read's own copy of the bytes: masked before anything decodes, relays or logs them
            masks.scrub(data, offset, offset + length);
            unmasked = masks.original(); // null unless something was masked: no copy in the common case
            try {
                onEvent(event, data, offset, length);
            } finally {
                unmasked = null;
            }
        });
        Handler<Buffer> body = buf -> {
            if (finished) return; // bytes already in flight after a fail or cancel
            if (silence != null) silence.touch();
            try {
                parser.feed(buf);
            } catch (SseParser.TooLarge e) {
                fail(GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + endpoint.name() + " sent " + e.getMessage()
                        + "; the gateway stopped reading the stream."));
                return;
            } catch (RuntimeException | Error e) {
                // a decoder's (or a sink's) bug, an Error too: logged with its stack, then the stream ends with an error
                // event and settles, where a throw left here went to Vert.x's log and the stream stayed open for good; a
                // VirtualMachineError goes on up once the stream is failed
                logBug(e);
                fail(GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + endpoint.name() + " sent a stream frame that"
                        + " could not be read (" + e.getClass().getSimpleName() + "); the gateway stopped reading the stream."));
                if (e instanceof VirtualMachineError) throw e;
                return;
            }
            if (finished) return;
            sink.flush(); // everything this read carried goes out in one write
            // Backpressure once a read, not once an event: the sink writes only at a flush, so its queue cannot fill
            // between the events of one read, and a pause stops the next read, not the events of this one (the
            // parser hands them all over anyway). Asking per event cost two of Vert.x's locked calls an event.
            if (sink.writeQueueFull()) {
                pauseUpstream();
                sink.drainHandler(this::resumeUpstream);
            }
        };
        Handler<Void> end = v -> {
            if (finished) return;
            if (completeAtEndOfBody()) finish();
            else fail(GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + endpoint.name()
                    + " ended the stream before it was complete."));
        };
        if (!endedEarly) { // an ended response takes no handlers (Vert.x refuses them): nothing more can come
            upstream.handler(body);
            upstream.exceptionHandler(t -> fail((GatewayException) UpstreamErrors.scrubbed(
                    UpstreamHttp.networkFailure(FirstByteDeadlines.Entry.failure(silence, t), endpoint), scrubber)));
            upstream.endHandler(end);
            if (silence != null) silence.resume();
            // Vert.x hands what it held over in a task of its own, after the held pieces below; those may pause the
            // upstream again (a slow client), which this resume must not undo
            if (pausedEarly) upstream.resume();
        }
        if (early != null) { // what came before start, in order
            List<Buffer> held = early;
            early = null;
            for (Buffer piece : held) body.handle(piece);
        }
        if (endedEarly) end.handle(null);
    }

    private void pauseUpstream() {
        upstream.pause();
        if (silence != null) silence.pause();
    }

    private void resumeUpstream() {
        if (silence != null) silence.resume();
        upstream.resume();
    }

    /** Hands one decoded chunk on; the upstream handler asks for backpressure after the read. */
    protected final void emit(ChatChunk chunk) {
        if (finished) return;
        sink.chunk(chunk);
    }

    /** Hands one event on as the upstream sent it; only while {@link #relaying()}. */
    protected final void relay(dev.switchboard.model.RelayedEvent event) {
        if (finished) return;
        sink.relayed(event);
    }

    protected final void finish() {
        if (finished) return;
        beforeEnd();
        if (finished) return; // beforeEnd failed the stream (a failure the upstream said before its end)
        finished = true;
        sink.end();
    }

    /** What a stream sends last, when it completes (not when it fails): nothing, unless a provider holds something back. */
    protected void beforeEnd() {}

    protected final void fail(GatewayException e) {
        if (finished) return;
        finished = true;
        sink.fail(e);
        upstream.request().reset();
    }

    /** The event's data as JSON, or null after failing the stream when it is not JSON. */
    protected final com.fasterxml.jackson.databind.JsonNode json(byte[] data) {
        try {
            return Json.read(data);
        } catch (Exception e) {
            fail(GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + endpoint.name() + " sent a stream event that is not JSON."));
            return null;
        }
    }

    /**
     * A scanner for this stream's answer text across events: a key the upstream spreads over several deltas (a few
     * characters each) is masked from its 8th character on, which no per-event scan would see.
     */
    protected final KeyScrubber.Run textRun() { return scrubber.run(); }

    /**
     * {@link #textRun()} for a stream with several texts (reasoning, tool-call arguments, {@code n > 1} choices): one
     * running scan per text, so the pieces of one do not break a key run in another.
     */
    protected final KeyScrubber.Runs textRuns() { return scrubber.runs(); }

    /** {@link #textRun()} for a text streamed as JSON pieces (a tool call's arguments): masked inside its strings only. */
    protected final KeyScrubber.Run jsonRun() { return scrubber.jsonRun(); }

    /**
     * The data of the event being handled as the upstream sent it (all of it, from index 0), when the key scan masked
     * some of its bytes; null when it masked nothing (the data is then as sent). Only for {@link #textRun}: its scan
     * must see the answer text as sent (a {@code *} ends a run, so after a masked event a key's next pieces passed).
     * Nothing read from these bytes may go out but what the run scan returns; valid during {@code onEvent} only.
     */
    protected final byte[] unmasked() { return unmasked; }

    /** Fails the stream: an event that is JSON but not of the shape the provider's check expects. */
    protected final void failShape(String what) {
        fail(shapeError(what));
    }

    /** The failure of an event the gateway cannot use, naming this stream's deployment. */
    protected final GatewayException shapeError(String what) { return AnswerShape.event(endpoint.name(), scrubber.text(what)); }

    @Override
    public final void cancel() {
        if (finished) return;
        finished = true;
        upstream.request().reset(); // closes the HTTP/1.1 connection: the upstream stops generating
    }
}
