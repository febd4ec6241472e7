package dev.switchboard.provider;

import dev.switchboard.model.ChatRequest;
import java.util.List;

/**
 * How many stop sequences a provider takes. Anthropic takes any number, so an Anthropic client's valid request may send
 * more than a translated provider takes: OpenAI's chat completions (and Azure OpenAI's) take at most 4 ({@code stop}:
 * "Up to 4 sequences", its API reference; more is its 400 "array too long"), Gemini's {@code stopSequences} at most 5
 * (its API reference: "The set of character sequences (up to 5)"). More is a {@link ParamConflict}: the router refuses
 * the request naming the alias, the field and the limit (after the group's other deployments and the fallbacks), or
 * under {@code drop_params} sends the first ones the provider takes, with the WARN line every drop has; the gateway never
 * cuts the list unsaid.
 */
public final class StopSequences {
    /** OpenAI's chat completions, also served by Azure OpenAI. */
    public static final int OPENAI = 4;
    /** Gemini's generationConfig.stopSequences, AI Studio and Vertex AI alike. */
    public static final int GEMINI = 5;

    private StopSequences() {}

    /**
     * @param service who takes at most {@code limit}, as the error's sentence names it ("OpenAI's Chat Completions API")
     * @return the conflict when the request sends more than {@code limit}, else none
     */
    public static List<ParamConflict> overLimit(ChatRequest r, int limit, String service) {
        if (r.stop().size() <= limit) return List.of();
        return List.of(new ParamConflict("stop", service + " takes at most " + limit + " stop sequences and this request sends "
                + r.stop().size() + " (under drop_params the first " + limit + " are sent)", q -> q.withStop(q.stop().subList(0, Math.min(limit, q.stop().size())))));
    }
}
