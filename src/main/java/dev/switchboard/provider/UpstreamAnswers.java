package dev.switchboard.provider;

import dev.switchboard.model.BufferBudget;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * What every provider does with an upstream answer: a 200 is decoded, any other status goes through the
 * provider's own error decoder, a body that cannot be read or decoded becomes a 502 naming the deployment.
 */
public final class UpstreamAnswers {
    private UpstreamAnswers() {}

    public interface BodyDecoder<T> {
        T decode(byte[] body) throws IOException;
    }

    public interface ErrorDecoder {
        GatewayException decode(HttpClientResponse resp, Buffer body);
    }

    /**
     * Encodes the request body, then sends it; an encoding failure (a request this provider cannot express)
     * becomes the failed future instead of an exception thrown at the caller.
     */
    public static <T> Future<T> encodeThen(Supplier<Buffer> encode, java.util.function.Function<Buffer, Future<T>> send) {
        Buffer body;
        try {
            body = encode.get();
        } catch (GatewayException e) {
            return Future.failedFuture(e);
        }
        return send.apply(body);
    }

    /** A whole (non-streamed) answer, read up to {@link BoundedBody#MAX_BYTES}, outside any gateway-wide bound. */
    public static <T> Future<T> read(HttpClientResponse resp, UpstreamHttp.Endpoint endpoint, ErrorDecoder errors,
                                     BodyDecoder<T> decode) {
        return read(resp, endpoint, BufferBudget.unbounded(), errors, decode);
    }

    /**
     * A whole (non-streamed) answer, read up to {@link BoundedBody#MAX_BYTES} and within the gateway-wide
     * {@code buffers} bound, which holds the bytes until the answer is decoded.
     */
    public static <T> Future<T> read(HttpClientResponse resp, UpstreamHttp.Endpoint endpoint, BufferBudget buffers,
                                     ErrorDecoder errors, BodyDecoder<T> decode) {
        BufferBudget.Lease lease = buffers.lease(); // released once the body is decoded (or failed)
        return BoundedBody.read(resp, endpoint, BoundedBody.MAX_BYTES, lease)
                .compose(body -> {
                    if (resp.statusCode() != 200) return Future.failedFuture(errors.decode(resp, body));
                    try {
                        return Future.succeededFuture(decode.decode(body.getBytes()));
                    } catch (Exception e) {
                        return Future.failedFuture(GatewayException.of(ErrorKind.UPSTREAM,
                                "Upstream " + endpoint.display() + " answered with a body that is not valid JSON."));
                    }
                })
                .andThen(ar -> lease.close());
    }

    /** A streamed answer: the stream on 200 (nothing read yet), else the decoded error. */
    public static Future<ChatStream> stream(HttpClientResponse resp, UpstreamHttp.Endpoint endpoint, ErrorDecoder errors,
                                            Supplier<ChatStream> stream) {
        return stream(resp, endpoint, BufferBudget.unbounded(), errors, stream);
    }

    /** The same, an error body read within the gateway-wide {@code buffers} bound. */
    public static Future<ChatStream> stream(HttpClientResponse resp, UpstreamHttp.Endpoint endpoint, BufferBudget buffers,
                                            ErrorDecoder errors, Supplier<ChatStream> stream) {
        if (resp.statusCode() != 200) {
            BufferBudget.Lease lease = buffers.lease();
            return BoundedBody.read(resp, endpoint, BoundedBody.MAX_BYTES, lease)
                    .compose(b -> Future.<ChatStream>failedFuture(errors.decode(resp, b)))
                    .andThen(ar -> lease.close());
        }
        return Future.succeededFuture(stream.get());
    }
}
