package dev.switchboard.edge;

import dev.switchboard.model.BufferBudget;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body up to a limit and within a deadline. A declared Content-Length over the limit is
 * refused before a byte is read; a chunked body is refused the moment it passes the limit, so a huge upload
 * never sits in memory; memory grows only with the bytes that actually arrive (a client that declares 10 MiB
 * and sends nothing holds next to none); and a body still incomplete after the deadline is
 * answered 408, so stalled uploads cannot pile up. Failures are {@link GatewayException}s, except a client
 * that left mid-body: that is {@link ClientGone}, which nobody can be answered about.
 *
 * <p>A body sent with {@code Content-Encoding: gzip} or {@code deflate} (as OpenAI's and Anthropic's APIs take them) is
 * inflated once it is whole, and the limit holds for what it inflates to as well: inflation stops at the limit's first
 * byte past it (413), so a small bomb costs no more than a body of the limit. Any other coding ({@code br}, {@code zstd},
 * a list of codings) is 415 naming it, with {@code Accept-Encoding} saying what is taken: read as plain JSON it gave a
 * JSON syntax error that sent the user looking for a bug in their JSON, or was served as if it were uncompressed.
 */
public final class BodyReader {
    /** The most a declared Content-Length reserves up front; past it the buffer grows as bytes arrive. */
    private static final int MAX_INITIAL_CAPACITY = 64 * 1024;

    /** The client closed the connection before its body was complete. */
    public static final class ClientGone extends RuntimeException {
        ClientGone(Throwable cause) { super("client closed the connection mid-body", cause, false, false); }
    }

    private BodyReader() {}

    /** @param deadlineMillis how long the whole body may take to arrive (loopback clients need milliseconds) */
    public static Future<Buffer> read(HttpServerRequest req, long maxBytes, long deadlineMillis) {
        return read(req, maxBytes, deadlineMillis, BufferBudget.unbounded().lease());
    }

    /**
     * @param lease the process-wide {@link BufferBudget} share the body's bytes are counted in as they arrive; when the
     *     bound refuses them the answer is its 503. The caller closes the lease when the body is no longer needed.
     */
    public static Future<Buffer> read(HttpServerRequest req, long maxBytes, long deadlineMillis, BufferBudget.Lease lease) {
        String coding = req.getHeader(RequestHeaderNames.CONTENT_ENCODING);
        Coding decode = coding == null ? Coding.IDENTITY : Coding.of(coding);
        if (decode == null) return Future.failedFuture(unsupportedCoding(coding));
        String declared = req.getHeader(RequestHeaderNames.CONTENT_LENGTH);
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > maxBytes) return Future.failedFuture(tooLarge(maxBytes));
            } catch (NumberFormatException e) {
                return Future.failedFuture(GatewayException.badRequest("Invalid Content-Length header.", null));
            }
        }
        Promise<Buffer> promise = Promise.promise();
        long length = declared == null ? -1 : Long.parseLong(declared.trim());
        CountedBody body = new CountedBody(length < 0 ? 1024 : Math.min(length, MAX_INITIAL_CAPACITY), length, maxBytes, lease);
        req.handler(chunk -> {
            if (promise.future().isComplete()) return;
            if (body.length() + chunk.length() > maxBytes) {
                promise.tryFail(tooLarge(maxBytes));
                return;
            }
            if (!body.append(chunk)) promise.tryFail(lease.budget().exhausted("a request body"));
        });
        req.endHandler(v -> {
            if (decode == Coding.IDENTITY || promise.future().isComplete()) {
                promise.tryComplete(body.buffer());
                return;
            }
            try {
                promise.tryComplete(inflate(body.buffer(), decode, maxBytes, lease));
            } catch (GatewayException e) {
                promise.tryFail(e);
            }
        });
        req.exceptionHandler(t -> promise.tryFail(t instanceof io.vertx.core.http.HttpClosedException
                ? new ClientGone(t)
                // the HTTP decoder's own complaint (a bad chunk size, …): the client's fault, not ours
                : GatewayException.badRequest("The request body could not be read: " + t.getMessage(), null)));
        // The request is acceptable so far (its caller authenticated it; coding and declared size are fine): a client
        // that asked to be told so before it sends the body (curl does for bodies over 1 MB) is told now, instead of
        // waiting its own timeout (curl: 1 s a call; QA hardening F3). Refusals above answered at once instead.
        if (req.version() == io.vertx.core.http.HttpVersion.HTTP_1_1) {
            String expect = req.getHeader(io.vertx.core.http.HttpHeaders.EXPECT);
            if (expect != null && expect.equalsIgnoreCase("100-continue")) req.response().writeContinue();
        }
        req.resume();
        // One timer per event loop for every body's deadline (BodyDeadlines), not one per request.
        if (!promise.future().isComplete()) {
            BodyDeadlines.Entry deadline = BodyDeadlines.current(io.vertx.core.Vertx.currentContext().owner()).add(deadlineMillis,
                    () -> promise.tryFail(new GatewayException(ErrorKind.BAD_REQUEST, 408, "The request body did not arrive within "
                            + (deadlineMillis % 1000 == 0 ? deadlineMillis / 1000 + " s." : deadlineMillis + " ms."), null,
                            "request_timeout", null, null)));
            promise.future().onComplete(ar -> deadline.done());
        }
        return promise.future();
    }

    /**
     * A body's buffer counted in the buffer bound by its capacity, not by the bytes it holds: a buffer that doubles
     * as bytes arrive holds up to twice them, and while it is copied into the larger one both are live (an 8 MB body
     * grew through 4 and 8 MiB arrays). It grows under its own control: to the declared Content-Length at once when
     * the body outgrows the first 64 KiB (the client is really sending it; one allocation, no copies after), else by
     * doubling; the larger buffer is reserved before it is allocated, and the smaller one given back once copied.
     */
    private static final class CountedBody {
        private final long declared;
        private final long maxBytes;
        private final BufferBudget.Lease lease;
        private Buffer buffer;
        private long capacity;
        /** The bound had no room even for the first buffer: the first chunk is refused. */
        private final boolean full;

        CountedBody(long initial, long declared, long maxBytes, BufferBudget.Lease lease) {
            this.declared = declared;
            this.maxBytes = maxBytes;
            this.lease = lease;
            this.capacity = Math.max(initial, 16);
            this.buffer = Buffer.buffer((int) capacity);
            this.full = !lease.grow(capacity); // at most 64 KiB
        }

        int length() { return buffer.length(); }

        Buffer buffer() { return buffer; }

        /** @return false when the bound refused the larger buffer this chunk needs (nothing appended) */
        boolean append(Buffer chunk) {
            if (full) return false;
            long need = (long) buffer.length() + chunk.length();
            if (need > capacity) {
                long next = declared >= need ? declared : Math.min(Math.max(need, 2 * capacity), Math.max(need, maxBytes));
                if (!lease.grow(next)) return false;
                Buffer larger = Buffer.buffer((int) next);
                larger.appendBuffer(buffer);
                lease.shrink(capacity);
                buffer = larger;
                capacity = next;
            }
            buffer.appendBuffer(chunk);
            return true;
        }
    }

    /**
     * A body's bytes as one array: the buffer's own when it holds exactly the body (it was sized by the request's
     * Content-Length, the usual case), else a copy. For a body read here, which nothing writes to once it is whole.
     */
    public static byte[] bytes(Buffer body) {
        if (body instanceof io.vertx.core.internal.buffer.BufferInternal b) {
            io.netty.buffer.ByteBuf buf = b.getByteBuf();
            if (buf.hasArray() && buf.arrayOffset() == 0 && buf.readerIndex() == 0
                    && buf.array().length == body.length()) return buf.array();
        }
        return body.getBytes();
    }

    /** The content codings a body may come in. */
    enum Coding {
        IDENTITY, GZIP, DEFLATE;

        /** The coding a {@code Content-Encoding} value names, or null for one we do not take (or several). */
        static Coding of(String header) {
            String c = header.trim();
            if (c.isEmpty() || c.equalsIgnoreCase("identity")) return IDENTITY;
            if (c.equalsIgnoreCase("gzip") || c.equalsIgnoreCase("x-gzip")) return GZIP;
            if (c.equalsIgnoreCase("deflate")) return DEFLATE;
            return null;
        }
    }

    /** What {@code Accept-Encoding} on a 415 lists (RFC 9110 15.5.16). */
    static final String ACCEPTED_CODINGS = "gzip, deflate, identity";

    private static GatewayException unsupportedCoding(String coding) {
        return new GatewayException(ErrorKind.BAD_REQUEST, 415, "Unsupported Content-Encoding '"
                + BrowserGuard.printable(coding) + "': send the body uncompressed, or compressed with gzip or deflate.",
                null, "unsupported_media_type", null, null).withHeaders(java.util.Map.of("accept-encoding", ACCEPTED_CODINGS));
    }

    /**
     * The body a gzip or deflate body inflates to, at most {@code maxBytes} (413 past it), its bytes counted in the lease
     * as they are made. Deflate is zlib-wrapped as RFC 9110 says; a raw deflate stream, which some clients send, is taken too.
     */
    static Buffer inflate(Buffer compressed, Coding coding, long maxBytes, BufferBudget.Lease lease) {
        byte[] in = compressed.getBytes();
        try {
            return inflate(in, coding, maxBytes, lease, false);
        } catch (java.util.zip.ZipException e) {
            if (coding == Coding.DEFLATE) {
                try {
                    return inflate(in, coding, maxBytes, lease, true);
                } catch (java.io.IOException again) {
                    // the first complaint is the one to show
                }
            }
            throw corrupt(coding, e);
        } catch (java.io.IOException e) {
            throw corrupt(coding, e);
        }
    }

    private static Buffer inflate(byte[] in, Coding coding, long maxBytes, BufferBudget.Lease lease, boolean raw) throws java.io.IOException {
        java.io.InputStream src = new java.io.ByteArrayInputStream(in);
        java.util.zip.Inflater inflater = coding == Coding.GZIP ? null : new java.util.zip.Inflater(raw);
        try (java.io.InputStream z = coding == Coding.GZIP ? new java.util.zip.GZIPInputStream(src, 8192)
                : new java.util.zip.InflaterInputStream(src, inflater, 8192)) {
            Buffer out = Buffer.buffer((int) Math.min(maxBytes, Math.max(1024L, in.length * 4L)));
            byte[] chunk = new byte[8192];
            for (int n; (n = z.read(chunk)) > 0; ) {
                if (out.length() + n > maxBytes) throw tooLarge(maxBytes, true);
                if (!lease.grow(n)) throw lease.budget().exhausted("a request body");
                out.appendBytes(chunk, 0, n);
            }
            return out;
        } catch (java.io.EOFException e) {
            throw new java.util.zip.ZipException("the data ends early");
        } finally {
            if (inflater != null) inflater.end();
        }
    }

    private static GatewayException corrupt(Coding coding, Exception e) {
        return GatewayException.badRequest("The body is declared Content-Encoding: " + coding.name().toLowerCase(java.util.Locale.ROOT)
                + " but could not be inflated" + (e.getMessage() == null ? "" : " (" + BrowserGuard.printable(e.getMessage()) + ")")
                + ". Send the body uncompressed, or as that coding's data.", null);
    }

    private static GatewayException tooLarge(long max, boolean inflated) {
        if (!inflated) return tooLarge(max);
        return new GatewayException(ErrorKind.PAYLOAD_TOO_LARGE, 413, "Request body too large once inflated: the limit is "
                + size(max) + " (general_settings.max_request_size_mb), for the body as sent and as it inflates.", null,
                "request_too_large", null, null);
    }

    private static GatewayException tooLarge(long max) {
        return new GatewayException(ErrorKind.PAYLOAD_TOO_LARGE, 413, "Request body too large: the limit is "
                + size(max) + " (general_settings.max_request_size_mb).", null,
                "request_too_large", null, null);
    }

    /**
     * A limit in the largest unit that keeps it at 1 or more ({@code 10 MiB}, {@code 512 KiB}, {@code 800 bytes}),
     * one decimal at most; the exact bytes follow when rounding changed the number, so a limit set as a
     * fraction of a MiB never reads as "0 MiB".
     */
    static String size(long bytes) {
        if (bytes < 1024) return bytes + (bytes == 1 ? " byte" : " bytes");
        long unit = bytes < 1024 * 1024 ? 1024 : 1024 * 1024;
        double rounded = Math.round(bytes * 10.0 / unit) / 10.0;
        String number = rounded == Math.rint(rounded) ? Long.toString((long) rounded) : Double.toString(rounded);
        String shown = number + (unit == 1024 ? " KiB" : " MiB");
        return rounded * unit == bytes ? shown : shown + " (" + bytes + " bytes)";
    }
}
