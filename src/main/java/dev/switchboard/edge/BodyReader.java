package dev.switchboard.edge;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body up to a limit. A declared Content-Length over the limit is refused before a byte is
 * read; a chunked body is refused the moment it passes the limit, so a huge upload never sits in memory.
 */
public final class BodyReader {
    private BodyReader() {}

    public static Future<Buffer> read(HttpServerRequest req, long maxBytes) {
        String declared = req.getHeader("content-length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > maxBytes) return Future.failedFuture(tooLarge(maxBytes));
            } catch (NumberFormatException e) {
                return Future.failedFuture(GatewayException.badRequest("Invalid Content-Length header.", null));
            }
        }
        Promise<Buffer> promise = Promise.promise();
        int initial = declared == null ? 1024 : (int) Math.min(Long.parseLong(declared.trim()), maxBytes);
        Buffer body = Buffer.buffer(Math.max(initial, 16));
        req.handler(chunk -> {
            if (promise.future().isComplete()) return;
            if (body.length() + chunk.length() > maxBytes) {
                promise.tryFail(tooLarge(maxBytes));
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> promise.tryComplete(body));
        req.exceptionHandler(promise::tryFail);
        req.resume();
        return promise.future();
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
