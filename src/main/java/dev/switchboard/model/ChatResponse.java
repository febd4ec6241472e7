package dev.switchboard.model;

import java.util.List;

/** A complete (non-streamed) answer. {@code model} names the model that actually served. */
public record ChatResponse(String id, long created, String model, List<Choice> choices, Usage usage,
                           String systemFingerprint, String serviceTier) {}
