package dev.switchboard.provider;

/**
 * Tool-call ids that carry provider state through clients. Gemini 3 wants its {@code thoughtSignature} back on
 * the function call it signed, but OpenAI- and Anthropic-dialect clients keep nothing of a tool call except
 * its id, which they echo verbatim; so the Gemini provider appends the signature to the id after
 * {@link #SIGNATURE_SEPARATOR} (LiteLLM's convention). Every other provider sends the plain id: the signature
 * means nothing to them and OpenAI rejects tool-call ids longer than 40 characters (LiteLLM issue #18160, a
 * conversation moved from Gemini to another model).
 */
public final class ToolCallIds {
    /** LiteLLM's separator, so ids look the same whichever gateway produced them. */
    public static final String SIGNATURE_SEPARATOR = "__thought__";

    private ToolCallIds() {}

    /** The id without a carried signature; null stays null. */
    public static String withoutSignature(String id) {
        if (id == null) return null;
        int at = id.indexOf(SIGNATURE_SEPARATOR);
        return at < 0 ? id : id.substring(0, at);
    }
}
