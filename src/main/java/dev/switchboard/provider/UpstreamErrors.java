package dev.switchboard.provider;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;
import io.vertx.core.buffer.Buffer;

/**
 * Turns a provider's error answer into what our caller sees: a 4xx passes through with its own status,
 * message, type, param and code (it is about the request, so the client must see it); 5xx and the
 * provider-specific overload codes become 502/503, naming the deployment.
 *
 * <p>This is the one place every provider's error decoder (status answers and mid-stream error events alike)
 * ends up, so it is where every string of upstream origin is scrubbed of the provider key: an upstream may echo
 * the key it received in any field, not only the message.
 */
public final class UpstreamErrors {
    /** How much of a body that is not JSON (an HTML error page, a proxy's text) the client sees. */
    static final int MAX_PLAIN_BODY = 500;
    /** Bounds what one upstream error puts in an answer and a log line; no provider's message comes near it. */
    static final int MAX_MESSAGE = 4000;
    /** type, param and code are short identifiers; anything longer is not one. */
    static final int MAX_FIELD = 200;
    /** How much of a non-JSON body is looked at at all (it may be up to the answer cap). */
    private static final int MAX_PLAIN_SCAN = 64 * 1024;

    private UpstreamErrors() {}

    public static GatewayException fromStatus(int status, String message, String type, String param, String code,
                                              Long retryAfter, String deploymentId, String secretToHide) {
        return of(status, "HTTP " + status, message, type, param, code, retryAfter, deploymentId, secretToHide);
    }

    /**
     * An error answer the gateway maps to another status than the one the upstream sent (Bedrock's ModelErrorException,
     * HTTP 424, is a 502; its InternalServerException, HTTP 500, too): answered as {@code status}, while the message
     * and, for a 5xx answer, the attempt's records keep {@code sent}, the status the provider's own logs have.
     */
    public static GatewayException fromStatus(int status, int sent, String message, String type, String param, String code,
                                              Long retryAfter, String deploymentId, String secretToHide) {
        GatewayException e = of(status, "HTTP " + sent, message, type, param, code, retryAfter, deploymentId, secretToHide);
        return status >= 500 ? e.fromUpstream(sent) : e;
    }

    /**
     * An error object in the body of a whole answer the upstream sent with HTTP 200 (Gemini's
     * {@code {"error":{"code":503,"status":"UNAVAILABLE"}}}): mapped as an answer of {@code status} would be (the status
     * the error itself names), worded as what happened, never as a failure of "HTTP 200".
     */
    public static GatewayException inOkAnswer(int status, String message, String type, String param, String code,
                                              Long retryAfter, String deploymentId, String secretToHide) {
        return of(status, "an error in its HTTP 200 answer", message, type, param, code, retryAfter, deploymentId, secretToHide);
    }

    /**
     * An error event in a stream the upstream had answered with HTTP 200: mapped as an answer of {@code status} would
     * be (the status the event's type stands for), but worded as what happened. "failed (HTTP 502)" sent an operator
     * looking for a 502 in the provider's logs that the provider never sent.
     */
    public static GatewayException inStream(int status, String message, String type, String param, String code,
                                            String deploymentId, String secretToHide) {
        return inStream(status, message, type, param, code, null, deploymentId, secretToHide);
    }

    /** {@link #inStream}, with the wait the event itself asked for (Google's RetryInfo detail), or null. */
    public static GatewayException inStream(int status, String message, String type, String param, String code, Long retryAfter,
                                            String deploymentId, String secretToHide) {
        return of(status, "an error event in its HTTP 200 stream", message, type, param, code, retryAfter, deploymentId, secretToHide);
    }

    /** @param how what the upstream answered, as the message says it ("HTTP 500", or an error event in a stream) */
    private static GatewayException of(int status, String how, String message, String type, String param, String code,
                                       Long retryAfter, String deploymentId, String secretToHide) {
        String msg = KeyScrubber.cut(message == null || message.isBlank() ? how : message, secretToHide, MAX_MESSAGE);
        type = KeyScrubber.cut(type, secretToHide, MAX_FIELD);
        param = KeyScrubber.cut(param, secretToHide, MAX_FIELD);
        code = KeyScrubber.cut(code, secretToHide, MAX_FIELD);
        Long retry = retryAfter == null ? null : Math.clamp(retryAfter, 0, RetryAfter.MAX_SECONDS);
        if (status >= 400 && status < 500) {
            return new GatewayException(ErrorKind.forClientStatus(status), status, msg, param, code, type, retry);
        }
        if (status == 503 || status == 529) {
            return new GatewayException(ErrorKind.UNAVAILABLE, 503, "Upstream " + deploymentId
                    + " is overloaded (" + how + "): " + msg, null, code, type, retry).fromUpstream(status);
        }
        if (status == 504) {
            return new GatewayException(ErrorKind.TIMEOUT, 504, "Upstream " + deploymentId
                    + " timed out (" + how + "): " + msg, null, code, type, retry).fromUpstream(status);
        }
        return new GatewayException(ErrorKind.UPSTREAM, 502, "Upstream " + deploymentId + " failed ("
                + how + "): " + msg, null, code, type, retry).fromUpstream(status);
    }

    /** An error body that is not JSON, as the message: scrubbed first, then cut (so no cut can split the key). */
    public static GatewayException fromPlainBody(int status, Buffer body, Long retryAfter, String deploymentId,
                                                 String secretToHide) {
        String text = body.length() > MAX_PLAIN_SCAN ? body.getString(0, MAX_PLAIN_SCAN) : body.toString();
        return fromStatus(status, KeyScrubber.cut(text, secretToHide, MAX_PLAIN_BODY), null, null, null, retryAfter,
                deploymentId, secretToHide);
    }

    /**
     * A failure whose message may hold upstream text (a network error quoting what the upstream sent) with every
     * key run masked; the same instance when there was none.
     */
    public static Throwable scrubbed(Throwable t, KeyScrubber scrubber) {
        if (!(t instanceof GatewayException g) || g.getMessage() == null) return t;
        String m = scrubber.text(g.getMessage());
        return m == g.getMessage() ? g
                : new GatewayException(g.kind(), g.status(), m, g.param(), g.code(), g.upstreamType(), g.retryAfterSeconds());
    }
}
