package dev.switchboard.observe;

import dev.switchboard.model.Message;
import java.util.List;
import java.util.function.Supplier;

/**
 * A request log row as it waits in the log's queue: the row's values, taken when the call finished (on its event
 * loop), and what the writer thread still renders (the prompt, when the trace did not render it already; the policy and
 * the scrubbing of prompt and completion). It holds only what the row needs: the request's messages, not the request
 * (its JSON tree and raw body), the answer's text, not the answer. A queued row waits up to a batch period (and up to a
 * thousand rows wait together), so whatever it holds is copied by every young collection meanwhile: ~2 KB a row when it
 * held the whole call, a few hundred bytes now.
 */
final class LogRow extends LoggedContent implements Supplier<RequestLogEntry> {
    /** The row without prompt and completion (they are rendered by {@link #get}). */
    private final RequestLogEntry row;

    LogRow(RequestLogEntry row, LogPolicy policy, SecretScrubber scrubber, List<Message> messages, String keptPrompt,
           String completionText, String keptCompletion) {
        this(row, policy, scrubber, messages, null, keptPrompt, completionText, keptCompletion);
    }

    /**
     * @param input an embeddings request's input (its prompt), with {@code messages} null; null for a chat request
     * @param completionText for embeddings, the summary of the answer ({@link PromptText#embeddings}), never its vectors
     */
    LogRow(RequestLogEntry row, LogPolicy policy, SecretScrubber scrubber, List<Message> messages,
           com.fasterxml.jackson.databind.JsonNode input, String keptPrompt, String completionText, String keptCompletion) {
        super(policy, scrubber, messages, input, keptPrompt, completionText, keptCompletion);
        this.row = row;
    }

    /** The row, its prompt and completion as the policy keeps them (scrubbed); on the log's writer thread. */
    @Override
    public RequestLogEntry get() {
        if (!policy.keepsContent()) return row;
        return row.withContent(prompt(), completion());
    }
}
