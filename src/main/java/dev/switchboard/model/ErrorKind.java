package dev.switchboard.model;

/**
 * The kinds of failure a caller can see, each with its HTTP status and the error {@code type} of each
 * dialect. One table, so every dialect maps the same failure to the same status. The OpenAI name of the 5xx kinds
 * ({@code upstream_error}, {@code service_unavailable}, {@code timeout}) is what the ledger, the log and the metrics
 * record; an OpenAI-dialect body says OpenAI's {@code server_error} for them ({@link GatewayException#openAiKindType}).
 */
public enum ErrorKind {
    BAD_REQUEST(400, "invalid_request_error", "invalid_request_error"),
    AUTHENTICATION(401, "authentication_error", "authentication_error"),
    PERMISSION(403, "permission_error", "permission_error"),
    NOT_FOUND(404, "invalid_request_error", "not_found_error"),
    PAYLOAD_TOO_LARGE(413, "invalid_request_error", "request_too_large"),
    RATE_LIMIT(429, "rate_limit_error", "rate_limit_error"),
    /** The client left before its answer was complete (nginx's 499): never answered, recorded in the ledger. */
    CLIENT_CLOSED(499, "client_closed", "client_closed"),
    INTERNAL(500, "server_error", "api_error"),
    UPSTREAM(502, "upstream_error", "api_error"),
    UNAVAILABLE(503, "service_unavailable", "overloaded_error"),
    TIMEOUT(504, "timeout", "timeout_error");

    private final int status;
    private final String openAiType;
    private final String anthropicType;

    ErrorKind(int status, String openAiType, String anthropicType) {
        this.status = status;
        this.openAiType = openAiType;
        this.anthropicType = anthropicType;
    }

    public int status() { return status; }

    public String openAiType() { return openAiType; }

    public String anthropicType() { return anthropicType; }

    /** The kind for an upstream 4xx status we pass through. */
    public static ErrorKind forClientStatus(int status) {
        return switch (status) {
            case 401 -> AUTHENTICATION;
            case 403 -> PERMISSION;
            case 404 -> NOT_FOUND;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 429 -> RATE_LIMIT;
            default -> BAD_REQUEST;
        };
    }
}
