package dev.switchboard.observe;

import dev.switchboard.model.Message;
import dev.switchboard.store.LogColumns;
import java.util.List;
import java.util.function.Supplier;

/**
 * The request log's part of a served call's ledger row, as it waits in the ledger's queue: one object holding only the
 * values of the log's own columns ({@link LogColumns}) and what the writer renders the prompt and completion from. It
 * replaces a lambda over the whole {@link LogRow} (its 29-field {@link RequestLogEntry} repeats the ledger row's
 * columns): a queued row is copied by every young collection while it waits, ~290 rows at a time at 10,000 req/s
 * (docs/architecture.md, "What a young collection copies at 10,000 req/s").
 */
final class LogPart extends LoggedContent implements Supplier<LogColumns> {
    private final String errorMessage;
    private final String traceId;
    private final String spanId;
    private final String sessionId;
    private final String generationName;
    private final List<String> tags;
    /** The call's status and error type when the part carries them ({@code withStatus}), else 0 and null. */
    private final int status;
    private final String errorType;
    private final boolean withStatus;

    /**
     * @param withStatus whether the call ended otherwise than its ledger row says (then the part says how)
     * @param tags       the call's tags (an immutable list)
     */
    LogPart(LogPolicy policy, SecretScrubber scrubber, List<Message> messages, com.fasterxml.jackson.databind.JsonNode input,
            String keptPrompt, String completionText, String keptCompletion, String errorMessage, String traceId,
            String spanId, String sessionId, String generationName, List<String> tags, int status, String errorType,
            boolean withStatus) {
        super(policy, scrubber, messages, input, keptPrompt, completionText, keptCompletion);
        this.errorMessage = errorMessage;
        this.traceId = traceId;
        this.spanId = spanId;
        this.sessionId = sessionId;
        this.generationName = generationName;
        this.tags = tags == null ? List.of() : List.copyOf(tags);
        this.withStatus = withStatus;
        this.status = withStatus ? status : 0;
        this.errorType = withStatus ? errorType : null;
    }

    /** The columns, the prompt and completion rendered as the policy keeps them (scrubbed); on the ledger's writer. */
    @Override
    public LogColumns get() {
        boolean keeps = policy.keepsContent();
        return new LogColumns(errorMessage, traceId, spanId, sessionId, generationName, RequestLogStore.tagsJson(tags),
                policy.label(), keeps ? prompt() : null, keeps ? completion() : null, withStatus ? Integer.valueOf(status) : null,
                withStatus ? errorType : null);
    }
}
