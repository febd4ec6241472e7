package dev.switchboard.observe;

/**
 * The error text an {@link ObservedCall} keeps: a static function of the call's log policy and scrubber, so the call
 * pays no object and no field for having it apart.
 */
final class KeptError {
    private KeptError() {}

    /**
     * An error's message as the call's log policy keeps it, with the keys masked and cut to the log column's width:
     * the same text for the log row, the root, attempt and stream spans' status and Langfuse's status message. With
     * {@code off} none of an upstream's message (it may quote the prompt), only the status and error type, while the
     * gateway's own refusals ({@code fromUpstream} false: budget exceeded, model not allowed) are kept, quoting no
     * content; with {@code redacted} the policy's patterns masked, as in the prompt.
     */
    static String of(LogPolicy policy, SecretScrubber scrubber, String raw, String errorType, int status, boolean fromUpstream) {
        if (raw == null) return null;
        if (!policy.keepsContent()) {
            if (!fromUpstream) return scrubber.bounded(raw, SpanText.MESSAGE);
            return "HTTP " + status + (errorType == null ? "" : " " + errorType) + " (message not kept: log policy off)";
        }
        // at most the column's width plus a key's length is scanned: a 404 quotes the model, which may be 10 MB
        return SpanText.cut(policy.applyToError(scrubber.bounded(raw, SpanText.MESSAGE)), SpanText.MESSAGE);
    }
}
