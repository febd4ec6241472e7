package dev.switchboard.pipeline.guard;

import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.Usage;
import dev.switchboard.pipeline.OutputChars;

/**
 * What the provider bills for a call a guardrail blocked after it was made: its usage when it said it, else the
 * output it had sent, which the gateway's estimate counts (see {@link dev.switchboard.model.GuardrailBlock}).
 */
record Billed(Usage usage, long outputChars) {
    static final Billed UNKNOWN = new Billed(null, 0);

    /** A whole answer: its usage, or without one its output. */
    static Billed of(ChatResponse answer) {
        return answer.usage() != null ? new Billed(answer.usage(), 0) : new Billed(null, OutputChars.of(answer));
    }
}
