package dev.switchboard.route;

/** Why a request left its primary alias: the text after {@code fallback:} in {@code x-switchboard-route}. */
public enum FallbackReason {
    /** The primary failed (rate limit, 5xx, overload, timeout, connection, misconfigured deployment). */
    ERROR("error"),
    /** The prompt did not fit the primary's context window. */
    CONTEXT_WINDOW("context_window"),
    /** The primary's content policy refused the request. */
    CONTENT_POLICY("content_policy"),
    /** The request's own {@code models: [...]} list (OpenRouter's semantics). */
    MODELS_ARRAY("models_array");

    private final String label;

    FallbackReason(String label) { this.label = label; }

    public String label() { return label; }

    /** The {@code x-switchboard-route} value of an answer served after this fallback. */
    public String route() { return "fallback:" + label; }
}
