package dev.switchboard.model;

/** Why a choice ended, in OpenAI's vocabulary (the canonical one). */
public enum FinishReason {
    STOP("stop"), LENGTH("length"), TOOL_CALLS("tool_calls"), CONTENT_FILTER("content_filter"),
    FUNCTION_CALL("function_call");

    private final String wire;

    FinishReason(String wire) { this.wire = wire; }

    public String wire() { return wire; }

    /**
     * @return the reason for one of these five names (the gateway's own stored values); any other maps to STOP. An
     *     upstream server's word is read by its provider's table instead ({@code provider.openai.FinishReasons}: other
     *     servers' words for a cut or filtered answer keep their meaning there; a word no table knows is STOP too).
     */
    public static FinishReason fromWire(String value) {
        if (value == null) return null;
        for (FinishReason r : values()) if (r.wire.equals(value)) return r;
        return STOP;
    }
}
