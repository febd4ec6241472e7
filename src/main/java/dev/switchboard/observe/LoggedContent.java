package dev.switchboard.observe;

import dev.switchboard.model.Message;
import java.util.List;

/**
 * What a queued request-log row keeps of a call's prompt and completion, and their rendering on a writer thread: the
 * request's messages (or an embeddings request's input) and the answer's text as the call left them, or the trace's
 * renderings when it made them. Shared by the log's own queued row ({@link LogRow}) and the part that joins a ledger
 * row ({@link LogPart}), so both render the same texts.
 */
abstract sealed class LoggedContent permits LogRow, LogPart {
    final LogPolicy policy;
    final SecretScrubber scrubber;
    /** The request's messages (when the prompt is kept and was not rendered yet), else null. */
    private final List<Message> messages;
    /** An embeddings request's input, in place of messages (kept and not rendered yet), else null. */
    private final com.fasterxml.jackson.databind.JsonNode input;
    /** The prompt as kept (rendered for the trace already), or null. */
    private final String keptPrompt;
    /** The completion as the answer gave it, or null. */
    private final String completionText;
    /** The completion as kept (rendered for the trace already), or null. */
    private final String keptCompletion;

    /**
     * @param input an embeddings request's input (its prompt), with {@code messages} null; null for a chat request
     * @param completionText for embeddings, the summary of the answer ({@link PromptText#embeddings}), never its vectors
     */
    LoggedContent(LogPolicy policy, SecretScrubber scrubber, List<Message> messages,
                  com.fasterxml.jackson.databind.JsonNode input, String keptPrompt, String completionText, String keptCompletion) {
        this.policy = policy;
        this.scrubber = scrubber;
        boolean keeps = policy.keepsContent();
        this.keptPrompt = keeps ? keptPrompt : null;
        this.messages = keeps && keptPrompt == null ? messages : null;
        this.input = keeps && keptPrompt == null ? input : null;
        this.keptCompletion = keeps ? keptCompletion : null;
        this.completionText = keeps && keptCompletion == null ? completionText : null;
    }

    /** The prompt as the policy keeps it (scrubbed); only when it keeps content. */
    final String prompt() {
        return keptPrompt != null ? keptPrompt : scrubber.scrub(policy.apply(messages != null
                ? PromptText.prompt(messages, policy.limit()) : PromptText.input(input, policy.limit())));
    }

    /** The completion as the policy keeps it (scrubbed), or null; only when it keeps content. */
    final String completion() {
        return keptCompletion != null ? keptCompletion
                : completionText == null ? null : scrubber.scrub(policy.apply(completionText));
    }
}
