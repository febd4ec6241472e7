package dev.switchboard.model;

import java.util.List;

/**
 * One streamed event. {@code usage} is set only on the usage chunk (OpenAI's {@code include_usage}), whose
 * {@code choices} is empty. {@code model} names the model that actually served, in every chunk.
 */
public record ChatChunk(String id, long created, String model, List<ChunkChoice> choices, Usage usage,
                        String systemFingerprint, String serviceTier) {}
