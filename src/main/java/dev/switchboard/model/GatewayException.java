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
    private GuardrailBlock block;
    /** The provider's own HTTP status behind a 5xx of ours (500 behind our 502; Bedrock's 424 behind a 502 too), else 0. */
    private int upstreamStatus;
    /** The usage the provider reported for a generation it billed and that failed anyway, else null. */
    private Usage billed;
    /** The share of the input the provider billed without a count (see {@link #billedShare(double)}), 0 for none. */
    private double billedShare;
    /**
     * Whether this is this gateway's own stop of a call ({@link Cancellation#gatewayStopping}): known by identity, not
     * by its code, which an upstream Switchboard draining its own calls sends too (that one is the upstream's failure).
     */
    private boolean gatewayStop;

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

    /** A virtual key's allowlist leaves this alias out: 403, for a call and for count_tokens alike. */
    public static GatewayException modelNotAllowed(String alias, java.util.Collection<String> allowed) {
        return new GatewayException(ErrorKind.PERMISSION, 403, "This key may not use model '" + LogSafe.text(alias)
                + "'. Allowed models: " + String.join(", ", allowed) + ".", "model", "model_not_allowed", null, null);
    }

    /**
     * Whether this is a provider's "the prompt is longer than the model's context window", in any provider's words
     * (the router's context_window_fallbacks, and the Anthropic dialect's wording that Claude Code compacts on).
     */
    public boolean isContextWindow() {
        if (kind() != ErrorKind.BAD_REQUEST && kind() != ErrorKind.PAYLOAD_TOO_LARGE) return false;
        // OpenAI's string_above_max_length is the prompt's only when the string is (a message's content, an input); a
        // too long user (an Anthropic client's metadata.user_id) is a bad request, not "prompt is too long"
        boolean promptString = "string_above_max_length".equals(code())
                && (param() == null || param().startsWith("messages") || param().startsWith("input"));
        return "context_length_exceeded".equals(code()) || promptString
                || ContextWindowWords.any(getMessage());
    }

    public static GatewayException badRequest(String message, String param) {
        return new GatewayException(ErrorKind.BAD_REQUEST, 400, message, param, null, null, null);
    }

    /** A 400 with OpenAI's machine-readable {@code code} ({@code invalid_value}, {@code integer_below_min_value}, …). */
    public static GatewayException badRequest(String message, String param, String code) {
        return new GatewayException(ErrorKind.BAD_REQUEST, 400, message, param, code, null, null);
    }

    /** The same failure answered with extra response headers ({@code x-ratelimit-*} on a key's 429). */
    public GatewayException withHeaders(java.util.Map<String, String> extra) {
        GatewayException e = copy(getMessage(), param, upstreamType);
        e.headers = java.util.Map.copyOf(extra);
        return e;
    }

    /** The same failure in other words: a dialect's names for the fields its message and param name. */
    public GatewayException renamed(String message, String newParam) { return copy(message, newParam, upstreamType); }

    /** The same failure with another upstream error type (a dialect's name for it, e.g. Anthropic's overloaded_error). */
    public GatewayException withUpstreamType(String newUpstreamType) { return copy(getMessage(), param, newUpstreamType); }

    /** This failure with every field carried over (add a new field here), the message, param and upstream type given. */
    private GatewayException copy(String message, String newParam, String newUpstreamType) {
        GatewayException e = new GatewayException(kind, status, message, newParam, code, newUpstreamType, retryAfterSeconds);
        e.headers = headers;
        e.block = block;
        e.upstreamStatus = upstreamStatus;
        e.billed = billed;
        e.billedShare = billedShare;
        e.gatewayStop = gatewayStop;
        return e;
    }

    /** This failure, noting the provider's own status behind it (an upstream 500 the client sees as 502). */
    public GatewayException fromUpstream(int providerStatus) {
        this.upstreamStatus = providerStatus;
        return this;
    }

    /**
     * This failure, noting the usage the provider reported with it: a whole answer whose finish reason said the
     * generation failed (Mistral's and OpenRouter's {@code error}, DeepSeek's {@code insufficient_system_resource}) came
     * with its usage, and the provider bills it. The ledger's attempt row and the budget are charged its price.
     */
    public GatewayException billed(Usage usage) {
        this.billed = usage;
        return this;
    }

    /** Marks this failure as the gateway's own stop (only {@link Cancellation#gatewayStopping} makes one). */
    GatewayException asGatewayStop() {
        this.gatewayStop = true;
        return this;
    }

    /** Whether this is the gateway's own stop of the call (its shutdown drain ran out), not an upstream's error. */
    public boolean isGatewayStop() { return gatewayStop; }

    /** The usage the provider billed for this failed attempt (see {@link #billed(Usage)}), or null for none. */
    public Usage billedUsage() { return billed; }

    /**
     * This failure, noting the share (0 to 1) of the request's input that the provider answered and billed without
     * counting its tokens (Gemini's embedding batches of a list that failed): the ledger's attempt row is charged that
     * share of the gateway's estimate of the input, marked estimated. Ignored where {@link #billedUsage} is set.
     */
    public GatewayException billedShare(double share) {
        this.billedShare = share;
        return this;
    }

    /** The share of the input billed uncounted (see {@link #billedShare(double)}); 0 for none. */
    public double billedShare() { return billedShare; }

    /**
     * The status an attempt's records keep (the ledger's attempt rows, the attempt metric and span): the provider's own
     * for an upstream failure we answer as a 5xx, so "which provider hiccuped" tells a 500 from a 502 or a 529 (and
     * Bedrock's 424 or 429 from the 502 or 503 they are answered as); else {@link #status()}.
     */
    public int attemptStatus() { return upstreamStatus > 0 ? upstreamStatus : status; }

    /** The same failure marked as a guardrail's block (see {@link GuardrailBlock}). */
    public GatewayException blockedBy(GuardrailBlock b) {
        GatewayException e = copy(getMessage(), param, upstreamType);
        e.block = b;
        return e;
    }

    /** The guardrail block this failure is, or null for any other failure. */
    public GuardrailBlock block() { return block; }

    /** Response headers to send with this error (empty for most). */
    public java.util.Map<String, String> headers() { return headers; }

    public ErrorKind kind() { return kind; }

    public int status() { return status; }

    public String param() { return param; }

    public String code() { return code; }

    public String upstreamType() { return upstreamType; }

    public Long retryAfterSeconds() { return retryAfterSeconds; }

    /**
     * Anthropic's error types and the status each stands for: an upstream's type is Anthropic's only when it is
     * one of these and agrees with the status (an OpenAI server's 401 says {@code invalid_request_error}, which to an
     * Anthropic client would mean a bad request).
     */
    private static final java.util.Map<String, Integer> ANTHROPIC_TYPES = java.util.Map.ofEntries(
            java.util.Map.entry("invalid_request_error", 400), java.util.Map.entry("authentication_error", 401),
            java.util.Map.entry("billing_error", 402), java.util.Map.entry("permission_error", 403),
            java.util.Map.entry("not_found_error", 404), java.util.Map.entry("request_too_large", 413),
            java.util.Map.entry("rate_limit_error", 429), java.util.Map.entry("api_error", 500),
            java.util.Map.entry("overloaded_error", 503), java.util.Map.entry("timeout_error", 504));

    /** Anthropic's names that OpenAI's API never uses: an OpenAI-dialect caller gets its kind's type instead. */
    private static final java.util.Set<String> ANTHROPIC_ONLY = java.util.Set.of("api_error", "overloaded_error",
            "not_found_error", "request_too_large", "timeout_error", "billing_error");

    /**
     * The {@code type} an OpenAI-dialect caller sees: the upstream's own where an OpenAI-style server sent it
     * (OpenAI's {@code requests}, {@code insufficient_quota}, …, passed through), never another dialect's (Google's
     * {@code INVALID_ARGUMENT}, Anthropic's {@code api_error}): those get the kind's type.
     */
    public String openAiType() {
        if (upstreamType == null || upstreamType.isEmpty() || ANTHROPIC_ONLY.contains(upstreamType)
                || !upstreamType.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return openAiKindType();
        }
        if (ANTHROPIC_TYPES.containsKey(upstreamType) && kind.status() != ANTHROPIC_TYPES.get(upstreamType)
                && !upstreamType.equals("invalid_request_error")) {
            return openAiKindType(); // e.g. Anthropic's rate_limit_error on a 5xx: the kind decides
        }
        return upstreamType;
    }

    /**
     * The kind's type as OpenAI's API words it: every failure on the server's side, 500, 502 (an upstream's 5xx, a
     * connection refused or reset), 503 (an overloaded Claude or Gemini, the gateway's own "no deployment can serve") and
     * 504 (an upstream silent past its {@code timeout}), is OpenAI's {@code server_error}, the type OpenAI sends with
     * its own 5xx answers and that an OpenAI-compatible upstream's passes through, so a client branching on
     * {@code error.type} sees one value for one situation whichever provider served. OpenAI's API has no
     * {@code upstream_error}, {@code timeout} or {@code service_unavailable} type (LiteLLM's proxy sends a null type
     * for its timeouts and connection errors). The kind's own name stays what the ledger, the log and metrics record,
     * and is the {@code code} of a 502 or 504 without a code of its own ({@link #openAiKindCode}). Never an upstream's
     * own words (the Responses stream's {@code error} event's {@code code} without a code of its own).
     */
    public String openAiKindType() {
        return switch (kind) {
            case UNAVAILABLE, UPSTREAM, TIMEOUT -> ErrorKind.INTERNAL.openAiType();
            default -> kind.openAiType();
        };
    }

    /**
     * The {@code code} an OpenAI-dialect error body carries: the failure's own, else, for a 502 or 504, the kind's name
     * ({@code upstream_error}, {@code timeout}), which was the body's {@code type} before that became OpenAI's
     * {@code server_error}: a client still tells a failed upstream from a slow one without parsing the message. Null
     * otherwise (OpenAI's own bodies mostly have a null code).
     */
    public String openAiKindCode() {
        if (code != null) return code;
        return kind == ErrorKind.UPSTREAM || kind == ErrorKind.TIMEOUT ? kind.openAiType() : null;
    }

    /**
     * The status an Anthropic-dialect caller sees: Anthropic's 529 for an upstream's {@code overloaded_error} (Claude
     * on Anthropic, Vertex or a fallback of them), which Anthropic's clients show and retry as they do Anthropic's own;
     * every other failure's {@link #status()}. OpenAI-dialect callers get 503 for it, a status their SDKs know.
     */
    public int anthropicStatus() {
        return kind == ErrorKind.UNAVAILABLE && "overloaded_error".equals(upstreamType) ? 529 : status;
    }

    /** The {@code type} an Anthropic-dialect caller sees: the upstream's own when it is Anthropic's for this status, else the kind's. */
    public String anthropicType() {
        Integer typeStatus = upstreamType == null ? null : ANTHROPIC_TYPES.get(upstreamType);
        if (typeStatus == null) return kind.anthropicType();
        boolean agrees = typeStatus == status || (typeStatus == 503 && kind == ErrorKind.UNAVAILABLE)
                || (typeStatus == 500 && status >= 500) || (typeStatus == 400 && status == 400);
        return agrees ? upstreamType : kind.anthropicType();
    }
}
