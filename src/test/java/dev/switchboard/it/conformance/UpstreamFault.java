package dev.switchboard.it.conformance;

import dev.switchboard.simulator.SimBehaviour;

/**
 * An upstream failure the simulator plays in the provider's own wire format, and what each inbound dialect must see:
 * the status, OpenAI's error {@code type} (and {@code code} where the failure has a known one) and Anthropic's type.
 */
enum UpstreamFault {
    INVALID_REQUEST(SimBehaviour.invalidRequest(), 400, "invalid_request_error", "invalid_request_error", null, "invalid_request_error"),
    AUTHENTICATION(SimBehaviour.status(401), 401, "authentication_error", "invalid_request_error", null, "authentication_error"),
    RATE_LIMIT(SimBehaviour.rateLimited(7), 429, "rate_limit_error", "requests", null, "rate_limit_error"),
    SERVER_ERROR(SimBehaviour.status(500), 502, "server_error", "server_error", null, "api_error"),
    CONTEXT_LENGTH(SimBehaviour.contextLength(), 400, "invalid_request_error", "invalid_request_error", "context_length_exceeded",
            "invalid_request_error"),
    CONTENT_POLICY(SimBehaviour.contentPolicy(), 400, "invalid_request_error", "invalid_request_error", "content_policy_violation",
            "invalid_request_error");

    final SimBehaviour behaviour;
    final int status;
    final String openAiType;
    /** The type OpenAI itself sends for this failure, which an OpenAI-dialect caller of an OpenAI-style upstream gets unchanged. */
    final String openAiWireType;
    final String openAiCode;
    final String anthropicType;

    UpstreamFault(SimBehaviour behaviour, int status, String openAiType, String openAiWireType, String openAiCode, String anthropicType) {
        this.behaviour = behaviour;
        this.status = status;
        this.openAiType = openAiType;
        this.openAiWireType = openAiWireType;
        this.openAiCode = openAiCode;
        this.anthropicType = anthropicType;
    }

    /** The capability a subject needs for this fault to be played at all. */
    Capability needs() { return this == CONTENT_POLICY ? Capability.CONTENT_POLICY_ERRORS : Capability.UPSTREAM_ERRORS; }
}
