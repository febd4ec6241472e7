package dev.switchboard.edge.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A CSV file ({@link RequestsCsv}) sent as its rows are read: the read runs on a worker (keyset pages, each a short
 * transaction ended before its rows are handed on, so a slow client holds no snapshot or connection)
 * and hands the file on in chunks of about {@value #CHUNK_CHARS} characters, each written on the response's event loop;
 * while the response's write queue is full (a slow client) the worker waits for its drain, so the rows read ahead of
 * the client are bounded (a chunk being built, one over Netty's high-water mark, the socket's buffers), not the whole
 * file in memory, and the first bytes leave before the last row is read. The headers go with the first chunk: a read
 * that fails before it is answered as an error (the caller's {@code fail}), one that fails after it resets the
 * connection, so a cut file never looks complete. A client gone, one that takes nothing for {@value #STALL_MILLIS} ms,
 * or a download not sent whole within {@value #DEADLINE_MILLIS} ms of its start (a client taking one chunk a minute
 * would otherwise hold a worker for hours) ends the read and resets the connection; the last chunk's {@code end} is held to the same limits.
 */
final class CsvDownload {
    static final int CHUNK_CHARS = 64 * 1024;
    /** How long the read waits for a client that reads nothing before it gives up (it holds a worker meanwhile). */
    static final long STALL_MILLIS = 60_000;
    /** The most a whole download may take, from its start to its last byte. */
    static final long DEADLINE_MILLIS = 5 * 60_000;

    /** The rows, read in order and handed to {@code row}; returns whether more matched than the file holds. Blocking. */
    interface Rows {
        boolean read(Consumer<JsonNode> row);
    }

    /** The client went away or stalled: the read stops here. */
    static final class Gone extends RuntimeException {
        Gone(String message) { super(message, null, false, false); }
    }

    private final Context loop;
    private final HttpServerResponse resp;
    private final Consumer<HttpServerResponse> headers;
    private final long stallMillis;
    /** System.nanoTime() by which the last byte has gone, or the download is cut. */
    private final long deadlineNanos;
    /** The drain the worker waits for; completed exceptionally when the client goes away. Set on the loop. */
    private volatile CompletableFuture<Void> writable;
    private volatile boolean gone;

    private CsvDownload(Context loop, HttpServerResponse resp, Consumer<HttpServerResponse> headers, long stallMillis,
                        long deadlineMillis) {
        this.loop = loop;
        this.resp = resp;
        this.headers = headers;
        this.stallMillis = stallMillis;
        this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
    }

    /** How long the next wait may last: the stall limit, or less when the whole download's deadline is nearer. */
    private long waitMillis() {
        return Math.max(0, Math.min(stallMillis, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
    }

    /**
     * Sends the file; call on the response's event loop. The future completes once the last byte has gone to the socket
     * ({@code end}'s future), or fails: the client went away or stalled, the read failed, the write failed. Either way
     * nothing of this download runs any more when it completes.
     *
     * @param cap     the most rows the file holds ({@link RequestsCsv#RequestsCsv})
     * @param headers sets the file's headers (content type, disposition), called once before its first byte
     * @param fail    answers a read that failed before any byte was sent (an error in the caller's dialect)
     */
    static Future<Void> send(Context loop, HttpServerResponse resp, long cap, Rows rows, Consumer<HttpServerResponse> headers,
                             BiConsumer<HttpServerResponse, Throwable> fail) {
        return send(loop, resp, cap, rows, headers, fail, STALL_MILLIS, DEADLINE_MILLIS);
    }

    static Future<Void> send(Context loop, HttpServerResponse resp, long cap, Rows rows, Consumer<HttpServerResponse> headers,
                             BiConsumer<HttpServerResponse, Throwable> fail, long stallMillis, long deadlineMillis) {
        CsvDownload d = new CsvDownload(loop, resp, headers, stallMillis, deadlineMillis);
        resp.closeHandler(v -> d.closed());
        Promise<Void> done = Promise.promise();
        loop.executeBlocking(() -> {
            RequestsCsv csv = new RequestsCsv(cap);
            boolean more = rows.read(r -> {
                csv.row(r);
                if (csv.pending() >= CHUNK_CHARS) d.write(csv.take());
            });
            return csv.finish(more);
        }, false).onComplete(ar -> {
            // whatever throws in here (the caller's fail, a header) still completes done: the caller's one-download
            // flag is cleared by it, and one left set would refuse every download until a restart
            try {
                if (ar.failed()) {
                    if (!resp.closed()) {
                        if (resp.headWritten()) resp.reset(); // a cut file must not look whole: the connection is closed
                        else fail.accept(resp, ar.cause());
                    }
                    done.tryFail(ar.cause());
                } else if (resp.closed()) {
                    done.tryFail(new Gone("the client went away"));
                } else {
                    d.end(ar.result(), done);
                }
            } catch (Throwable t) {
                if (!resp.closed() && resp.headWritten()) resp.reset();
                done.tryFail(t);
            }
        });
        return done.future();
    }

    /**
     * On the loop: the last chunk, and {@code done} once it has gone to the socket; a client that has not taken it
     * within the stall limit or by the download's deadline gets a reset (and done fails), as in {@link #write}.
     */
    private void end(Buffer last, Promise<Void> done) {
        head();
        long timer = loop.owner().setTimer(Math.max(1, waitMillis()), t -> {
            if (done.tryFail(new Gone("the client did not take the file's end in time"))) resp.reset();
        });
        resp.end(last).onComplete(end -> {
            loop.owner().cancelTimer(timer);
            if (end.succeeded()) done.tryComplete();
            else done.tryFail(end.cause());
        });
    }

    /** On the loop: the connection closed; a worker waiting for a drain stops. */
    private void closed() {
        gone = true;
        CompletableFuture<Void> w = writable;
        if (w != null) w.completeExceptionally(new Gone("the client went away"));
    }

    /**
     * On the loop: the headers, before the first byte. Chunked only when a chunk goes before the end ({@link #write}):
     * a file sent by {@code end} alone keeps its Content-Length.
     */
    private void head() {
        if (resp.headWritten()) return;
        headers.accept(resp);
    }

    /** On the worker: hands a chunk to the loop and waits until the response takes more (its write queue drained). */
    private void write(Buffer chunk) {
        if (gone) throw new Gone("the client went away");
        CompletableFuture<Void> ready = new CompletableFuture<>();
        writable = ready;
        loop.runOnContext(v -> {
            if (gone || resp.closed()) {
                ready.completeExceptionally(new Gone("the client went away"));
                return;
            }
            if (!resp.headWritten()) {
                head();
                resp.setChunked(true);
            }
            resp.write(chunk);
            if (!resp.writeQueueFull()) {
                ready.complete(null);
            } else {
                resp.drainHandler(x -> {
                    resp.drainHandler(null);
                    ready.complete(null);
                });
            }
        });
        long wait = waitMillis();
        try {
            ready.get(wait, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new Gone(wait < stallMillis ? "the download was not sent by its deadline"
                    : "the client read nothing for " + stallMillis + " ms");
        } catch (ExecutionException e) {
            throw new Gone("the client went away");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Gone("interrupted");
        }
    }
}
