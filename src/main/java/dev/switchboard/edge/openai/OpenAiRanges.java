package dev.switchboard.edge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.List;

/**
 * The ranges OpenAI's API holds its sampling parameters to (its spec's {@code minimum} / {@code maximum}), checked
 * before routing in OpenAI's words and codes ({@link OpenAiNumbers#aboveMax}), whatever provider serves the alias.
 * They used to reach the provider as written: Claude answered {@code temperature: 3} in Anthropic's words with no
 * {@code param}, Gemini took {@code n: 129} as its {@code candidateCount}, so one request passed or failed by where it
 * was routed, and never as OpenAI refuses it. Values inside the ranges are not touched.
 */
public final class OpenAiRanges {
    /** A ranged field: an integer, or a decimal (the spec's {@code number}, whose messages say "decimal"). */
    private record Range(String field, boolean integer, long min, long max) {}

    private static final Range TEMPERATURE = new Range("temperature", false, 0, 2);
    private static final Range TOP_P = new Range("top_p", false, 0, 1);
    private static final Range TOP_LOGPROBS = new Range("top_logprobs", true, 0, 20);

    /** {@code CreateChatCompletionRequest}'s ranged fields. */
    private static final List<Range> CHAT = List.of(TEMPERATURE, TOP_P, TOP_LOGPROBS, new Range("n", true, 1, 128),
            new Range("frequency_penalty", false, -2, 2), new Range("presence_penalty", false, -2, 2));
    /** {@code CreateResponse}'s: the Responses API has no {@code n} and no penalties. */
    private static final List<Range> RESPONSES = List.of(TEMPERATURE, TOP_P, TOP_LOGPROBS);

    private OpenAiRanges() {}

    /**
     * The {@code reasoning_effort} values some deployment type takes: OpenAI's ({@code none} to {@code xhigh}, each
     * mapped for Claude and Gemini, see their encoders), Groq's {@code default} (its Qwen 3 models take
     * {@code none} and {@code default}) and LiteLLM's {@code disable} (its thinking budget 0), which
     * {@link #disableAsNone} makes a {@code none} before anything reads it.
     */
    static final List<String> REASONING_EFFORTS = List.of("none", "minimal", "low", "medium", "high", "xhigh", "default", "disable");

    /**
     * LiteLLM's {@code reasoning_effort: "disable"} (thinking budget 0: no reasoning), which clients moving over from
     * LiteLLM send, as OpenAI's {@code none}, in the body itself: every provider then treats it as it treats
     * {@code none} (Claude no thinking, Gemini its least budget or level, OpenAI-style services the {@code none} they
     * take), and none is sent a {@code disable} it would refuse. True when the body was changed (so it is no longer
     * the client's bytes, and is not relayed as written).
     */
    public static boolean disableAsNone(com.fasterxml.jackson.databind.node.ObjectNode body) {
        JsonNode v = body.get("reasoning_effort");
        if (v == null || !v.isTextual() || !DISABLE.equals(v.textValue())) return false;
        body.put("reasoning_effort", "none");
        return true;
    }

    /** LiteLLM's name for no reasoning. */
    public static final String DISABLE = "disable";

    /**
     * A chat completions body's ranged fields, each within OpenAI's range or absent (null counts as absent), and its
     * {@code reasoning_effort} one of {@link #REASONING_EFFORTS}: another one ("extreme", a typo) is OpenAI's 400 on every
     * provider, where Claude and Gemini used to take it as no reasoning at all.
     */
    public static void chat(JsonNode body) {
        check(body, CHAT);
        reasoningEffort(body.get("reasoning_effort"));
    }

    private static void reasoningEffort(JsonNode v) {
        if (v == null || v.isNull()) return;
        String supported = "'" + String.join("', '", REASONING_EFFORTS.subList(0, REASONING_EFFORTS.size() - 1)) + "', and '"
                + REASONING_EFFORTS.getLast() + "'";
        if (!v.isTextual()) {
            throw dev.switchboard.model.GatewayException.badRequest("Invalid type for 'reasoning_effort': expected one of "
                    + supported + ", but got " + OpenAiNumbers.kind(v) + " instead.", "reasoning_effort", "invalid_type");
        }
        if (!REASONING_EFFORTS.contains(v.textValue())) {
            throw dev.switchboard.model.GatewayException.badRequest("Invalid value: '" + v.textValue() + "'. Supported values are: "
                    + supported + ".", "reasoning_effort", "invalid_value");
        }
    }

    /** A Responses API body's ranged fields, as {@link #chat}. */
    public static void responses(JsonNode body) { check(body, RESPONSES); }

    private static void check(JsonNode body, List<Range> ranges) {
        for (Range r : ranges) {
            JsonNode v = body.get(r.field());
            if (v == null || v.isNull()) continue;
            String kind = r.integer() ? "integer" : "decimal";
            int below, above;
            if (r.integer()) {
                BigInteger i = OpenAiNumbers.integer(v, r.field());
                below = i.compareTo(BigInteger.valueOf(r.min()));
                above = i.compareTo(BigInteger.valueOf(r.max()));
            } else {
                // non-finite numbers never get here: the body reader refuses them first
                if (!v.isNumber()) throw OpenAiNumbers.typeError(r.field(), "a number", v);
                double d = v.doubleValue(); // compared, not Double.compare'd: -0.0 is a temperature of 0
                below = d < r.min() ? -1 : 0;
                above = d > r.max() ? 1 : 0;
            }
            if (below < 0) throw OpenAiNumbers.belowMin(r.field(), kind, Long.toString(r.min()), v);
            if (above > 0) throw OpenAiNumbers.aboveMax(r.field(), kind, Long.toString(r.max()), v);
        }
    }
}
