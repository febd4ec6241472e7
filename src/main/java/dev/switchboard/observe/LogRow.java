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
final class LogRow implements Supplier<RequestLogEntry> {
    /** The row without prompt and completion (they are rendered by {@link #get}). */
    private final RequestLogEntry row;
    private final LogPolicy policy;
    private final SecretScrubber scrubber;
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
        this.row = row;
        this.policy = policy;
        this.scrubber = scrubber;
        boolean keeps = policy.keepsContent();
        this.keptPrompt = keeps ? keptPrompt : null;
        this.messages = keeps && keptPrompt == null ? messages : null;
        this.input = keeps && keptPrompt == null ? input : null;
        this.keptCompletion = keeps ? keptCompletion : null;
        this.completionText = keeps && keptCompletion == null ? completionText : null;
    }

    /** The row, its prompt and completion as the policy keeps them (scrubbed); on the log's writer thread. */
    @Override
    public RequestLogEntry get() {
        if (!policy.keepsContent()) return row;
        return row.withContent(prompt(), completion());
    }

    /** The prompt as the policy keeps it (scrubbed); only when it keeps content. */
    private String prompt() {
        return keptPrompt != null ? keptPrompt : scrubber.scrub(policy.apply(messages != null
                ? PromptText.prompt(messages, policy.limit()) : PromptText.input(input, policy.limit())));
    }

    /** The completion as the policy keeps it (scrubbed), or null; only when it keeps content. */
    private String completion() {
        return keptCompletion != null ? keptCompletion
                : completionText == null ? null : scrubber.scrub(policy.apply(completionText));
    }

    /**
     * The row's own columns, rendered as {@link #get} renders them: the part that joins the request's ledger row. Made
     * from the queued row and the rendered texts, not from {@link #get}'s copy of the row with them (a 29-field record
     * a row on the writer, 0.2-0.3 KB, bench/profile.sh 2026-12-06).
     *
     * @param statusDiffers whether the call ended otherwise than its ledger row says (then the part says how)
     */
    java.util.function.Supplier<dev.switchboard.store.LogColumns> columns(boolean statusDiffers) {
        return () -> policy.keepsContent() ? RequestLogStore.columns(row, prompt(), completion(), statusDiffers)
                : RequestLogStore.columns(row, statusDiffers);
    }
}
