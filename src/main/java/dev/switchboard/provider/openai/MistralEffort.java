package dev.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.config.Deployment;
import java.util.List;
import java.util.Locale;

/**
 * Mistral's {@code reasoning_effort}. Its chat API takes two values, {@code none} and {@code high} (its SDK's
 * {@code ReasoningEffort} enum); any other is its 400 {@code reasoning_effort='medium' is not supported for this model}
 * (code 3051), and a model without adjustable reasoning refuses the field. Mistral's docs ("Reasoning": adjustable and
 * native) give adjustable reasoning to {@code mistral-small-latest} (Small 4, {@code mistral-small-2603}) and
 * {@code mistral-medium-3-5} (Medium 3.5, {@code mistral-medium-2604}); Magistral reasons natively, always, and takes no
 * effort. So the field goes to those models only, as {@code none} for {@code none} and {@code high} for any other
 * effort a client asks for ({@code minimal} to {@code xhigh}: reasoning on), which is what the Vercel AI SDK and
 * inspect_ai send; every other Mistral model gets none, the answer its model gives by default. A model the list does
 * not know yet takes it with {@code model_info.supports_reasoning_effort: true} (the gateway's own key; {@code false}
 * turns a listed model's off). Not LiteLLM's {@code supports_reasoning}: that one says "a reasoning model" (LiteLLM's
 * cost map sets it for Magistral, and {@code /model_group/info} shows it), not "takes an effort", and Magistral refuses
 * the field. A Magistral model never gets it, whatever its {@code model_info} says. LiteLLM's
 * {@code litellm/llms/mistral} never sends the field either: for a reasoning model it adds Magistral 2506's reasoning
 * system prompt instead, which the API now applies itself ({@code prompt_mode}), so the gateway does not.
 */
final class MistralEffort {
    private MistralEffort() {}

    /** Mistral's ids (and their dated snapshots) with adjustable reasoning, as its docs name them. */
    private static final List<String> ADJUSTABLE = List.of("mistral-small-latest", "mistral-small-2603",
            "mistral-medium-3-5", "mistral-medium-3.5", "mistral-medium-2604");

    /** The {@code model_info} key that says a Mistral model takes {@code reasoning_effort} (or, false, that it does not). */
    static final String MODEL_INFO_KEY = "supports_reasoning_effort";

    /** Whether the deployment's model takes {@code reasoning_effort}: decided once, when its encoder is made. */
    static boolean adjustable(Deployment d) {
        String m = d.model().toLowerCase(Locale.ROOT);
        if (reasonsAlways(d)) return false; // the field is its 400
        if (d.modelInfo() != null && d.modelInfo().get(MODEL_INFO_KEY) instanceof Boolean b) return b;
        for (String a : ADJUSTABLE) if (m.equals(a) || m.startsWith(a + "-")) return true;
        return false;
    }

    /**
     * Whether the model is Magistral, which reasons natively, always: a thinking or an effort left off its request is no
     * thinking dropped ({@code Provider.dropsThinking}).
     */
    static boolean reasonsAlways(Deployment d) { return d.model().toLowerCase(Locale.ROOT).contains("magistral"); }

    /**
     * Whether an OpenAI-dialect {@code reasoning_effort} asks for reasoning ({@code minimal} to {@code xhigh}; not
     * {@code none}, not {@code default}, the model's own) that a Mistral model without adjustable reasoning is sent
     * nothing of (the field left off, {@code OpenAiRequestEncoder.canonical}): its thinking dropped.
     */
    static boolean effortLeftOff(JsonNode effort, boolean adjustable, boolean reasonsAlways) {
        if (adjustable || reasonsAlways || effort == null || !effort.isTextual()) return false;
        String v = effort.textValue();
        return !v.equals("none") && !v.equals("default");
    }

    /** The client's effort as Mistral's value: {@code none} stays, any other word is {@code high}; null for no value. */
    static String value(JsonNode effort) {
        if (effort == null || !effort.isTextual()) return null;
        return "none".equals(effort.textValue()) ? "none" : "high";
    }
}
