package dev.switchboard.provider;

import dev.switchboard.model.ErrorKind;
import dev.switchboard.model.GatewayException;

/**
 * Turns a provider's error answer into what our caller sees: a 4xx passes through with its own status,
 * message, type, param and code (it is about the request, so the client must see it); 5xx and the
 * provider-specific overload codes become 502/503, naming the deployment. A provider key that a message
 * might echo is blanked.
 */
public final class UpstreamErrors {
    private UpstreamErrors() {}

    public static GatewayException fromStatus(int status, String message, String type, String param, String code,
                                              String retryAfter, String deploymentId, String secretToHide) {
        String msg = scrub(message == null || message.isBlank() ? "HTTP " + status : message, secretToHide);
        Long retry = parseRetryAfter(retryAfter);
        if (status >= 400 && status < 500) {
            return new GatewayException(ErrorKind.forClientStatus(status), status, msg, param, code, type, retry);
        }
        if (status == 503 || status == 529) {
            return new GatewayException(ErrorKind.UNAVAILABLE, 503, "Upstream " + deploymentId
                    + " is overloaded (HTTP " + status + "): " + msg, null, code, type, retry);
        }
        if (status == 504) {
            return new GatewayException(ErrorKind.TIMEOUT, 504, "Upstream " + deploymentId
                    + " timed out (HTTP 504): " + msg, null, code, type, retry);
        }
        return new GatewayException(ErrorKind.UPSTREAM, 502, "Upstream " + deploymentId + " failed (HTTP "
                + status + "): " + msg, null, code, type, retry);
    }

    public static String scrub(String text, String secret) {
        if (text == null || secret == null || secret.length() < 4) return text;
        return text.replace(secret, "****");
    }

    static Long parseRetryAfter(String value) {
        if (value == null) return null;
        try {
            return (long) Math.ceil(Double.parseDouble(value.trim()));
        } catch (NumberFormatException e) {
            return null; // an HTTP date: rare from providers; the router may still back off on its own
        }
    }
}
