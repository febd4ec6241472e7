package dev.switchboard.provider;

import dev.switchboard.model.BufferBudget;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * Reads a whole upstream body, but no more than {@link #MAX_BYTES}: Vert.x's {@code body()} buffers whatever
 * comes, and one misbehaving upstream (an embeddings server asked for 100 million dimensions sent 1.1 GB)
 * took the gateway's memory to 6.4 GB. Past the cap the answer is a 502 naming the deployment and the
 * upstream request is reset, so the rest is neither read nor generated.
 */
final class BoundedBody {
    /** Far above any real answer (a large batch of embeddings is a few MiB), far below what hurts the gateway. */
    static final int MAX_BYTES = 64 << 20;

    private BoundedBody() {}

    static Future<Buffer> read(HttpClientResponse resp, UpstreamHttp.Endpoint endpoint) {
        return read(resp, endpoint, MAX_BYTES, BufferBudget.unbounded().lease());
    }

    /**
     * @param lease the gateway-wide {@link BufferBudget} share this body grows in; past the bound the answer is a 503
     *     naming the cause and the upstream request is reset. The caller closes the lease once the body is decoded.
     */
    private static final long PRESIZE_MAX = 64 * 1024;

    /** A Content-Length of digits only (below 10^18), else -1 (none, or not a number: the reading bounds it anyway). */
    static long declaredLength(String declared) {
        if (declared == null || declared.isEmpty() || declared.length() >= 19) return -1;
        long n = 0;
        for (int i = 0; i < declared.length(); i++) {
            char c = declared.charAt(i);
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n;
    }

    static Future<Buffer> read(HttpClientResponse resp, UpstreamHttp.Endpoint endpoint, int maxBytes, BufferBudget.Lease lease) {
        Promise<Buffer> done = Promise.promise();
        read(resp, endpoint, maxBytes, lease, done);
        return done.future();
    }

    /**
     * {@link #read(HttpClientResponse, UpstreamHttp.Endpoint, int, BufferBudget.Lease)} with the body or the failure
     * handed to {@code then} once (the first outcome; what comes after it is ignored, as a promise's tryComplete /
     * tryFail did), where a caller that only passed the body on made a promise and a listener of its own per answer.
     */
    static void read(HttpClientResponse resp, UpstreamHttp.Endpoint endpoint, int maxBytes, BufferBudget.Lease lease,
                     io.vertx.core.Completable<Buffer> then) {
        long declared = declaredLength(resp.getHeader("content-length"));
        if (declared > maxBytes) {
            resp.request().reset(); // refused before a byte is read
            then.fail(tooLarge(endpoint, maxBytes));
            return;
        }
        FirstByteDeadlines.Entry silence = FirstByteDeadlines.claim(resp); // the call's timeout between reads
        Reader reader = new Reader(resp, endpoint, maxBytes, lease, declared, silence, then);
        resp.handler(reader);
        resp.exceptionHandler(t -> reader.fail(UpstreamHttp.networkFailure(FirstByteDeadlines.Entry.failure(silence, t), endpoint)));
        resp.endHandler(v -> reader.end());
    }

    /**
     * The body's reader. The usual answer (a Content-Length and all of it in one read) arrives as one piece that holds
     * exactly the body: that piece is the body, kept as it came (Vert.x's own heap copy, which no one else holds), not
     * copied into a buffer of our own. Otherwise the pieces are appended into one buffer, sized for a small declared
     * length so they are appended without growing (and copying) it again; a large one grows as bytes arrive, so memory
     * is only taken for bytes the buffer budget has counted.
     */
    private static final class Reader implements io.vertx.core.Handler<Buffer> {
        private final HttpClientResponse resp;
        private final UpstreamHttp.Endpoint endpoint;
        private final int maxBytes;
        private final BufferBudget.Lease lease;
        private final long declared;
        private final FirstByteDeadlines.Entry silence;
        private final io.vertx.core.Completable<Buffer> done;
        /** Whether the outcome was handed on: nothing after it counts. */
        private boolean finished;
        /** What arrived so far: null before the first piece; the first piece itself while it is the only one. */
        private Buffer body;
        /** Whether {@link #body} is a buffer of our own that further pieces are appended to. */
        private boolean appending;

        Reader(HttpClientResponse resp, UpstreamHttp.Endpoint endpoint, int maxBytes, BufferBudget.Lease lease, long declared,
               FirstByteDeadlines.Entry silence, io.vertx.core.Completable<Buffer> done) {
            this.resp = resp;
            this.endpoint = endpoint;
            this.maxBytes = maxBytes;
            this.lease = lease;
            this.declared = declared;
            this.silence = silence;
            this.done = done;
        }

        @Override
        public void handle(Buffer chunk) {
            if (finished) return;
            if (silence != null) silence.touch();
            int have = body == null ? 0 : body.length();
            if (have + chunk.length() > maxBytes) {
                fail(tooLarge(endpoint, maxBytes)); // first: the reset's own exception must not be the answer
                resp.request().reset();
                return;
            }
            if (!lease.grow(chunk.length())) {
                fail(lease.budget().exhausted("an answer of " + endpoint.name()));
                resp.request().reset();
                return;
            }
            if (body == null && chunk.length() == declared) { // the whole body in one piece: it is the body
                body = chunk;
                return;
            }
            if (!appending) {
                Buffer own = declared > 0 && declared <= PRESIZE_MAX ? Buffer.buffer((int) Math.max(declared, have + chunk.length()))
                        : Buffer.buffer();
                if (body != null) own.appendBuffer(body);
                body = own;
                appending = true;
            }
            body.appendBuffer(chunk);
        }

        /** The body read (empty when no byte came). */
        Buffer body() { return body == null ? Buffer.buffer() : body; }

        /** The body ended: it is the outcome, unless a failure came first. */
        void end() {
            if (finished) return;
            finished = true;
            done.succeed(body());
        }

        /** The read failed: the outcome, unless one came first. */
        void fail(Throwable failure) {
            if (finished) return;
            finished = true;
            done.fail(failure);
        }
    }

    private static GatewayException tooLarge(UpstreamHttp.Endpoint endpoint, int maxBytes) {
        return GatewayException.of(ErrorKind.UPSTREAM, "Upstream " + endpoint.name() + " sent an answer larger than "
                + (maxBytes >> 20) + " MiB; the gateway stopped reading it.");
    }
}
