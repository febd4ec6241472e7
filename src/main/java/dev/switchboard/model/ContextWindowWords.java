package dev.switchboard.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The providers' wordings for "the prompt does not fit the model's context window", in one place: an error without a
 * code (Claude's own, or relayed by an OpenAI-style proxy, Bedrock, a compatible server) is told by its words alone,
 * and a wording known to one decoder but not to another sent one of them past context_window_fallbacks. Matched on
 * errors only, never on a call that succeeded.
 */
public final class ContextWindowWords {
    /**
     * Claude's two wordings: the prompt alone ("prompt is too long: 210000 tokens > 200000 maximum"), or the prompt with
     * max_tokens ("input length and `max_tokens` exceed context limit: 197626 + 8192 > 200000, …", a long session's usual
     * one). LiteLLM maps both to a context-window error; Claude Code compacts its conversation on either.
     */
    private static final String CLAUDE = "prompt is too long|exceeds? (?:the )?context limit";

    private static final Pattern CLAUDES = Pattern.compile(CLAUDE);

    /** Every provider's: OpenAI, Gemini, vLLM, Ollama, Bedrock's own, and Claude's. */
    private static final Pattern ANY = Pattern.compile("maximum context length|context window|context_length|too many tokens"
            + "|input is too long|exceeds the (?:maximum|max) (?:number of )?tokens|" + CLAUDE);

    private ContextWindowWords() {}

    /** Whether the message is in Claude's own words for it (Anthropic's dialect passes those on as they are). */
    public static boolean claudes(String message) {
        return message != null && CLAUDES.matcher(message.toLowerCase(Locale.ROOT)).find();
    }

    /** Whether the message says so in any provider's words. */
    public static boolean any(String message) {
        return message != null && ANY.matcher(message.toLowerCase(Locale.ROOT)).find();
    }
}
