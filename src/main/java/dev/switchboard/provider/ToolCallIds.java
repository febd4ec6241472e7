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

    /** A tool-call id of OpenAI's shape ({@code call_} and 24 characters), for a call a server sent without one. */
    public static String newId() {
        return "call_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    /**
     * The answer with an id for each tool call a server sent without one (some vLLM and Ollama versions): the client
     * needs one to answer the call with, and the gateway's own check of the next turn refuses a call without one. Such
     * an answer is never relayed as its bytes (the decoders' exact shape needs the id), so the ids given here are the
     * ones the client sees. The same answer when every call has its id (nearly always).
     */
    public static dev.switchboard.model.ChatResponse filled(dev.switchboard.model.ChatResponse r) {
        java.util.List<dev.switchboard.model.Choice> choices = null;
        for (int i = 0; i < r.choices().size(); i++) {
            dev.switchboard.model.Choice c = r.choices().get(i);
            dev.switchboard.model.Message m = c.message();
            if (m == null || !lacksId(m.toolCalls())) continue;
            java.util.List<dev.switchboard.model.ToolCall> calls = new java.util.ArrayList<>(m.toolCalls());
            calls.replaceAll(t -> t.id() == null || t.id().isEmpty()
                    ? new dev.switchboard.model.ToolCall(newId(), t.name(), t.arguments(), t.custom()) : t);
            if (choices == null) choices = new java.util.ArrayList<>(r.choices());
            choices.set(i, c.withMessage(m.withToolCalls(calls)));
        }
        if (choices == null) return r;
        return new dev.switchboard.model.ChatResponse(r.id(), r.created(), r.model(), choices, r.usage(), r.systemFingerprint(),
                r.serviceTier(), r.raw(), null, r.extra());
    }

    /** Whether a call has no id: a loop, not a stream (a pipeline, a match op and a lambda every answer, ~0.2 KB). */
    private static boolean lacksId(java.util.List<dev.switchboard.model.ToolCall> calls) {
        for (int i = 0, n = calls.size(); i < n; i++) {
            String id = calls.get(i).id();
            if (id == null || id.isEmpty()) return true;
        }
        return false;
    }
}
