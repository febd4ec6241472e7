package dev.switchboard.config;

/**
 * LiteLLM's checks of what a caller's request must or must not carry, from {@code general_settings}.
 *
 * @param enforceUserParam     {@code enforce_user_param}: every model call names its end user ({@code user}, an
 *                             Anthropic body's {@code metadata.user_id}, or {@code safety_identifier}), else a 400
 * @param rejectClientSideTags {@code reject_clientside_metadata_tags}: a call's tags come only from its key; a request
 *                             carrying its own ({@code metadata.tags}, the body's {@code tags}, the tag headers) is a 400
 */
public record RequestChecks(boolean enforceUserParam, boolean rejectClientSideTags) {
    /** Neither check: LiteLLM's defaults. */
    public static final RequestChecks NONE = new RequestChecks(false, false);
}
