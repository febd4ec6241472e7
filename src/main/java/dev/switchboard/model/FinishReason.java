package dev.switchboard.model;

/** Why a choice ended, in OpenAI's vocabulary (the canonical one). */
public enum FinishReason {
    STOP("stop"), LENGTH("length"), TOOL_CALLS("tool_calls"), CONTENT_FILTER("content_filter"),
    FUNCTION_CALL("function_call");

    private final String wire;

    FinishReason(String wire) { this.wire = wire; }

    public String wire() { return wire; }

    /** @return the reason for an OpenAI-style value; unknown values map to STOP, as OpenAI SDKs expect one of these. */
    public static FinishReason fromWire(String value) {
        if (value == null) return null;
        for (FinishReason r : values()) if (r.wire.equals(value)) return r;
        return STOP;
    }
}
