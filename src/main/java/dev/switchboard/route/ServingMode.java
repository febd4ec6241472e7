package dev.switchboard.route;

import dev.switchboard.config.Deployment;
import java.util.Locale;
import java.util.function.Function;

/**
 * What kind of call a fallback target can serve: a group whose every deployment is known to serve another mode than the
 * call's (an embeddings call and a chat model, a chat call and an embedding model) is passed over in the chain, as a
 * fallback the caller may not use is ({@link RoutePlan#serving}). A deployment's mode is its {@code model_info.mode}, else
 * the price catalog's for its model (the pipeline's {@code PriceCatalog.mode}); one whose mode is unknown may serve
 * anything, as before.
 */
public final class ServingMode {
    /** The call modes: chat (chat completions, Responses, Anthropic messages) and embeddings. */
    static final String CHAT = "chat";
    static final String EMBEDDING = "embedding";

    private ServingMode() {}

    /**
     * LiteLLM's {@code model_info.mode} values (its {@code ModelInfo.mode}): any other string (a typo such as
     * {@code chat_completions}) is not a mode, so it stays unknown and its deployment may serve anything.
     */
    public static final java.util.Set<String> MODES = Deployment.LITELLM_MODES;

    /**
     * LiteLLM's mode as the kind of call it serves: {@code chat}, {@code completion} and {@code responses} serve a chat
     * call (the gateway translates between them), {@code embedding} an embeddings call; LiteLLM's other modes
     * (image_generation, audio_transcription, rerank, …) are their own; null (unknown) for null and for a string that is
     * not one of LiteLLM's modes ({@link #MODES}): after review (2026-12-07) a typo no longer counts as a known other mode.
     */
    public static String family(String mode) {
        if (mode == null || mode.isBlank()) return null;
        String m = mode.trim().toLowerCase(Locale.ROOT);
        if (!MODES.contains(m)) return null;
        return switch (m) {
            case "chat", "completion", "responses" -> CHAT;
            default -> m;
        };
    }

    /**
     * Why {@code group} cannot serve a call of mode {@code call} ({@code "serves chat, not embeddings"}); null when it may:
     * no group, no deployments, or a deployment whose mode is unknown or the call's. Each deployment's family is
     * made once ({@link DeploymentState#family}), not judged per call.
     */
    static String mismatch(String call, ModelGroup group) {
        if (call == null || group == null || group.members.isEmpty()) return null;
        String other = null;
        for (DeploymentState m : group.members) {
            String f = m.family;
            if (f == null || f.equals(call)) return null;
            if (other == null) other = f;
        }
        return "serves " + said(other) + ", not " + said(call);
    }

    /** A family as a message says it: {@code embeddings} for the embedding family, else its name. */
    public static String said(String family) {
        return EMBEDDING.equals(family) ? "embeddings" : family;
    }
}
