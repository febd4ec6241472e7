package dev.switchboard.model;

import java.util.Set;

/**
 * The keys of a request's {@code metadata} the gateway reads for itself, as LiteLLM's proxy does: {@code tags}
 * ({@link CallTags}), {@code trace_id}, {@code session_id}, {@code generation_name}, {@code trace_name} (tracing) and
 * {@code guardrails} (the guardrails a request asks for). They are the gateway's, not the provider's: OpenAI, which
 * stores a chat completion's {@code metadata} when {@code store} is true (strings only, 16 keys at most), gets the rest.
 */
public final class GatewayMetadata {
    public static final Set<String> KEYS = Set.of("tags", "trace_id", "session_id", "generation_name", "trace_name", "guardrails");

    private GatewayMetadata() {}
}
