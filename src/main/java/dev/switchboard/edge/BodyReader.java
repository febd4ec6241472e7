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
        String declared = req.getHeader(RequestHeaderNames.CONTENT_LENGTH);
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > maxBytes) return Future.failedFuture(tooLarge(maxBytes));
            } catch (NumberFormatException e) {
                return Future.failedFuture(GatewayException.badRequest("Invalid Content-Length header.", null));
            }
        }
        Promise<Buffer> promise = Promise.promise();
        long initial = declared == null ? 1024 : Math.min(Long.parseLong(declared.trim()), MAX_INITIAL_CAPACITY);
        Buffer body = Buffer.buffer((int) Math.max(initial, 16));
        req.handler(chunk -> {
            if (promise.future().isComplete()) return;
            if (body.length() + chunk.length() > maxBytes) {
                promise.tryFail(tooLarge(maxBytes));
                return;
            }
            if (!lease.grow(chunk.length())) {
                promise.tryFail(lease.budget().exhausted("a request body"));
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> promise.tryComplete(body));
        req.exceptionHandler(t -> promise.tryFail(t instanceof io.vertx.core.http.HttpClosedException
                ? new ClientGone(t)
                // the HTTP decoder's own complaint (a bad chunk size, …): the client's fault, not ours
                : GatewayException.badRequest("The request body could not be read: " + t.getMessage(), null)));
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
