package dev.switchboard.provider.openai;

import dev.switchboard.model.ChatResponse;
import java.io.IOException;

/**
 * An OpenAI chat completion's bytes back to the canonical answer, for whoever kept them: the in-memory response cache
 * keeps a relayed answer as the upstream's bytes (no encoding on a miss) and decodes them on a hit, through the same
 * decoder as the call, so the hit is the answer the miss had (and an OpenAI-dialect client's hit is relayed again).
 */
public final class OpenAiAnswerBytes {
    /** Every relayed answer names its model, so the decoder's fallback is never used. */
    private static final OpenAiChatDecoder DECODER = new OpenAiChatDecoder("");

    private OpenAiAnswerBytes() {}

    /** The answer in {@code json[0, length)}; throws when the bytes are not one. */
    public static ChatResponse decode(byte[] json, int length) throws IOException { return DECODER.response(json, length); }
}
