package dev.switchboard.model;

import java.util.List;

/**
 * One streamed event. {@code usage} is set only on the usage chunk (OpenAI's {@code include_usage}), whose
 * {@code choices} is empty. {@code model} names the model that actually served, in every chunk.
 * {@code raw} is the provider's own stream event when its dialect is carried raw (one Anthropic event per
 * chunk, including events with no canonical content such as ping), else null.
 */
public record ChatChunk(String id, long created, String model, List<ChunkChoice> choices, Usage usage,
                        String systemFingerprint, String serviceTier, RawJson raw) {

    /** A chunk with no raw original. */
    public ChatChunk(String id, long created, String model, List<ChunkChoice> choices, Usage usage,
                     String systemFingerprint, String serviceTier) {
        this(id, created, model, choices, usage, systemFingerprint, serviceTier, null);
    }
}
