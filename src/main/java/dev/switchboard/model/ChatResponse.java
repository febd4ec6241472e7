package dev.switchboard.model;

import java.util.List;

/**
 * A complete (non-streamed) answer. {@code model} names the model that actually served. {@code raw} is the
 * provider's own body when its dialect is carried raw (see {@link RawJson}), else null.
 */
public record ChatResponse(String id, long created, String model, List<Choice> choices, Usage usage,
                           String systemFingerprint, String serviceTier, RawJson raw) {

    /** An answer with no raw original. */
    public ChatResponse(String id, long created, String model, List<Choice> choices, Usage usage,
                        String systemFingerprint, String serviceTier) {
        this(id, created, model, choices, usage, systemFingerprint, serviceTier, null);
    }
}
