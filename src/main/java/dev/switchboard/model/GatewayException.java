package dev.switchboard.model;

/**
 * A failure to report to the caller in its own dialect. {@code status} is usually the kind's, but an
 * upstream 4xx is passed through with its own status (e.g. 422). {@code upstreamType} keeps a provider's own
 * error type where it had one. Messages must never contain a provider key.
 */
public final class GatewayException extends RuntimeException {
    private final ErrorKind kind;
    private final int status;
    private final String param;
    private final String code;
    private final String upstreamType;
    private final Long retryAfterSeconds;
    private java.util.Map<String, String> headers = java.util.Map.of();

    public GatewayException(ErrorKind kind, int status, String message, String param, String code,
                            String upstreamType, Long retryAfterSeconds) {
        super(message, null, false, false); // no stack trace: these are answers, not bugs
        this.kind = kind;
        this.status = status;
        this.param = param;
        this.code = code;
        this.upstreamType = upstreamType;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static GatewayException of(ErrorKind kind, String message) {
        return new GatewayException(kind, kind.status(), message, null, null, null, null);
    }

    /** The alias is not on this gateway: 404 {@code model_not_found}, naming the alias and the known ones. */
    public static GatewayException modelNotFound(String alias, java.util.Collection<String> known) {
        return new GatewayException(ErrorKind.NOT_FOUND, 404, "The model '" + alias
                + "' does not exist on this gateway. Known models: " + String.join(", ", known) + ".",
                "model", "model_not_found", null, null);
    }

    public static GatewayException badRequest(String message, String param) {
        return new GatewayException(ErrorKind.BAD_REQUEST, 400, message, param, null, null, null);
    }

    /** The same failure answered with extra response headers ({@code x-ratelimit-*} on a key's 429). */
    public GatewayException withHeaders(java.util.Map<String, String> extra) {
        GatewayException e = new GatewayException(kind, status, getMessage(), param, code, upstreamType, retryAfterSeconds);
        e.headers = java.util.Map.copyOf(extra);
        return e;
    }

    /** Response headers to send with this error (empty for most). */
    public java.util.Map<String, String> headers() { return headers; }

    public ErrorKind kind() { return kind; }

    public int status() { return status; }

    public String param() { return param; }

    public String code() { return code; }

    public String upstreamType() { return upstreamType; }

    public Long retryAfterSeconds() { return retryAfterSeconds; }
}
