package dev.switchboard.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One streamed event. {@code usage} is set only on the usage chunk (OpenAI's {@code include_usage}), whose
 * {@code choices} is empty. {@code model} names the model that actually served, in every chunk.
 * {@code raw} is the provider's own stream event when its dialect is carried raw (one Anthropic event per
 * chunk, including events with no canonical content such as ping), else null. {@code extra}: the chunk's top-level
 * fields an OpenAI-compatible server sent that the gateway does not model (Perplexity's {@code citations}, …), or
 * null; see {@link ChatResponse}.
 */
public record ChatChunk(String id, long created, String model, List<ChunkChoice> choices, Usage usage,
                        String systemFingerprint, String serviceTier, RawJson raw, ObjectNode extra) {

    /** A chunk without unmodelled top-level fields. */
    public ChatChunk(String id, long created, String model, List<ChunkChoice> choices, Usage usage,
                     String systemFingerprint, String serviceTier, RawJson raw) {
        this(id, created, model, choices, usage, systemFingerprint, serviceTier, raw, null);
    }

    /** A chunk with no raw original. */
    public ChatChunk(String id, long created, String model, List<ChunkChoice> choices, Usage usage,
                     String systemFingerprint, String serviceTier) {
        this(id, created, model, choices, usage, systemFingerprint, serviceTier, null);
    }

    /** The same chunk with other choices (a stage rewrote them), the rest kept. */
    public ChatChunk withChoices(List<ChunkChoice> other) {
        return new ChatChunk(id, created, model, other, usage, systemFingerprint, serviceTier, raw, extra);
    }
}
