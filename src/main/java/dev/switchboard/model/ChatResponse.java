package dev.switchboard.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A complete (non-streamed) answer. {@code model} names the model that actually served. {@code raw} is the
 * provider's own body when its dialect is carried raw (see {@link RawJson}), else null. {@code relayed} is the
 * upstream's own bytes when they are already in a client dialect's exact shape (see {@link RelayedAnswer}), else
 * null; only a copy that changes nothing but the usage (pricing) carries it on. {@code extra} holds the top-level fields
 * of an OpenAI-compatible answer that the gateway does not model (Perplexity's {@code citations} and
 * {@code search_results}, …), written back as they came to an OpenAI-dialect client; null when there are none.
 */
public record ChatResponse(String id, long created, String model, List<Choice> choices, Usage usage,
                           String systemFingerprint, String serviceTier, RawJson raw, RelayedAnswer relayed,
                           ObjectNode extra) {

    /** An answer without unmodelled top-level fields. */
    public ChatResponse(String id, long created, String model, List<Choice> choices, Usage usage,
                        String systemFingerprint, String serviceTier, RawJson raw, RelayedAnswer relayed) {
        this(id, created, model, choices, usage, systemFingerprint, serviceTier, raw, relayed, null);
    }

    /** An answer with no raw original. */
    public ChatResponse(String id, long created, String model, List<Choice> choices, Usage usage,
                        String systemFingerprint, String serviceTier) {
        this(id, created, model, choices, usage, systemFingerprint, serviceTier, null, null);
    }

    /** An answer built by the gateway (no upstream bytes to relay). */
    public ChatResponse(String id, long created, String model, List<Choice> choices, Usage usage,
                        String systemFingerprint, String serviceTier, RawJson raw) {
        this(id, created, model, choices, usage, systemFingerprint, serviceTier, raw, null);
    }

    /** The same answer with another usage (the priced one): the relayed bytes stay valid, the edge writes the usage. */
    public ChatResponse withUsage(Usage u) {
        return new ChatResponse(id, created, model, choices, u, systemFingerprint, serviceTier, raw, relayed, extra);
    }

    /** The answer without its upstream bytes: what a cache keeps (the bytes would be held, and not weighed, too). */
    public ChatResponse withoutRelay() {
        return relayed == null ? this : new ChatResponse(id, created, model, choices, usage, systemFingerprint, serviceTier, raw, null, extra);
    }

    /** The same answer with other choices (a stage rewrote them), the unmodelled top-level fields kept. */
    public ChatResponse withChoices(List<Choice> other, RawJson otherRaw) {
        return new ChatResponse(id, created, model, other, usage, systemFingerprint, serviceTier, otherRaw, null, extra);
    }
}
