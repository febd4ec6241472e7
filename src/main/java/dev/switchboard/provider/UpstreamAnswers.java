package dev.switchboard.provider;

import dev.switchboard.model.BufferBudget;
import dev.switchboard.model.ChatStream;
import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
     * becomes the failed future instead of an exception thrown at the caller. So does anything else either step throws,
     * an {@link Error} included (a stack overflow on a deep body, a bug): before 2026-12-07's thirty-ninth session only a
     * {@link GatewayException} was caught, and an Error thrown past the router's {@code catch (RuntimeException)} left
     * the request unanswered. As a failed future the router holds it for a bug of the deployment's (no retry there, a
     * fallback may answer) and the edge answers a 500 in the caller's dialect, logged with the request id
     * ({@code DialectCall.fail}).
     */
    public static <T> Future<T> encodeThen(Supplier<Buffer> encode, java.util.function.Function<Buffer, Future<T>> send) {
        Buffer body;
        try {
            body = encode.get();
        } catch (RuntimeException | Error e) { // a GatewayException (a request it cannot express) or a bug
            return Future.failedFuture(e);
        }
        try {
            Future<T> sent = send.apply(body);
            return sent != null ? sent : Future.failedFuture(new IllegalStateException("no call was made"));
        } catch (RuntimeException | Error e) {
            return Future.failedFuture(e);
        }
    }

    /**
     * A whole (non-streamed) answer, read up to {@link BoundedBody#MAX_BYTES}. Every byte is scanned for key runs
     * before anything reads it (a success's text and model as much as an error). A 200 that carries
     * {@code {"error":…}} goes to the error decoder (reported as the upstream's error, not as bad JSON); a 200 of
     * the wrong shape (the decoder's {@link AnswerShape.Wrong}) is a 502 naming the deployment. The bytes count
     * against the gateway-wide {@code buffers} bound until the answer is decoded.
     */
    public static <T> Future<T> read(HttpClientResponse resp, UpstreamHttp.Endpoint endpoint, BufferBudget buffers,
                                     ErrorDecoder errors, KeyScrubber scrubber, BodyDecoder<T> decode) {
        Promise<T> answer = Promise.promise();
        read(resp, endpoint, buffers, errors, scrubber, decode, answer);
        return answer.future();
    }

    /**
     * {@link #read(HttpClientResponse, UpstreamHttp.Endpoint, BufferBudget, ErrorDecoder, KeyScrubber, BodyDecoder)}
     * of the answer {@code sent} completes with: the call's one future, where {@code sent.compose(resp -> read(…))} made a
     * composition and the body's own promise besides, each completed and listened to on every answer. A failure of
     * {@code sent}, or anything {@code read} throws, fails it as the compose did.
     */
    public static <T> Future<T> readAnswer(Future<HttpClientResponse> sent, UpstreamHttp.Endpoint endpoint, BufferBudget buffers,
                                           ErrorDecoder errors, KeyScrubber scrubber, BodyDecoder<T> decode) {
        Promise<T> answer = Promise.promise();
        sent.onComplete((resp, failure) -> {
            if (failure != null) {
                answer.fail(failure);
                return;
            }
            try {
                read(resp, endpoint, buffers, errors, scrubber, decode, answer);
            } catch (RuntimeException | Error e) {
                // what the compose turned into the failure (an Error too: else the answer never completes); thrown on
                // when the answer was out already (a listener's own)
                if (!answer.tryFail(e)) throw e;
            }
        });
        return answer.future();
    }

    private static <T> void read(HttpClientResponse resp, UpstreamHttp.Endpoint endpoint, BufferBudget buffers,
                                 ErrorDecoder errors, KeyScrubber scrubber, BodyDecoder<T> decode, Promise<T> answer) {
        BufferBudget.Lease lease = buffers.lease(); // released once the body is decoded (or failed)
        // the body's outcome decoded straight into the answer: no recover / compose / andThen, and no promise of its own
        BoundedBody.read(resp, endpoint, BoundedBody.MAX_BYTES, lease, (raw, readFailure) -> {
            Throwable failure;
            T decoded = null;
            try {
                if (readFailure != null) {
                    failure = UpstreamErrors.scrubbed(readFailure, scrubber);
                } else {
                    // one copy of the answer, scrubbed in place, for the decoder and (wrapped) for an error's text
                    byte[] bytes = exactBytes(raw);
                    Buffer body = scrubber.scrubInPlace(bytes) ? Json.wrap(bytes) : raw;
                    if (resp.statusCode() != 200) {
                        failure = WrongAddress.explain(resp, body, endpoint, errors.decode(resp, body));
                    } else {
                        try {
                            decoded = decode.decode(bytes);
                            failure = null;
                        } catch (Exception e) {
                            failure = undecodable(resp, body, endpoint, errors, e);
                        }
                    }
                }
            } catch (RuntimeException | Error e) {
                // an error decoder that threw, or an Error decoding (a stack overflow on a deeply nested body): the call
                // fails, as a compose would have made it; thrown out of this callback, it would never be answered
                failure = e;
            } finally {
                lease.close(); // before the answer goes on, as before: the bytes are decoded (or given up)
            }
            if (failure != null) answer.fail(failure);
            else answer.complete(decoded);
        });
    }

    /**
     * The body's bytes as one array: the buffer's own when it holds exactly the body (it was sized by the answer's
     * Content-Length, the usual case), else a copy. The buffer is this read's alone, so scrubbing the array in place
     * scrubs the buffer too.
     */
    static byte[] exactBytes(Buffer raw) {
        if (raw instanceof io.vertx.core.internal.buffer.BufferInternal b) {
            io.netty.buffer.ByteBuf bytes = b.getByteBuf();
            if (bytes.hasArray() && bytes.arrayOffset() == 0 && bytes.readerIndex() == 0
                    && bytes.array().length == raw.length()) return bytes.array();
        }
        return raw.getBytes();
    }

    private static GatewayException undecodable(HttpClientResponse resp, Buffer body, UpstreamHttp.Endpoint endpoint,
                                                ErrorDecoder errors, Exception e) {
        com.fasterxml.jackson.databind.JsonNode n;
        try {
            n = Json.read(body);
        } catch (Exception notJson) {
            n = null;
        }
        if (AnswerShape.isErrorBody(n)) return errors.decode(resp, body);
        if (e instanceof GatewayException named) return named; // the decoder named the failure itself (a failed finish)
        if (e instanceof AnswerShape.Wrong w) return AnswerShape.answer(endpoint.name(), w.getMessage());
        if (n != null) return AnswerShape.answer(endpoint.name(), "it could not be read (" + n.getNodeType().name().toLowerCase() + ")");
        return GatewayException.of(ErrorKind.UPSTREAM,
                "Upstream " + endpoint.name() + " answered with a body that is not valid JSON.");
    }

    /** A streamed answer: the stream on 200 (nothing read yet), else the decoded (scrubbed) error. */
    public static Future<ChatStream> stream(HttpClientResponse resp, UpstreamHttp.Endpoint endpoint, BufferBudget buffers,
                                            ErrorDecoder errors, KeyScrubber scrubber, Supplier<ChatStream> stream) {
        if (resp.statusCode() != 200) {
            BufferBudget.Lease lease = buffers.lease();
            return BoundedBody.read(resp, endpoint, BoundedBody.MAX_BYTES, lease)
                    .recover(t -> Future.failedFuture(UpstreamErrors.scrubbed(t, scrubber)))
                    .compose(b -> {
                        Buffer body = scrubber.buffer(b);
                        return Future.<ChatStream>failedFuture(WrongAddress.explain(resp, body, endpoint, errors.decode(resp, body)));
                    })
                    .andThen(ar -> lease.close());
        }
        return Future.succeededFuture(stream.get());
    }
}
