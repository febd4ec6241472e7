package dev.switchboard.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ContextWindowWords;
import dev.switchboard.model.GatewayException;
import dev.switchboard.provider.Json;
import dev.switchboard.provider.UpstreamErrors;
import io.vertx.core.buffer.Buffer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Bedrock's errors → ours. An error answer names its exception in the {@code x-amzn-ErrorType} header
 * ({@code ValidationException:http://internal.amazon.com/…}) with {@code {"message": …}} as the body; inside a
 * ConverseStream it is an event of message type {@code exception} whose {@code :exception-type} names it
 * ({@code throttlingException}, …). Both end here, so a name maps to the same status wherever it came from.
 */
final class BedrockErrorDecoder {
    /**
     * Bedrock's and its models' own wordings for a prompt that does not fit the context window, besides every provider's
     * ({@link ContextWindowWords}, Claude's "input length and `max_tokens` exceed context limit" among them).
     */
    private static final Pattern CONTEXT = Pattern.compile("too many input tokens"
            + "|context length|maximum context|exceeds? the (?:model's )?(?:max|maximum)(?:imum)? (?:input|context|token)");

    private BedrockErrorDecoder() {}

    static GatewayException decode(int status, String errorTypeHeader, Buffer body, Long retryAfter, String deploymentId,
                                   String secret) {
        String type = errorTypeHeader == null ? null : errorTypeHeader.split(":", 2)[0];
        String message;
        try {
            JsonNode n = Json.read(body);
            message = Json.text(n, "message") != null ? Json.text(n, "message") : Json.text(n, "Message");
            if (type == null) type = Json.text(n, "__type");
            if (type != null && type.contains("#")) type = type.substring(type.indexOf('#') + 1);
        } catch (Exception notJson) {
            if (type == null) return UpstreamErrors.fromPlainBody(status, body, retryAfter, deploymentId, secret);
            message = body.length() > 500 ? body.getString(0, 500) : body.toString();
        }
        return of(status, type, message, retryAfter, deploymentId, secret);
    }

    /** An exception event of a ConverseStream (sent after the 200): its status follows from its name. */
    static GatewayException midStream(String exceptionType, byte[] payload, String deploymentId, String secret) {
        String message;
        try {
            message = Json.text(Json.read(payload), "message");
        } catch (Exception notJson) {
            message = new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        }
        String type = exceptionType.isEmpty() ? exceptionType
                : Character.toUpperCase(exceptionType.charAt(0)) + exceptionType.substring(1); // throttlingException → ThrottlingException
        // no HTTP status came with it (the stream's was 200): the status its name stands for, worded as an event in
        // the stream ("failed (HTTP 502)" named a status Bedrock never sent)
        int status = switch (type) {
            case "ThrottlingException" -> 429;
            case "ValidationException" -> 400;
            case "ServiceUnavailableException" -> 503;
            default -> 502; // ModelStreamErrorException, InternalServerException, anything new
        };
        Mapped m = map(status, type, message);
        return UpstreamErrors.inStream(m.status(), text(type, message), type, null, m.code(), deploymentId, secret);
    }

    /** The status and code the gateway answers for an exception; {@code status} is Bedrock's, kept for a name it does not know. */
    private record Mapped(int status, String code) {}

    private static Mapped map(int status, String type, String message) {
        String code = null;
        int effective = status;
        if (type != null) {
            switch (type) {
                case "ThrottlingException", "ServiceQuotaExceededException" -> {
                    effective = 429;
                    code = "rate_limit_exceeded";
                }
                // The model is being loaded (AWS answers 429): not our rate, a provider that is not ready; retried.
                case "ModelNotReadyException" -> effective = 503;
                case "ServiceUnavailableException" -> effective = 503;
                // The key or signature is wrong (AWS answers 403): the deployment's credentials, as a 401 of every provider.
                case "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException",
                     "ExpiredTokenException", "MissingAuthenticationTokenException", "InvalidClientTokenId" -> {
                    effective = 401;
                    code = "invalid_aws_credentials";
                }
                case "AccessDeniedException" -> effective = 403;
                case "ResourceNotFoundException" -> effective = 404;
                case "ModelTimeoutException" -> effective = 504;
                case "ModelErrorException", "ModelStreamErrorException", "InternalServerException" -> effective = 502;
                case "ValidationException" -> {
                    if (message != null && (ContextWindowWords.any(message) || CONTEXT.matcher(message.toLowerCase(Locale.ROOT)).find())) code = "context_length_exceeded";
                }
                default -> { }
            }
        }
        return new Mapped(effective, code);
    }

    /**
     * An error answer: the gateway's status for its exception (the README's table), while the message and the attempt's
     * records (ledger row, metric, span) keep the status Bedrock sent, as every provider's do: an InternalServerException
     * is "failed (HTTP 500)" and a 500 in the ledger behind the client's 502, a ModelErrorException (424) a 424.
     */
    private static GatewayException of(int status, String type, String message, Long retryAfter, String deploymentId,
                                       String secret) {
        Mapped m = map(status, type, message);
        return UpstreamErrors.fromStatus(m.status(), status, text(type, message), type, null, m.code(), retryAfter,
                deploymentId, secret);
    }

    private static String text(String type, String message) {
        return message == null || message.isBlank() ? type : type == null ? message : type + ": " + message;
    }
}
